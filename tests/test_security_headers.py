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
