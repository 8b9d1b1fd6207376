"""A re-import leaves the heavy work to a job queued after its commit: the completions the new
content makes due, and counting the course's report rows again. Held back (as a worker would
find it), the import has done neither; once the job has run, the kept tables equal a rebuild,
and running it again changes nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from course_app.accounts.models import Learner
from course_app.content.importer import import_courses
from course_app.content.models import Course, Lesson
from course_app.extensions import db
from course_app.jobs import huey
from course_app.learning import reimports
from course_app.learning.models import Enrolment
from course_app.learning.services import record_lesson_completed
from course_app.reports.models import ReportMonth
from tests.content import write_course
from tests.reports.kept import cells, shares

JOB = "course_app.learning.reimports.settle_reimported_course"
TWO_MODULES = {
    "course.yml": (
        "slug: tiny-course\ntitle: A tiny course\ntopic: health-literacy\nlanguage: en\n"
        "modules:\n  - m1\n  - m2\n"
    ),
    "m2/module.yml": "key: module-two\ntitle: Module two\nlessons:\n  - 01-second.md\n",
    "m2/01-second.md": (
        "---\nkey: second-lesson\ntitle: The second lesson\nminutes: 3\n---\n\nHello again.\n"
    ),
}
# The first lesson moves into module two; module one keeps only its quiz.
MOVED = {
    **TWO_MODULES,
    "m1/module.yml": "key: module-one\ntitle: Module one\nlessons:\n  - 00-intro.md\n"
    "quiz: quiz.yml\n",
    "m1/00-intro.md": "---\nkey: intro\ntitle: Before you start\nminutes: 1\n---\n\nHi.\n",
    "m1/01-first.md": None,
    "m2/module.yml": "key: module-two\ntitle: Module two\nlessons:\n  - 01-first.md\n"
    "  - 01-second.md\n",
    "m2/01-first.md": (
        "---\nkey: first-lesson\ntitle: The first lesson\nminutes: 3\n---\n\nHello, reader.\n"
    ),
}
WITHOUT_QUIZ = {
    "m1/module.yml": "key: module-one\ntitle: Module one\nlessons:\n  - 01-first.md\n",
    "m1/quiz.yml": None,
}


@pytest.fixture
def held(app, monkeypatch):
    """Jobs stay queued (a worker's view); `run()` runs what is queued, as a worker would."""
    inline = app.extensions["jobs"]
    monkeypatch.setitem(app.extensions, "jobs", replace(inline, immediate=False))

    # In this app's context: the queue is the current app's, and an app context another test
    # left pushed must not make it another app's queue.
    def queued() -> list:
        tasks = []
        with app.app_context():
            while (task := huey.dequeue()) is not None:
                tasks.append(task)
        return tasks

    def run(tasks) -> None:
        monkeypatch.setitem(app.extensions, "jobs", inline)
        with app.app_context():
            for task in tasks:
                huey.execute(task)
        monkeypatch.setitem(app.extensions, "jobs", replace(inline, immediate=False))

    return queued, run


def kept_tables() -> tuple:
    months = db.session.execute(
        select(
            ReportMonth.learner_id,
            ReportMonth.course_id,
            ReportMonth.month,
            ReportMonth.lessons,
            ReportMonth.completed,
        ).order_by(ReportMonth.learner_id, ReportMonth.course_id, ReportMonth.month)
    ).all()
    return cells(), shares(), [tuple(row) for row in months]


def verify(app) -> int:
    return app.test_cli_runner().invoke(args=["reports", "verify"]).exit_code


def learner_who_did(slug: str, lesson_key: str) -> int:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    lesson = db.session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.key == lesson_key)
    )
    learner = Learner()
    db.session.add(learner)
    db.session.flush()
    record_lesson_completed(learner, course, lesson.id)
    db.session.commit()
    return learner.id


def test_a_reimport_queues_the_report_rebuild_and_the_job_makes_the_tables_right(
    app, held, tmp_path, monkeypatch
):
    queued, run = held
    monkeypatch.setattr(reimports, "BATCH", 2)  # three learners: two transactions
    with app.app_context():
        assert import_courses(write_course(tmp_path / "v1", TWO_MODULES)).ok
        db.session.commit()
        assert queued() == []  # a new course has nobody to settle
        for lesson in ("first-lesson", "second-lesson", "first-lesson"):
            learner_who_did("tiny-course", lesson)
        before = kept_tables()
        assert verify(app) == 0
        report = import_courses(write_course(tmp_path / "v2", MOVED))
        assert report.updated == ["tiny-course"]
        db.session.commit()
    # The import is done and committed; its report rows were not counted again.
    with app.app_context():
        assert kept_tables() == before
    assert verify(app) == 1  # the moved lesson now counts for module two: stale until the job
    tasks = queued()
    assert [task.name for task in tasks] == [JOB]  # one job for the course's new version
    run(tasks)
    assert verify(app) == 0
    with app.app_context():
        after = kept_tables()
        assert after != before
    run([tasks[0]])  # the same job again (a retry, a duplicate): the same tables
    with app.app_context():
        assert kept_tables() == after
    assert verify(app) == 0


def test_completions_a_reimport_makes_due_are_recorded_by_the_job(app, held, tmp_path):
    queued, run = held
    with app.app_context():
        assert import_courses(write_course(tmp_path / "v1")).ok
        db.session.commit()
        learner_id = learner_who_did("tiny-course", "first-lesson")
        assert import_courses(write_course(tmp_path / "v2", WITHOUT_QUIZ)).updated
        db.session.commit()
        completed = select(Enrolment.completed_at).where(Enrolment.learner_id == learner_id)
        assert db.session.scalar(completed) is None  # not inside the import
    tasks = queued()
    run(tasks)
    with app.app_context():
        finished_at = db.session.scalar(completed)
        assert finished_at is not None
    run(tasks)  # again: the completion stands as it was
    with app.app_context():
        assert db.session.scalar(completed) == finished_at
    assert verify(app) == 0


def test_a_job_for_a_version_since_replaced_does_nothing(app, held, tmp_path):
    queued, run = held
    with app.app_context():
        assert import_courses(write_course(tmp_path / "v1")).ok
        db.session.commit()
        learner_id = learner_who_did("tiny-course", "first-lesson")
        assert import_courses(write_course(tmp_path / "v2", WITHOUT_QUIZ)).updated
        db.session.commit()
        [old] = queued()
        assert import_courses(write_course(tmp_path / "v3")).updated  # the quiz is back
        db.session.commit()
        [new] = queued()
    run([old, new])
    with app.app_context():
        completed = select(Enrolment.completed_at).where(Enrolment.learner_id == learner_id)
        assert db.session.scalar(completed) is None  # v3 still has the quiz to take
    assert verify(app) == 0
