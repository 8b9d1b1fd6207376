"""The job queue: jobs run in an app context of their own, failures are retried with growing
delays and listed by `flask jobs list`, queued jobs are kept in storage across a restart."""

from __future__ import annotations

import pytest

from course_app import create_app
from course_app.config import TestConfig
from course_app.jobs import huey, init_jobs, job, queued_jobs
from course_app.mail import send_mail_later

ATTEMPTS: list[str] = []


@job(retries=2, retry_delay=0)
def _fails_twice_then_works(label: str) -> None:
    ATTEMPTS.append(label)
    if len(ATTEMPTS) < 3:
        raise OSError("mail server busy")


@job(retries=0)
def _always_fails() -> None:
    raise OSError("mail server refused the message")


@job(retries=3, retry_delay=60, retry_backoff=2.0)
def _fails_and_waits() -> None:
    raise OSError("try again later")


@pytest.fixture(autouse=True)
def _queue_of_the_test_app(app):
    """Each test starts with the session app's empty inline queue, and leaves it so."""
    init_jobs(app)
    ATTEMPTS.clear()
    yield
    init_jobs(app)


def jobs_list(app) -> str:
    result = app.test_cli_runner().invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_failing_job_is_tried_again_until_it_works(app):
    with app.app_context():
        _fails_twice_then_works("reset code")
    assert ATTEMPTS == ["reset code"] * 3
    assert "No jobs waiting and none failed." in jobs_list(app)


def test_a_job_that_keeps_failing_is_listed_as_failed_without_its_arguments(app):
    with app.app_context():
        _always_fails()
    output = jobs_list(app)
    assert "failed" in output
    assert "tests.ops.test_jobs._always_fails" in output
    assert "OSError: mail server refused the message" in output
    assert "0 waiting, 1 failed." in output
    forgotten = app.test_cli_runner().invoke(args=["jobs", "forget-failed"])
    assert "1 failed job(s) forgotten." in forgotten.output
    assert "No jobs waiting and none failed." in jobs_list(app)


def test_a_failed_try_waits_before_the_next_with_a_growing_delay(app):
    with app.app_context():
        _fails_and_waits()
    [row] = queued_jobs_of(app)
    assert row.state == "waiting to retry"
    [task] = huey.scheduled()
    assert task.retries == 2
    assert task.retry_delay == 120  # 60 s, then twice as long for the try after
    assert "1 waiting, 0 failed." in jobs_list(app)


def queued_jobs_of(app):
    with app.app_context():
        return queued_jobs()


def test_queued_mail_waits_in_the_sqlite_file_across_a_restart_until_a_worker_sends_it(
    tmp_path, database_url
):
    class QueuedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        JOBS_IMMEDIATE = False
        JOBS_SQLITE_PATH = str(tmp_path / "jobs.db")

    first = create_app(QueuedConfig)
    with first.test_request_context():
        send_mail_later("patron@example.org", "Your code", "Code: 123456")
    assert first.extensions.get("mail_outbox", []) == []  # not sent inside the request
    assert "pending" in jobs_list(first)

    restarted = create_app(QueuedConfig)  # a new process reading the same file
    [row] = queued_jobs_of(restarted)
    assert (row.state, row.name) == ("pending", "course_app.mail._send_mail_job")
    huey.execute(huey.dequeue())  # what the worker does, outside any app context
    [message] = restarted.extensions["mail_outbox"]
    assert message["To"] == "patron@example.org"
    assert "No jobs waiting and none failed." in jobs_list(restarted)


def test_the_worker_refuses_to_start_when_jobs_run_inline(app):
    result = app.test_cli_runner().invoke(args=["jobs", "worker"])
    assert result.exit_code != 0
    assert "JOBS_IMMEDIATE is on" in result.output
