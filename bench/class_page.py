"""Server time of the class progress page for a large class (200 patrons x 10 assignments),
and of the patron page for a patron with 20 courses and 200 quiz attempts.

Run by hand from the project root:

    .venv/bin/python bench/class_page.py [--patrons 200] [--requests 30]

Builds a throwaway SQLite database (migrations), a library, a librarian, a class of N patrons,
five courses assigned whole and one module of each (10 assignments), and progress for every
patron (lessons done, quiz attempts, some failed twice); then signs in with the Flask test
client and times GET /classes/<id> (and the CSV export) N times after a warm-up; then a patron
with 20 started courses (two lessons done in each) and 200 quiz attempts, and times
GET /patrons/<id>. Prints the medians and the query counts. A measurement, not a test: it
exits 0 whether or not the target (under 100 ms) is met. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 100


def build(app, patrons: int) -> int:
    """The class and its progress; returns the class id."""
    from sqlalchemy import select

    from course_app.accounts.models import Learner
    from course_app.classes.models import Assignment, ClassMember, LearningClass
    from course_app.content.models import Lesson, Quiz
    from course_app.db import utc_now
    from course_app.extensions import db
    from course_app.learning.models import Enrolment, LessonProgress
    from course_app.libraries.models import Organisation
    from course_app.libraries.services import set_user_library
    from course_app.quizzes.models import QuizAttempt
    from tests.factories import make_course, make_library_tree, make_user

    rng = random.Random(4)
    branch = db.session.get(Organisation, make_library_tree()["north-a"])
    librarian = make_user("bench-librarian", "librarian")
    set_user_library(None, librarian, branch)
    learning_class = LearningClass(
        organisation_id=branch.id, name="Big class", join_code="BENCH1", created_by_id=librarian.id
    )
    db.session.add(learning_class)
    db.session.flush()
    courses = [make_course(f"bench-{n}", modules=3, lessons_per_module=4) for n in range(5)]
    for n, course in enumerate(courses):
        for module in (None, course.modules[1]):
            db.session.add(
                Assignment(
                    class_id=learning_class.id,
                    course_id=course.id,
                    module_id=module.id if module else None,
                    due_on=date.today() + timedelta(days=n - 2),
                    created_by_id=librarian.id,
                )
            )
    lessons = {
        c.id: list(db.session.scalars(select(Lesson).where(Lesson.course_id == c.id)))
        for c in courses
    }
    quizzes = {
        c.id: list(db.session.scalars(select(Quiz).where(Quiz.course_id == c.id))) for c in courses
    }
    now = utc_now()
    for p in range(patrons):
        user = make_user(f"bench-patron-{p:03d}", display_name=f"Patron {p:03d}")
        user.organisation_id = branch.id
        db.session.add(ClassMember(class_id=learning_class.id, user_id=user.id))
        learner = db.session.scalar(select(Learner).where(Learner.user_id == user.id))
        for course in courses:
            done = rng.randint(0, len(lessons[course.id]))
            if not done:
                continue
            last = now - timedelta(days=rng.randint(0, 30))
            db.session.add(
                Enrolment(learner_id=learner.id, course_id=course.id, last_activity_at=last)
            )
            for lesson in lessons[course.id][:done]:
                db.session.add(
                    LessonProgress(learner_id=learner.id, course_id=course.id, lesson_id=lesson.id)
                )
            for quiz in quizzes[course.id][: rng.randint(0, 3)]:
                for score in rng.choice([[100], [40, 60], [20, 40, 100]]):
                    db.session.add(
                        QuizAttempt(
                            learner_id=learner.id,
                            quiz_id=quiz.id,
                            course_id=course.id,
                            submission_token=secrets.token_hex(8),
                            correct_count=score // 20,
                            question_count=5,
                            score=score,
                            passed=score >= 80,
                            submitted_at=last,
                        )
                    )
        if p % 50 == 0:
            db.session.flush()
    db.session.commit()
    return learning_class.id


def build_patron(app, courses: int = 20, attempts_per_course: int = 10) -> int:
    """A patron of the bench branch with many courses and attempts; returns the user id."""
    from sqlalchemy import select

    from course_app.accounts.models import Learner, User
    from course_app.classes.models import ClassMember, LearningClass
    from course_app.content.models import Lesson, Quiz
    from course_app.db import utc_now
    from course_app.extensions import db
    from course_app.learning.models import Enrolment, LessonProgress
    from course_app.quizzes.models import QuizAttempt
    from tests.factories import make_course, make_user

    librarian = db.session.scalar(select(User).where(User.username == "bench-librarian"))
    user = make_user("bench-busy-patron", display_name="Busy Patron")
    user.organisation_id = librarian.organisation_id
    learning_class = db.session.scalar(select(LearningClass))
    db.session.add(ClassMember(class_id=learning_class.id, user_id=user.id))
    learner = db.session.scalar(select(Learner).where(Learner.user_id == user.id))
    now = utc_now()
    for n in range(courses):
        course = make_course(f"busy-{n}", modules=2, lessons_per_module=3)
        when = now - timedelta(days=n)
        db.session.add(Enrolment(learner_id=learner.id, course_id=course.id, last_activity_at=when))
        for lesson in db.session.scalars(
            select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position).limit(2)
        ):
            db.session.add(
                LessonProgress(learner_id=learner.id, course_id=course.id, lesson_id=lesson.id)
            )
        quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id).limit(1))
        for k in range(attempts_per_course):
            score = 100 if k == attempts_per_course - 1 else 40
            db.session.add(
                QuizAttempt(
                    learner_id=learner.id,
                    quiz_id=quiz.id,
                    course_id=course.id,
                    submission_token=secrets.token_hex(8),
                    correct_count=score // 20,
                    question_count=5,
                    score=score,
                    passed=score >= 80,
                    submitted_at=when,
                )
            )
    db.session.commit()
    return user.id


def time_requests(app, client, url: str, requests: int) -> tuple[float, float, int]:
    """Median wall-clock and CPU milliseconds over `requests` GETs (after 3 untimed), and the
    query count. CPU time is reported too because a busy shared machine inflates wall time;
    the request runs in this process (SQLite included), so CPU time is the server's work."""
    from sqlalchemy import event

    from course_app.extensions import db

    for _ in range(3):
        assert client.get(url).status_code == 200
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    client.get(url)
    event.remove(engine, "before_cursor_execute", record)
    times, cpu_times = [], []
    for _ in range(requests):
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.get(url)
        response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), statistics.median(cpu_times), len(statements)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patrons", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from course_app import create_app
    from course_app.config import TestConfig
    from course_app.extensions import db

    with tempfile.TemporaryDirectory() as tmp:

        class BenchConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"
            WTF_CSRF_ENABLED = False

        app = create_app(BenchConfig)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            started = time.perf_counter()
            class_id = build(app, args.patrons)
            built = time.perf_counter() - started
        client = app.test_client()
        response = client.post(
            "/account/sign-in",
            data={"username": "bench-librarian", "password": "correct horse battery"},
        )
        assert response.status_code == 302, "sign-in failed"
        page_ms, page_cpu, page_queries = time_requests(
            app, client, f"/classes/{class_id}", args.requests
        )
        csv_ms, csv_cpu, csv_queries = time_requests(
            app, client, f"/classes/{class_id}/export.csv", args.requests
        )
        with app.app_context():
            patron_id = build_patron(app)
        patron_ms, patron_cpu, patron_queries = time_requests(
            app, client, f"/patrons/{patron_id}", args.requests
        )
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    print(f"class of {args.patrons} patrons x 10 assignments (built in {built:.1f} s)")
    print(
        f"  class page: median {page_ms:.1f} ms wall, {page_cpu:.1f} ms CPU over "
        f"{args.requests} requests, {page_queries} queries (target under {TARGET_MS} ms)"
    )
    print(f"  CSV export: median {csv_ms:.1f} ms wall, {csv_cpu:.1f} ms CPU, {csv_queries} queries")
    print(
        f"  patron page (20 courses, 200 attempts): median {patron_ms:.1f} ms wall, "
        f"{patron_cpu:.1f} ms CPU, {patron_queries} queries"
    )
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
