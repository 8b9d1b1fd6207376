"""Links that leave the browser come from BASE_URL, never from the request's Host header, and
requests for hosts the site does not serve are refused (issue 14, point 1)."""

from __future__ import annotations

import re

import pytest
from flask import request
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from course_app import create_app
from course_app.accounts.models import User
from course_app.config import ConfigError, check_production
from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from course_app.links import trusted_hosts
from tests.conftest import sign_in
from tests.factories import make_course, make_library_tree

BASE = "https://learn.example.org"
EVIL = "evil.example"
GOOD_KEY = "k" * 40


def forged_host_client(app):
    """A browser whose every request says `Host: evil.example` (and keeps its cookies)."""
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = EVIL
    return client


@pytest.fixture
def on_base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    return app


def test_a_reset_email_asked_for_with_a_forged_host_links_to_base_url(on_base_url, make_user):
    app = on_base_url
    make_user("rosa", email="rosa@example.org")
    outbox = app.extensions.setdefault("mail_outbox", [])
    outbox.clear()
    client = forged_host_client(app)
    response = client.post("/account/reset/email", data={"username": "rosa"})
    assert response.status_code == 302
    [message] = outbox
    body = message.get_content()
    assert f"{BASE}/account/reset" in body
    assert EVIL not in body


def test_certificate_page_and_pdf_link_to_base_url(on_base_url, make_user):
    from tests.certificates.builders import build_course, certificate_for

    app = on_base_url
    make_user("cert-owner")
    with app.app_context():
        code = certificate_for("cert-owner", build_course()).code
        db.session.commit()
    client = forged_host_client(app)
    sign_in(client, "cert-owner")
    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert f"{BASE}/verify/{code}" in page and EVIL not in page
    pdf = client.get(f"/certificates/{code}.pdf").get_data()
    assert f"{BASE}/verify/{code}".encode() in pdf and EVIL.encode() not in pdf


def test_open_badges_documents_name_base_url(on_base_url, make_user):
    """Badges and learning records carry the one public address, BASE_URL (no SITE_URL)."""
    from tests.certificates.builders import build_course, certificate_for

    app = on_base_url
    make_user("badge-owner")
    with app.app_context():
        code = certificate_for("badge-owner", build_course()).code
        db.session.commit()
    client = forged_host_client(app)
    assertion = client.get(f"/badges/assertions/{code}").get_data(as_text=True)
    assert f'"{BASE}/badges/assertions/{code}"' in assertion and EVIL not in assertion
    assert "SITE_URL" not in app.config


def test_resume_code_page_links_to_base_url(on_base_url):
    with on_base_url.app_context():
        make_course("link-course")
        db.session.commit()
    client = forged_host_client(on_base_url)
    client.post("/courses/link-course/lessons/m1-l1/complete")
    page = client.post("/my-learning/resume-code").get_data(as_text=True)
    assert f"{BASE}/resume" in page and EVIL not in page


def test_sign_in_card_links_to_base_url(on_base_url, make_user):
    app = on_base_url
    make_user("desk-lib", "librarian")
    with app.app_context():
        ids = make_library_tree()
        librarian = db.session.scalar(select(User).where(User.username == "desk-lib"))
        set_user_library(None, librarian, db.session.get(Organisation, ids["north-a"]))
        db.session.commit()
    client = forged_host_client(app)
    sign_in(client, "desk-lib")
    page = client.post(
        "/desk/patrons/new",
        data={"name": "Ana Ruiz", "organisation_id": str(ids["north-a"]), "submit": "1"},
    ).get_data(as_text=True)
    assert re.search(r"Temporary password", page)
    assert f"{BASE}/account/sign-in" in page and EVIL not in page


def test_an_unknown_host_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["learn.example.org"])
    client = forged_host_client(app)
    assert client.get("/healthz").status_code == 400
    assert client.get("/healthz", headers={"Host": "learn.example.org"}).status_code == 200


def test_production_trusts_only_base_urls_host_unless_told_otherwise():
    production = {"ENV_NAME": "production", "BASE_URL": BASE}
    assert trusted_hosts(production) == ["learn.example.org"]
    assert trusted_hosts({**production, "TRUSTED_HOSTS": "a.org, b.org"}) == ["a.org", "b.org"]
    assert trusted_hosts({"ENV_NAME": "development", "BASE_URL": ""}) is None


def test_production_refuses_to_start_without_base_url():
    with pytest.raises(ConfigError, match="BASE_URL"):
        check_production({"ENV_NAME": "production", "SECRET_KEY": GOOD_KEY})


@pytest.mark.parametrize("bad", ["learn.example.org", "ftp://x.org", "https://x.org/learn?a=1"])
def test_a_malformed_base_url_is_refused(bad):
    with pytest.raises(ConfigError, match="BASE_URL"):
        check_production({"ENV_NAME": "development", "BASE_URL": bad})


def test_trusted_proxies_turn_on_proxy_fix_for_address_and_scheme_only(database_url):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "TRUSTED_PROXIES": 1, "TESTING": True}
    )
    assert isinstance(app.wsgi_app, ProxyFix)

    @app.get("/_seen")
    def seen():
        return f"{request.remote_addr} {request.scheme} {request.host}"

    response = app.test_client().get(
        "/_seen",
        headers={
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": EVIL,
        },
    )
    assert response.get_data(as_text=True) == "203.0.113.9 https localhost"


def test_without_trusted_proxies_forwarded_headers_are_ignored(app):
    assert not isinstance(app.wsgi_app, ProxyFix)
