"""Sign-ups per address and wrong current passwords on the account page are limited, in
storage every worker shares (issue 14, point 10)."""

from __future__ import annotations

from sqlalchemy import func, select

from course_app import create_app
from course_app.accounts.models import User
from course_app.config import TestConfig
from course_app.extensions import db
from tests.conftest import PASSWORD, signed_in


def limited(app, **settings):
    class Limited(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = True

    for key, value in settings.items():
        setattr(Limited, key, value)
    return create_app(Limited)


def users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_sign_ups_from_one_address_are_limited_across_workers(app):
    one = limited(app, SIGN_UP_RATE_LIMIT="3 per hour")
    two = limited(app, SIGN_UP_RATE_LIMIT="3 per hour")
    statuses = []
    for n in range(5):
        client = (one, two)[n % 2].test_client()
        client.environ_base["REMOTE_ADDR"] = "192.0.2.33"
        response = client.post(
            "/account/sign-up", data={"username": f"bot{n}", "password": "a long pass phrase"}
        )
        statuses.append(response.status_code)
    assert statuses == [302, 302, 302, 429, 429]
    assert users(app) == 3
    other = one.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.34"
    assert (
        other.post(
            "/account/sign-up", data={"username": "human", "password": "a long pass phrase"}
        ).status_code
        == 302
    )


def test_wrong_current_passwords_on_the_account_page_are_limited(app, make_user):
    make_user("hijacked")
    worker = limited(app, SIGN_IN_ACCOUNT_LIMIT="3 per 5 minutes")
    client = signed_in(worker, "hijacked")

    def change(current):
        return client.post(
            "/account/",
            data={
                "password-current_password": current,
                "password-password": "brand new words here",
                "password-submit": "1",
            },
        )

    assert [change(f"guess number {n}").status_code for n in range(4)] == [200, 200, 200, 429]
    response = change(PASSWORD)  # even the right one waits now
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.get_data(as_text=True)
