"""Security headers on every response: nothing third-party, nothing framed, nothing sniffed."""

from __future__ import annotations

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


# Browsers that once reached the site over HTTPS never use plain HTTP for it for a year.
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def init_security_headers(app: Flask) -> None:
    # In production over HTTPS, unless HSTS=off (a proxy in front sends its own).
    send_hsts = app.config.get("ENV_NAME") == "production" and app.config.get("HSTS", True)
    headers = SECURITY_HEADERS

    @app.after_request
    def set_security_headers(response):
        # Each header unless the view set its own; one pass over the headers, not five.
        present = {key.lower() for key, _ in response.headers}
        policy = response.headers.get("Content-Security-Policy")
        if policy and "frame-ancestors 'none'" not in policy:
            present.add("x-frame-options")  # a page a platform may frame (lti/views.py)
        wanted = headers + ((HSTS,) if send_hsts and request.is_secure else ())
        response.headers.extend(
            [(key, value) for key, value in wanted if key.lower() not in present]
        )
        return response


def policy_with(**directives: str) -> str:
    """The site's Content-Security-Policy with some directives replaced."""
    parts = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    parts.update({name.replace("_", "-"): value for name, value in directives.items()})
    return "; ".join(f"{name} {value}" for name, value in parts.items())
