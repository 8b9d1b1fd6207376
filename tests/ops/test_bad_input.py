"""Bad input found by the reliability probe: each gets a 400, a 404 or the "already done"
answer, never a 500, and changes nothing. Run on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from course_app.accounts.models import User
from course_app.extensions import db
from tests.conftest import ROOT

BIG = "9" * 30
LAST_DAYS = "start=9999-12-01&end=9999-12-31"
REPORTS = [
    "/reports",
    "/reports/overview.csv",
    "/reports/learners",
    "/reports/learners.csv",
    "/reports/libraries",
    "/reports/libraries.csv",
    "/reports/courses/sample-health-basics",
    "/reports/courses/sample-health-basics/lessons.csv",
]


@pytest.fixture
def librarian(app, role_clients):
    """The learners report is a librarian's, placed in a library."""
    from course_app.accounts.services import find_user
    from tests.factories import make_library_tree

    with app.app_context():
        find_user("librarian-user").organisation_id = make_library_tree()["north"]
        db.session.commit()
    return role_clients["librarian"]


@pytest.mark.parametrize("url", REPORTS)
@pytest.mark.parametrize("dates", [LAST_DAYS, "start=2026-01-01&end=9999-12-31"])
def test_a_date_at_the_end_of_the_calendar_is_refused(
    role_clients, librarian, sample_course, url, dates
):
    client = librarian if "/learners" in url else role_clients["admin"]
    response = client.get(f"{url}?{dates}")
    assert response.status_code in (400, 404)


def test_the_report_says_which_date_is_wrong(role_clients, sample_course):
    page = role_clients["admin"].get(f"/reports?{LAST_DAYS}").get_data(as_text=True)
    assert "Choose a date before the year 9999." in page


@pytest.mark.parametrize(
    "url",
    [
        f"/classes/{BIG}",
        f"/classes/{BIG}/roster",
        f"/classes/{BIG}/export.csv",
        f"/libraries/{BIG}",
        f"/admin/libraries/{BIG}/edit",
        f"/desk/patrons/{BIG}/reset-code",
        f"/courses/sample-health-basics/quizzes/m1-quiz/attempts/{BIG}",
        "/classes/2147483648",  # one past PostgreSQL's integer
    ],
)
def test_an_id_longer_than_any_database_id_is_not_found(role_clients, sample_course, url):
    assert role_clients["admin"].get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [f"/desk/patrons?page={BIG}", f"/admin/audit?page={BIG}", f"/reports/learners?page={BIG}"],
)
def test_a_page_number_past_any_list_is_answered_not_an_error(role_clients, librarian, url):
    """The first page, or the filter form saying what is wrong (400)."""
    client = librarian if "/learners" in url else role_clients["admin"]
    assert client.get(url).status_code in (200, 400)


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/account/sign-up", {"username": "ana\x00", "password": "long enough pass"}),
        ("post", "/desk/patrons/new", {"display_name": "A\x00na", "username": "ana"}),
        ("get", "/desk/patrons?q=an%00a", None),
        ("get", "/verify?code=%00", None),
        ("get", "/courses/sample%00", None),
    ],
)
def test_a_nul_character_is_refused_on_both_databases(role_clients, method, url, data):
    client = role_clients["admin"] if "desk" in url else role_clients["anonymous"]
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 400
    with client.application.app_context():
        assert db.session.scalar(sa.select(User).where(User.username.like("ana%"))) is None


def test_a_double_clicked_sign_up_is_answered_not_a_500(app, monkeypatch):
    """The second click passed the form's check before the first committed."""
    from course_app.accounts import forms, services

    monkeypatch.setattr(forms, "find_user", lambda _username: None)
    data = {"username": "newbie", "password": "correct horse battery"}
    first, second = app.test_client(), app.test_client()
    assert first.post("/account/sign-up", data=data).status_code == 302
    response = second.post("/account/sign-up", data=data)
    assert response.status_code == 400
    assert "That username is taken. Try another." in response.get_data(as_text=True)
    # Later still: both checks passed and the database's unique index decides.
    monkeypatch.setattr(services, "find_user", lambda _username: None)
    response = app.test_client().post("/account/sign-up", data=data)
    assert response.status_code == 409
    assert "already done" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_a_very_long_next_address_is_not_echoed_into_the_redirect(app, client, make_user):
    make_user("ana", "learner")
    long_next = "/my-learning?x=" + "a" * 1_000_000
    client.application.config["WTF_CSRF_ENABLED"] = False
    response = client.post(
        "/account/sign-in",
        data={"username": "ana", "password": "correct horse battery", "next": long_next},
    )
    assert response.status_code == 302
    assert len(response.headers["Location"]) < 100


def test_a_symlink_loop_in_a_course_folder_is_a_problem_with_file_and_line(app, tmp_path):
    import shutil

    course = tmp_path / "sample-health-basics"
    shutil.copytree(ROOT / "courses" / "sample-health-basics", course)
    module = course / "02-understanding-information"
    shutil.rmtree(module)
    module.symlink_to(module.name)  # points at itself
    result = app.test_cli_runner().invoke(args=["courses", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{course / 'course.yml'}:" in result.output
    assert "'02-understanding-information' is a link that leads back to itself" in result.output


# The routes that refuse on purpose with 503 (no signing keys set up in the tests).
ON_PURPOSE = {"static", "badges.status_list"}


def test_no_page_answers_a_500_to_huge_numbers_in_its_address(app, role_clients, sample_course):
    """Every GET route, with each number in its address and the usual query numbers 30 digits
    long, for three roles: a 400 or 404 at worst (new routes are covered as they come)."""
    import re

    failures = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ON_PURPOSE:
            continue
        path = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", BIG, rule.rule))
        for query in (f"page={BIG}", f"user_ids={BIG}&organisation_id={BIG}&course_id={BIG}"):
            for role in ("admin", "librarian", "learner"):
                status = role_clients[role].get(f"{path}?{query}").status_code
                if status >= 500:
                    failures.append((role, f"{path}?{query}", status))
    assert failures == []


def test_a_value_the_database_refuses_is_a_400_not_a_500(database_url):
    from tests.conftest import _app_for

    app = _app_for(database_url)

    @app.get("/__ops_too_big")
    def too_big():
        db.session.execute(sa.text("SELECT CAST(:n AS INTEGER)"), {"n": 2**40})
        if db.engine.dialect.name == "sqlite":  # SQLite stores any size: refuse as PG does
            raise sa.exc.DataError("SELECT", {}, ValueError("integer out of range"))
        return "unreachable"

    response = app.test_client().get("/__ops_too_big")
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
