"""Addresses that leave the browser (email, QR codes, PDFs, printed cards) and the hosts served.

A link built from the request's Host header points wherever the request said: a reset email
asked for with `Host: evil.example` would carry a real code to evil.example. So links that
leave the browser come from BASE_URL, and requests for any other host are refused
(TRUSTED_HOSTS, checked by Flask itself).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter


def external_url(endpoint: str, **values) -> str:
    """The full address of endpoint for mail, QR codes, PDFs and cards: always on BASE_URL,
    also from a job that runs outside any request."""
    base = current_app.config.get("BASE_URL") or ""
    if not base and has_request_context():
        # Development only: check_production refuses to start without BASE_URL.
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base or "http://localhost")
    adapter = current_app.url_map.bind(parts.netloc, url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def base_url_problem(base_url: str) -> str | None:
    """Why BASE_URL cannot be used, or None."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "BASE_URL must look like https://learn.example.org"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "BASE_URL must be only the scheme and host, like https://learn.example.org"
    return None


def trusted_hosts(config: dict) -> list[str] | None:
    """TRUSTED_HOSTS, or in production the host of BASE_URL; None trusts every host."""
    listed = config.get("TRUSTED_HOSTS")
    if isinstance(listed, str):
        listed = [host.strip() for host in listed.split(",") if host.strip()]
    if listed:
        return list(listed)
    if config.get("ENV_NAME") == "production" and config.get("BASE_URL"):
        return [urlsplit(config["BASE_URL"]).hostname]
    return None


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in every route: a number too big for an id column does not match, so
    /desk/patrons/999999999999999999999999999999 is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def init_links(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # The client's address and scheme as the proxies in front say; never their Host,
        # which BASE_URL and TRUSTED_HOSTS decide.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.add_template_global(external_url, "external_url")

    @app.before_request
    def refuse_unknown_hosts():
        # Flask found the Host untrusted while matching the URL; stop before anything else
        # runs (nothing can build a URL for this request), with a page that needs no URLs.
        if isinstance(request.routing_exception, SecurityError):
            raise request.routing_exception

    @app.errorhandler(SecurityError)
    def unknown_host(error):
        return "This site does not answer for that host name.", 400, {"Content-Type": "text/plain"}
