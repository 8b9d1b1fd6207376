"""Progress becomes xAPI 1.0.3 statements in the outbox inside the request, and a stub LRS
(real HTTP) receives exactly one statement per event after failures and retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course_app.content.models import Course
from course_app.db import utc_now
from course_app.extensions import db
from course_app.jobs import huey, init_jobs
from course_app.xapi.delivery import retry_delay, send_due
from course_app.xapi.models import OutboxStatement
from course_app.xapi.statements import pseudonym, response_text, score_result
from tests.conftest import sign_in
from tests.factories import make_course, quiz_form_data
from tests.xapi.lrs_stub import StubLrs, serve, statement_problems

SLUG = "xapi-course"


@pytest.fixture
def lrs(app, monkeypatch, tmp_path):
    """The stub LRS, the app's settings pointing at it, and a real queue (jobs wait for
    run_worker instead of running inline)."""
    stub = StubLrs()
    endpoint, stop = serve(stub)
    monkeypatch.setitem(app.config, "JOBS_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "JOBS_SQLITE_PATH", str(tmp_path / "jobs.db"))
    init_jobs(app)
    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", endpoint)
    monkeypatch.setitem(app.config, "XAPI_USERNAME", "lrs-key")
    monkeypatch.setitem(app.config, "XAPI_PASSWORD", "lrs-secret")
    monkeypatch.setitem(app.config, "XAPI_BATCH_SIZE", 7)  # several batches in one journey
    monkeypatch.setitem(app.config, "BASE_URL", "https://learn.example.org")
    yield stub
    stop()
    app.config["JOBS_IMMEDIATE"] = True
    init_jobs(app)


def run_worker() -> None:
    """What `flask jobs worker` does with every job due now."""
    while (task := huey.dequeue()) is not None:
        huey.execute(task)


@pytest.fixture
def patron(app, make_user):
    make_user("xapi.patron", "learner", email="patron@example.org", display_name="Ada Patron")
    with app.app_context():
        make_course(SLUG, modules=1, lessons_per_module=2, with_quiz=True, title="Using email")
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "xapi.patron").status_code == 302
    return client


def _quiz_data(app, right: int) -> dict:
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == SLUG))
        return quiz_form_data(course, right=right)


def _outbox(app) -> list[dict]:
    with app.app_context():
        return [row.body for row in db.session.scalars(select(OutboxStatement))]


def _finish_course(app, client) -> int:
    """Views and completes both lessons (the second twice), fails then passes the quiz and
    claims the certificate; returns the number of quiz questions."""
    for key in ("m1-l1", "m1-l2"):
        assert client.get(f"/courses/{SLUG}/lessons/{key}").status_code == 200
        assert client.post(f"/courses/{SLUG}/lessons/{key}/complete").status_code == 302
    client.post(f"/courses/{SLUG}/lessons/m1-l2/complete")  # a second "done" click
    failed = _quiz_data(app, right=0)
    assert client.post(f"/courses/{SLUG}/quizzes/m1-quiz", data=failed).status_code == 303
    passed = _quiz_data(app, right=5)
    assert client.post(f"/courses/{SLUG}/quizzes/m1-quiz", data=passed).status_code == 303
    response = client.post(
        f"/courses/{SLUG}/certificate", data={"recipient_name": "Ada", "confirmed": "1"}
    )
    assert response.status_code == 302
    return sum(1 for k in passed if k.startswith("q") and "-" not in k) + len(
        {k.split("-")[0] for k in passed if k.startswith("q") and "-" in k}
    )


def test_off_by_default_no_statement_is_made(app, patron):
    assert not app.config["XAPI_ENDPOINT"]
    _finish_course(app, patron)
    assert _outbox(app) == []


def test_every_event_makes_one_statement_and_none_is_sent_in_the_request(app, patron, lrs):
    questions = _finish_course(app, patron)
    assert lrs.requests == 0  # nothing leaves during a request: the queue has the job
    assert {t.name for t in huey.pending()} == {"course_app.xapi.sending.send_statements"}
    bodies = _outbox(app)
    verbs = sorted(b["verb"]["display"]["en-US"] for b in bodies)
    expected = {
        "experienced": 2,
        "completed": 3,  # two lessons (the second click adds nothing) and the course
        "answered": 2 * questions,
        "failed": 1,
        "passed": 1,
        "earned": 1,
    }
    assert {v: verbs.count(v) for v in set(verbs)} == expected
    for body in bodies:
        assert statement_problems(body) == [], body
        assert body["actor"]["account"]["homePage"] == "https://learn.example.org"
    text = str(bodies)
    assert "patron@example.org" not in text and "Ada" not in text and "xapi.patron" not in text
    passed = next(b for b in bodies if b["verb"]["display"]["en-US"] == "passed")
    assert passed["result"]["score"] == {
        "scaled": 1.0,
        "raw": questions,
        "min": 0,
        "max": questions,
    }
    assert passed["result"]["success"] is True
    assert passed["object"]["id"] == f"https://learn.example.org/courses/{SLUG}/quizzes/m1-quiz"
    failed = next(b for b in bodies if b["verb"]["display"]["en-US"] == "failed")
    assert failed["result"]["score"]["raw"] == 0 and failed["result"]["success"] is False
    course_done = [b for b in bodies if b["object"]["id"].endswith(f"/courses/{SLUG}")]
    assert [b["verb"]["display"]["en-US"] for b in course_done] == ["completed"]


def test_a_failing_lrs_delays_statements_and_loses_none(app, patron, lrs):
    _finish_course(app, patron)
    made = {b["id"] for b in _outbox(app)}
    lrs.fail_next = 2
    now = utc_now()
    with app.app_context():
        first = send_due(now)
        assert first.sent == 0 and first.failed == 7 and "503" in first.error
        # Nothing is due again until the wait is over.
        assert send_due(now + timedelta(seconds=10)).failed == 0
        second = send_due(now + timedelta(seconds=31))
        assert second.failed == 7
        third = send_due(now + timedelta(hours=1))
        assert third.failed == 0 and third.sent == len(made)
        assert db.session.scalar(select(func.count()).where(OutboxStatement.sent_at.is_(None))) == 0
    assert set(lrs.statements) == made
    assert lrs.problems == []


def test_a_lost_answer_resent_leaves_one_statement_in_the_lrs(app, patron, lrs):
    _finish_course(app, patron)
    with app.app_context():
        send_due()
        # As if the LRS's answer had been lost: the same statements go again.
        db.session.execute(OutboxStatement.__table__.update().values(sent_at=None))
        db.session.commit()
        assert send_due().sent == len(lrs.statements)
    assert len(lrs.statements) == len(_outbox(app))


def test_backlog_and_resend_commands(app, patron, lrs):
    _finish_course(app, patron)
    total = len(_outbox(app))
    runner = app.test_cli_runner()
    lrs.fail_next = 1
    failed = runner.invoke(args=["xapi", "send"])
    assert failed.exit_code != 0 and "tried again" in failed.output
    shown = runner.invoke(args=["xapi", "backlog"])
    assert shown.exit_code == 0
    assert f"Waiting: {total - 7} new, 7 after a failed try. Sent: 0." in shown.output
    assert "503" in shown.output
    resent = runner.invoke(args=["xapi", "resend"])  # ignores the wait after the failure
    assert resent.exit_code == 0 and f"Sent {total} statement(s)." in resent.output
    assert len(lrs.statements) == total
    assert "Waiting: 0 new, 0 after a failed try." in runner.invoke(args=["xapi", "backlog"]).output


def test_send_without_settings_is_refused_clearly(app):
    result = app.test_cli_runner().invoke(args=["xapi", "send"])
    assert result.exit_code != 0 and "XAPI_ENDPOINT" in result.output


def test_names_go_only_when_the_setting_allows(app, patron, lrs, monkeypatch):
    monkeypatch.setitem(app.config, "XAPI_ACTOR_NAMES", True)
    patron.get(f"/courses/{SLUG}/lessons/m1-l1")
    (body,) = _outbox(app)
    assert body["actor"]["name"] == "Ada Patron"
    lrs.names_allowed = True
    with app.app_context():
        assert send_due().sent == 1


def test_the_pseudonym_is_stable_and_differs_per_learner():
    assert pseudonym("k", 1) == pseudonym("k", 1)
    assert pseudonym("k", 1) != pseudonym("k", 2) != pseudonym("other", 2)


def test_pure_parts():
    assert score_result(3, 4, False)["score"] == {"scaled": 0.75, "raw": 3, "min": 0, "max": 4}
    assert response_text(["a", "c"]) == "a[,]c"
    assert response_text({"b": "2", "a": "1"}) == "a[.]1[,]b[.]2"
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(50) == timedelta(hours=6)


def test_the_queued_job_sends_everything_and_a_refusal_is_retried_later(app, patron, lrs):
    _finish_course(app, patron)
    total = len(_outbox(app))
    lrs.fail_next = 1
    run_worker()
    [retry] = huey.scheduled()  # the refused job waits for its next try
    assert retry.name == "course_app.xapi.sending.send_statements"
    with app.app_context():
        waiting = db.session.scalars(select(OutboxStatement).where(OutboxStatement.attempts > 0))
        assert len(list(waiting)) == 7
    lrs_before = len(lrs.statements)
    assert lrs_before == 0
    # Once the wait is over (here: the command that resends the backlog), all arrive once.
    assert app.test_cli_runner().invoke(args=["xapi", "resend"]).exit_code == 0
    patron.get(f"/courses/{SLUG}/lessons/m1-l1")  # a later event queues the job again
    run_worker()
    assert len(lrs.statements) == total + 1
    assert lrs.problems == []


def test_erasing_a_learner_deletes_their_unsent_statements_only(app, patron, lrs, make_user):
    from course_app.accounts.erasure import erase_patron
    from course_app.accounts.models import User

    _finish_course(app, patron)
    other = app.test_client()
    make_user("other.patron", "learner")
    sign_in(other, "other.patron")
    other.get(f"/courses/{SLUG}/lessons/m1-l1")
    with app.app_context():
        erase_patron(db.session.scalar(select(User).where(User.username == "xapi.patron")), None)
        db.session.commit()
    [left] = _outbox(app)
    assert left["verb"]["display"]["en-US"] == "experienced"  # the other patron's
