"""Every response carries the security headers; signed-in pages are never cached."""

from tests.conftest import sign_in


def test_security_headers_on_public_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_signed_in_pages_are_not_stored(client, make_user):
    make_user("keeper")
    sign_in(client, "keeper")
    for url in ("/", "/my-learning", "/account/"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url


# Issue 14, point 11: HSTS in production over HTTPS; huge ids are a 404.

GOOD_KEY = "k" * 40
SITE = "https://learn.example.org"


def _production_app(database_url, **settings):
    from course_app import create_app

    return create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": GOOD_KEY,
            "BASE_URL": SITE,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "JOBS_IMMEDIATE": True,
            **settings,
        }
    )


def test_production_over_https_sends_hsts(app, database_url):
    client = _production_app(database_url).test_client()
    secure = client.get("/healthz", base_url=SITE)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = client.get("/healthz", base_url="http://learn.example.org")
    assert "Strict-Transport-Security" not in plain.headers


def test_hsts_can_be_left_to_a_proxy_and_is_never_sent_outside_production(app, database_url):
    off = _production_app(database_url, HSTS=False).test_client()
    assert "Strict-Transport-Security" not in off.get("/healthz", base_url=SITE).headers
    development = app.test_client().get("/healthz", base_url="https://localhost")
    assert "Strict-Transport-Security" not in development.headers


def test_a_thirty_digit_id_in_any_address_is_a_404(app, role_clients):
    """Every GET route with a number in it, as an administrator: a 404, never a 500."""
    import re

    huge = "9" * 30
    paths = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule or "GET" not in rule.methods:
            continue
        path = re.sub(r"<int:\w+>", huge, rule.rule)
        paths.append(re.sub(r"<(?:\w+:)?\w+>", "x", path))
    assert len(paths) >= 5
    for path in paths:
        assert role_clients["admin"].get(path).status_code == 404, path
