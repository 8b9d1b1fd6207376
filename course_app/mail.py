"""Sending the few emails the site sends (password reset codes), only where email is set up.

Many patrons have no email address, so nothing may depend on email; it is an extra way in.
Requests queue their mail with send_mail_later: a slow or refusing mail server never holds
up a page, and a refused message is tried again (course_app/jobs.py).
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from course_app.jobs import job


def mail_configured() -> bool:
    config = current_app.config
    return config.get("MAIL_BACKEND") == "memory" or bool(config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str) -> None:
    """One plain-text message; raises OSError/SMTPException when the server refuses it."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM") or f"no-reply@{config.get('MAIL_SERVER')}"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if config.get("MAIL_BACKEND") == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as server:
        if config.get("MAIL_USE_TLS"):
            server.starttls()
        if config.get("MAIL_USERNAME"):
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        server.send_message(message)


@job(retries=5, retry_delay=60, retry_backoff=2.0)
def _send_mail_job(to: str, subject: str, body: str) -> None:
    send_mail(to, subject, body)


def send_mail_later(to: str, subject: str, body: str) -> None:
    """Queue one plain-text message for the job worker; retried with growing delays (1, 2,
    4, 8, 16 min) while the server refuses it, then listed by `flask jobs list`."""
    _send_mail_job(to, subject, body)
