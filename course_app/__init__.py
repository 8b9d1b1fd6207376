"""Application factory: wires extensions, blueprints, error pages and CLI commands."""

from __future__ import annotations

from flask import Flask

from course_app.config import Config, check_production, engine_options


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    if app.config.get("ENV_NAME") == "production":
        app.config["SESSION_COOKIE_SECURE"] = True  # production is served over HTTPS only
    check_production(app.config)
    register_extensions(app)
    register_subscribers()
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from course_app import models  # noqa: F401 - every table known to Alembic
    from course_app.accounts.identity import init_identity
    from course_app.accounts.passwords import init_passwords
    from course_app.accounts.throttle import init_throttle
    from course_app.caching import init_caching
    from course_app.content.localize import init_localize
    from course_app.desk.password_views import init_password_help
    from course_app.extensions import compress, csrf, db, limiter, login_manager, migrate
    from course_app.i18n import init_i18n
    from course_app.jobs import init_jobs
    from course_app.links import init_links
    from course_app.metrics import init_metrics
    from course_app.public_computer.idle import init_public_computer
    from course_app.request_log import init_request_log
    from course_app.routing import init_routing
    from course_app.security import init_security_headers
    from course_app.signing import init_signing
    from course_app.site_header import init_site_header
    from course_app.templating import init_templating

    init_request_log(app)
    init_routing(app)
    init_links(app)
    db.init_app(app)
    init_caching(app)
    init_localize(app)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", _migrations_dir())))
    csrf.init_app(app)
    init_signing(app)
    limiter.init_app(app)
    init_throttle(app)
    login_manager.init_app(app)
    init_i18n(app)
    init_identity(app)
    init_passwords(app)
    init_public_computer(app)
    init_password_help(app)
    init_templating(app)
    init_site_header(app)
    init_security_headers(app)
    init_jobs(app)
    init_metrics(app)
    compress.init_app(app)


def register_subscribers() -> None:
    """Each package that keeps rows in step with progress listens to the progress event."""
    from course_app.certificates import subscribers as certificates
    from course_app.classes import subscribers as classes
    from course_app.desk import subscribers as desk
    from course_app.learning import subscribers as learning
    from course_app.lti import subscribers as lti
    from course_app.quizzes import subscribers as quizzes
    from course_app.reports import kept as reports
    from course_app.xapi import sending as xapi_sending
    from course_app.xapi import subscribers as xapi

    for package in (
        learning,
        quizzes,
        certificates,
        classes,
        desk,
        reports,
        xapi,
        xapi_sending,
        lti,
    ):
        package.connect()


def _migrations_dir() -> str:
    from course_app.config import PROJECT_ROOT

    return str(PROJECT_ROOT / "migrations")


def register_blueprints(app: Flask) -> None:
    from course_app.accounts.session_views import bp as account_sessions_bp
    from course_app.accounts.views import bp as accounts_bp
    from course_app.admin.audit_views import bp as audit_bp
    from course_app.admin.staff_views import bp as staff_accounts_bp
    from course_app.admin.views import bp as admin_bp
    from course_app.certificates.badge_views import bp as badges_bp
    from course_app.certificates.views import bp as certificates_bp
    from course_app.classes.import_views import bp as class_import_bp
    from course_app.classes.running_views import bp as class_tools_bp
    from course_app.classes.views import bp as classes_bp
    from course_app.content.media_views import bp as media_bp
    from course_app.desk.password_views import bp as password_help_bp
    from course_app.desk.views import bp as desk_bp
    from course_app.health import bp as health_bp
    from course_app.learning.views import bp as learning_bp
    from course_app.libraries.views import bp as libraries_bp
    from course_app.lti.views import bp as lti_bp
    from course_app.metrics import bp as metrics_bp
    from course_app.patrons.views import bp as patrons_bp
    from course_app.privacy.views import bp as privacy_bp
    from course_app.public_computer.views import bp as public_computer_bp
    from course_app.quizzes.views import bp as quizzes_bp
    from course_app.reports.certificate_views import bp as certificate_list_bp
    from course_app.reports.funder_views import bp as funder_report_bp
    from course_app.reports.views import bp as reports_bp
    from course_app.resume_codes.views import bp as resume_codes_bp

    for bp in (
        health_bp,
        metrics_bp,
        accounts_bp,
        account_sessions_bp,
        learning_bp,
        quizzes_bp,
        certificates_bp,
        admin_bp,
        libraries_bp,
        audit_bp,
        resume_codes_bp,
        public_computer_bp,
        desk_bp,
        password_help_bp,
        classes_bp,
        class_import_bp,
        reports_bp,
        patrons_bp,
        staff_accounts_bp,
        class_tools_bp,
        certificate_list_bp,
        funder_report_bp,
        badges_bp,
        lti_bp,
        media_bp,
        privacy_bp,
    ):
        app.register_blueprint(bp)


def register_errorhandlers(app: Flask) -> None:
    from course_app.errors import init_errors

    init_errors(app)


def register_commands(app: Flask) -> None:
    from course_app.accounts.cli import users_cli
    from course_app.backup import backup_cli
    from course_app.certificates.badge_cli import badges_cli
    from course_app.certificates.cli import certificates_cli
    from course_app.content.cli import courses_cli
    from course_app.demo.cli import demo_cli
    from course_app.jobs import jobs_cli
    from course_app.libraries.cli import libraries_cli
    from course_app.lti.cli import lti_cli
    from course_app.privacy.cli import privacy_cli
    from course_app.reports.cli import reports_cli
    from course_app.xapi.cli import xapi_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(courses_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(libraries_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(badges_cli)
    app.cli.add_command(xapi_cli)
    app.cli.add_command(lti_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(backup_cli)
