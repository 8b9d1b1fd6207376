"""Settings read from environment variables."""

from __future__ import annotations

import os
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
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    COURSES_DIR = os.environ.get("COURSES_DIR", str(PROJECT_ROOT / "courses"))
    SITE_NAME = os.environ.get("SITE_NAME", "Library Learning")
    # The address printed on sign-in cards and reset codes (e.g. https://learn.example.org);
    # empty: the address this request came to.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # Printed on every sign-in card: where a patron gets help (a phone number, "ask at the desk").
    SIGNIN_CARD_HELP = os.environ.get("SIGNIN_CARD_HELP", "")
    CERTIFICATE_PAPER = os.environ.get("CERTIFICATE_PAPER", "A4")  # or "Letter"
    # Cookie hardening; SESSION_COOKIE_SECURE is on in production (HTTPS) and can be forced.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", ENV_NAME == "production")
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = None  # patrons read slowly; the token lives as long as the session
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour")
    # Email, for patrons who have an address: password reset codes. Off when MAIL_SERVER is empty.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "")
    MAIL_BACKEND = "smtp"  # "memory" keeps messages in app.extensions["mail_outbox"] (tests)
    # The job queue (course_app/jobs.py): Redis when several servers share it, else a SQLite
    # file on this machine. JOBS_IMMEDIATE runs each job inline as it is queued (tests).
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL", "")
    JOBS_SQLITE_PATH = os.environ.get(
        "JOBS_SQLITE_PATH", str(PROJECT_ROOT / "instance" / "jobs.db")
    )
    JOBS_IMMEDIATE = _bool("JOBS_IMMEDIATE", False)
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
    # PostgreSQL memory for each report's sorts and hashes (work_mem for that transaction only).
    REPORT_WORK_MEM = os.environ.get("REPORT_WORK_MEM", "64MB")
    # Caches of what is made from course files (see caching.py): on unless the app runs in
    # debug mode; "0" turns them off, e.g. to measure what they save.
    CONTENT_CACHE = _bool("CONTENT_CACHE", True) if "CONTENT_CACHE" in os.environ else None
    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "es")
    # argon2id cost; tests lower it so the suite stays fast.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", "65536"))


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    MAIL_BACKEND = "memory"
    MAIL_FROM = "library@example.org"
    JOBS_IMMEDIATE = True


class ConfigError(RuntimeError):
    """The app was asked to start with settings that are unsafe or invalid."""


def check_production(config: dict) -> None:
    """Refuse to run in production with the development secret key or a short one."""
    if config.get("ENV_NAME") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key == INSECURE_DEV_KEY or len(key) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
