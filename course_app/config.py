"""Settings read from environment variables."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSECURE_DEV_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production by check_production


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Defaults for a local install; every value can be set from the environment."""

    ENV_NAME = os.environ.get("APP_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'instance' / 'course_app.db'}"
    )
    # pool_pre_ping: a connection the server dropped (restart, failover) is replaced before
    # use, so the app recovers by itself when the database returns. See engine_options().
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # PostgreSQL: how long to wait for a connection (s), for one statement (ms, 0 = no limit)
    # and for a free connection in the pool (s). A hung database answers 503 quickly instead
    # of holding every worker until gunicorn kills it.
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "25000"))
    DATABASE_POOL_TIMEOUT = int(os.environ.get("DATABASE_POOL_TIMEOUT", "10"))
    COURSES_DIR = os.environ.get("COURSES_DIR", str(PROJECT_ROOT / "courses"))
    SITE_NAME = os.environ.get("SITE_NAME", "Library Learning")
    # Links that leave the browser (email, QR codes, PDFs, cards) start with this; required in
    # production. TRUSTED_HOSTS (comma-separated) are the only Host headers answered; in
    # production they default to BASE_URL's host. TRUSTED_PROXIES: how many proxies in front
    # set X-Forwarded-For/-Proto (0: none, the headers are ignored).
    BASE_URL = os.environ.get("BASE_URL", "")
    TRUSTED_HOSTS = os.environ.get("TRUSTED_HOSTS", "") or None
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Printed on every sign-in card: where a patron gets help (a phone number, "ask at the desk").
    SIGNIN_CARD_HELP = os.environ.get("SIGNIN_CARD_HELP", "")
    CERTIFICATE_PAPER = os.environ.get("CERTIFICATE_PAPER", "A4")  # or "Letter"
    # Cookie hardening; SESSION_COOKIE_SECURE is on in production (HTTPS) and can be forced.
    # Strict-Transport-Security in production over HTTPS; "off" when a proxy sends its own.
    HSTS = _bool("HSTS", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", ENV_NAME == "production")
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = None  # patrons read slowly; the token lives as long as the session
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # Redis away: Flask-Limiter keeps limiting in each worker's memory until it is back,
    # instead of failing every limited request (README: "Sign-in limits when Redis is down").
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Wrong passwords only (never correct ones), counted where RATELIMIT_STORAGE_URI says, or in
    # the database when it says memory://: per address, and per account (a short slow-down,
    # never a long lock-out). Librarians see accounts with SIGN_IN_WARN_AFTER wrong passwords.
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour")
    SIGN_IN_ACCOUNT_LIMIT = os.environ.get("SIGN_IN_ACCOUNT_LIMIT", "5 per 5 minutes")
    SIGN_IN_WARN_AFTER = int(os.environ.get("SIGN_IN_WARN_AFTER", "5"))
    # Accounts made per address (a class making accounts together uses the desk's import).
    SIGN_UP_RATE_LIMIT = os.environ.get("SIGN_UP_RATE_LIMIT", "10 per hour;30 per day")
    # Class codes that did not work, per account and per address, before /join waits.
    # Retention (`flask privacy purge`, daily): guest progress with no resume code is erased
    # after PRIVACY_GUEST_DAYS unused; accounts unused PRIVACY_INACTIVE_DAYS are flagged to
    # librarians (0: never).
    PRIVACY_GUEST_DAYS = int(os.environ.get("PRIVACY_GUEST_DAYS", "30"))
    PRIVACY_INACTIVE_DAYS = int(os.environ.get("PRIVACY_INACTIVE_DAYS", "0"))
    # Sign-in records (time, address, outcome) and ended sessions are deleted after this.
    PRIVACY_SIGN_IN_DAYS = int(os.environ.get("PRIVACY_SIGN_IN_DAYS", "90"))
    # The worker runs the purge itself every day at this time (HH:MM, the server's time zone);
    # empty turns it off (then run `flask privacy purge` from cron or a systemd timer).
    PRIVACY_PURGE_AT = os.environ.get("PRIVACY_PURGE_AT", "03:30")
    # A temporary passphrase from the desk works this many days (it is on the card).
    TEMPORARY_PASSWORD_DAYS = int(os.environ.get("TEMPORARY_PASSWORD_DAYS", "30"))
    JOIN_ACCOUNT_LIMIT = os.environ.get("JOIN_ACCOUNT_LIMIT", "10 per hour")
    JOIN_ADDRESS_LIMIT = os.environ.get("JOIN_ADDRESS_LIMIT", "30 per hour")
    # Email, for patrons who have an address: password reset codes. Off when MAIL_SERVER is empty.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "")
    MAIL_BACKEND = "smtp"  # "memory" keeps messages in app.extensions["mail_outbox"] (tests)
    # Sign-in sessions end on the server when idle or old; staff roles get shorter limits and
    # type their password again before staff-only pages after REAUTH_MINUTES.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "30"))
    STAFF_SESSION_ABSOLUTE_HOURS = int(os.environ.get("STAFF_SESSION_ABSOLUTE_HOURS", "8"))
    REAUTH_MINUTES = int(os.environ.get("REAUTH_MINUTES", "15"))
    # The job queue (course_app/jobs.py): Redis when several servers share it, else a SQLite
    # file on this machine. JOBS_IMMEDIATE runs each job inline as it is queued (tests).
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL", "")
    JOBS_SQLITE_PATH = os.environ.get(
        "JOBS_SQLITE_PATH", str(PROJECT_ROOT / "instance" / "jobs.db")
    )
    JOBS_IMMEDIATE = _bool("JOBS_IMMEDIATE", False)
    # One JSON line per request on stderr (request_log.py).
    REQUEST_LOG = _bool("REQUEST_LOG", True)
    # /metrics answers these networks (comma-separated) or `Authorization: Bearer METRICS_TOKEN`.
    METRICS_ALLOW_FROM = os.environ.get("METRICS_ALLOW_FROM", "127.0.0.1/32,::1/128")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # Where `flask backup create` puts backups unless given --to.
    BACKUP_DIR = os.environ.get("BACKUP_DIR", str(PROJECT_ROOT / "instance" / "backups"))
    # Public computers: the visit ends after this long without a request; a warning comes first.
    PUBLIC_COMPUTER_IDLE_SECONDS = int(os.environ.get("PUBLIC_COMPUTER_IDLE_SECONDS", "900"))
    PUBLIC_COMPUTER_WARNING_SECONDS = int(os.environ.get("PUBLIC_COMPUTER_WARNING_SECONDS", "120"))
    # Reports hide any figure about fewer learners than this in a library-level breakdown.
    REPORT_MIN_LEARNERS = int(os.environ.get("REPORT_MIN_LEARNERS", "5"))
    # "May need help" on class pages: no activity for more than HELP_IDLE_DAYS while unfinished
    # work is due within HELP_DUE_WITHIN_DAYS (or past due); a quiz failed HELP_FAILED_TRIES
    # times and never passed. See classes/status.py.
    HELP_IDLE_DAYS = int(os.environ.get("HELP_IDLE_DAYS", "14"))
    HELP_DUE_WITHIN_DAYS = int(os.environ.get("HELP_DUE_WITHIN_DAYS", "7"))
    HELP_FAILED_TRIES = int(os.environ.get("HELP_FAILED_TRIES", "2"))
    # Work overdue for longer than this (an old class's) no longer flags anyone.
    HELP_OVERDUE_WITHIN_DAYS = int(os.environ.get("HELP_OVERDUE_WITHIN_DAYS", "30"))
    # PostgreSQL memory for each report's sorts and hashes (work_mem for that transaction only).
    REPORT_WORK_MEM = os.environ.get("REPORT_WORK_MEM", "64MB")
    # Caches of what is made from course files (see caching.py): on unless the app runs in
    # debug mode; "0" turns them off, e.g. to measure what they save.
    CONTENT_CACHE = _bool("CONTENT_CACHE", True) if "CONTENT_CACHE" in os.environ else None
    # Open Badges 3.0 signing keys: a folder outside the database and the repository, made and
    # rotated by `flask badges keygen`. The issuer's contact address (else MAIL_FROM).
    BADGE_KEYS_DIR = os.environ.get("BADGE_KEYS_DIR", str(PROJECT_ROOT / "instance" / "badge-keys"))
    BADGE_ISSUER_EMAIL = os.environ.get("BADGE_ISSUER_EMAIL", "")
    # The LTI tool's RSA keys (`flask lti keygen`), like the badge keys outside the repository.
    LTI_KEYS_DIR = os.environ.get("LTI_KEYS_DIR", str(PROJECT_ROOT / "instance" / "lti-keys"))
    # Learning-record statements (xAPI 1.0.3): off unless the LRS endpoint and credentials are
    # set. Learners appear as a pseudonym made with XAPI_PSEUDONYM_KEY (else SECRET_KEY; set it
    # once and keep it); their display name only if XAPI_ACTOR_NAMES is on.
    XAPI_ENDPOINT = os.environ.get("XAPI_ENDPOINT", "")
    XAPI_USERNAME = os.environ.get("XAPI_USERNAME", "")
    XAPI_PASSWORD = os.environ.get("XAPI_PASSWORD", "")
    XAPI_PSEUDONYM_KEY = os.environ.get("XAPI_PSEUDONYM_KEY", "")
    XAPI_ACTOR_NAMES = _bool("XAPI_ACTOR_NAMES", False)
    XAPI_BATCH_SIZE = int(os.environ.get("XAPI_BATCH_SIZE", "50"))
    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "es")
    # argon2id cost; tests lower it so the suite stays fast.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", "65536"))
    # Pages, styles and scripts sent compressed to browsers that accept it (Flask-Compress):
    # a lesson's HTML shrinks to about a quarter on a cheap phone's data plan. Recordings are
    # left alone (already compressed, and sent in ranges). A proxy in front may compress too;
    # Flask-Compress skips responses that already have a Content-Encoding.
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
        "text/vtt",
        "application/json",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "deflate"]  # static files are sent streamed
    COMPRESS_LEVEL = 6
    COMPRESS_BR_LEVEL = 5


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    MAIL_BACKEND = "memory"
    MAIL_FROM = "library@example.org"
    # Never the instance folder: tests that sign make their own keys here (or in tmp_path).
    BADGE_KEYS_DIR = str(Path(tempfile.gettempdir()) / f"course-app-test-badge-keys-{os.getpid()}")
    LTI_KEYS_DIR = str(Path(tempfile.gettempdir()) / f"course-app-test-lti-keys-{os.getpid()}")
    JOBS_IMMEDIATE = True
    REQUEST_LOG = False  # tests that read the log turn it on


def engine_options(config: dict) -> dict:
    """SQLAlchemy engine options for the configured database: the timeouts on PostgreSQL; on
    SQLite no ping (a file on this machine never drops a connection)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        options.pop("pool_pre_ping", None)
    elif uri.startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", config["DATABASE_CONNECT_TIMEOUT"])
        statement = f"-c statement_timeout={config['DATABASE_STATEMENT_TIMEOUT']}"
        connect_args["options"] = f"{connect_args.get('options', '')} {statement}".strip()
        options["connect_args"] = connect_args
        options.setdefault("pool_timeout", config["DATABASE_POOL_TIMEOUT"])
    return options


class ConfigError(RuntimeError):
    """The app was asked to start with settings that are unsafe or invalid."""


def check_production(config: dict) -> None:
    """Refuse to run in production with the development secret key or a short one, or
    without a BASE_URL for the links that leave the browser."""
    from course_app.links import base_url_problem

    if config.get("BASE_URL") and (problem := base_url_problem(config["BASE_URL"])):
        raise ConfigError(problem)
    if config.get("ENV_NAME") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key == INSECURE_DEV_KEY or len(key) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if not config.get("BASE_URL"):
        raise ConfigError(
            "BASE_URL must be set in production to the site's address, e.g. "
            "https://learn.example.org: reset emails, QR codes and PDFs link to it."
        )
