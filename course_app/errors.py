"""Error pages: plain words, a way back, the right status code."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from course_app.extensions import db


def init_errors(app: Flask) -> None:
    def render(status: int):
        return render_template(f"errors/{status}.html"), status

    @app.errorhandler(400)
    def bad_request(error):
        return render(400)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render(400)

    @app.errorhandler(403)
    def forbidden(error):
        return render(403)

    @app.errorhandler(404)
    def not_found(error):
        return render(404)

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render(405)

    @app.errorhandler(413)
    def too_large(error):
        return render(413)

    @app.errorhandler(429)
    def too_many(error):
        return render(429)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render(500)
