"""A small network whose report figures are worked out by hand in the tests.

Two courses: alpha (2 modules x 2 lessons + a quiz each; health-literacy) and beta (1 module x
2 lessons + a quiz; digital-literacy). The period the tests ask about is 2026 Q3
(1 July to 30 September). Who did what (all 2026, UTC):

  p1 north-a  alpha, en: started 1 Jul 10:00, lessons 1-4 Jul, quiz 1 failed then passed 2 Jul,
              quiz 2 passed 5 Jul; completed 5 Jul 10:00 (4 days); certificate 5 Jul
  p2 north-a  alpha, en: started 10 Jul, m1 lessons 10 Jul, quiz 1 passed 11 Jul, lesson
              m2-l1 12 Jul, then stopped (last lesson m2-l1)
  p3 north-a  alpha, es: started 1 Aug 09:00, everything, completed 3 Aug 09:00 (2 days);
              certificate 3 Aug in Spanish
  p4 north-a  beta, en: started 5 Aug 12:00, lessons 5 Aug, quiz passed 6 Aug 12:00,
              completed then (1 day); certificate 6 Aug
  p5 north-a  alpha, en: started 1 Sep, lesson m1-l1, opened m1-l2 (last lesson) and stopped
  p6 north-a  alpha, en: started 1 Jun 08:00 (before the period), m1 and quiz 1 in June,
              m2 lessons 19 Jul, quiz 2 passed 20 Jul 08:00, completed then (49 days);
              certificate 20 Jul
  p7 north-b  beta, en: started 15 Jul, lesson 1 15 Jul, quiz failed 16 Jul, last lesson 2
  p8 north-b  alpha, en: started 2 Oct (after the period), lesson m1-l1 2 Oct
  p9 south-a  alpha, en: started 10 Sep, lesson m1-l1, opened m1-l2 (last lesson)
  g1 guest    beta, en: started 20 Jul 09:00, lessons, quiz passed, completed 20 Jul 12:00
              (3 hours); no certificate

A passed attempt has every answer right; a failed one has the first two answers wrong.

Classes: "Tuesday group" in north-a with p1, p2, p3, given on 1 Jul: alpha to the class due
31 Jul, and alpha module 1 to p2 alone due 11 Jul. "Evening group" in south-a with p9: beta
due 31 Dec 2026 (not yet due on 23 Nov 2026).
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from sqlalchemy import select

from course_app.accounts.models import Learner
from course_app.certificates.models import Certificate
from course_app.classes.models import Assignment, ClassMember, LearningClass
from course_app.content.models import Course, Lesson, Module, Question, Quiz
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress, Milestone, MilestoneKind
from course_app.learning.plan import LESSON, QUIZ, course_plan
from course_app.learning.progress import finished
from course_app.quizzes.models import AttemptAnswer, QuizAttempt
from course_app.reports.rollup import rebuild_all
from tests.factories import make_course, make_library_tree, make_user

Q3 = (date(2026, 7, 1), date(2026, 9, 30))
TODAY = date(2026, 11, 23)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


class Builder:
    def __init__(self) -> None:
        self.tree = make_library_tree()
        self.alpha = make_course("alpha", modules=2, lessons_per_module=2)
        self.beta = make_course("beta", modules=1, lessons_per_module=2, topic="digital-literacy")
        self.learners: dict[str, Learner] = {}
        self.users: dict[str, int] = {}
        # Steps done per (who, course id), so milestones are recorded as the app would have.
        self.steps_done: dict[tuple[str, int], set] = {}

    def lessons(self, course: Course) -> list[Lesson]:
        return list(
            db.session.scalars(
                select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
            )
        )

    def quizzes(self, course: Course) -> list[Quiz]:
        return list(
            db.session.scalars(
                select(Quiz)
                .join(Module, Module.id == Quiz.module_id)
                .where(Quiz.course_id == course.id)
                .order_by(Module.position)
            )
        )

    def patron(self, name: str, branch: str) -> Learner:
        user = make_user(name)
        user.organisation_id = self.tree[branch]
        self.users[name] = user.id
        self.learners[name] = user.learner
        return user.learner

    def guest(self, name: str) -> Learner:
        learner = Learner()
        db.session.add(learner)
        db.session.flush()
        self.learners[name] = learner
        return learner

    def enrol(self, who, course, started, language="en", completed=None, last=None):
        db.session.add(
            Enrolment(
                learner_id=self.learners[who].id,
                course_id=course.id,
                started_at=started,
                last_activity_at=completed or started,
                completed_at=completed,
                language=language,
                last_lesson_id=last.id if last else None,
            )
        )

    def done(self, who, lesson: Lesson, when: datetime) -> None:
        db.session.add(
            LessonProgress(
                learner_id=self.learners[who].id,
                course_id=lesson.course_id,
                lesson_id=lesson.id,
                completed_at=when,
            )
        )
        self._step_done(who, lesson.course_id, (LESSON, lesson.id), lesson.module_id, when)

    def milestone(self, who, course_id: int, kind: str, item: int, when: datetime) -> None:
        learner_id = self.learners[who].id
        exists = select(Milestone.id).where(
            Milestone.learner_id == learner_id, Milestone.kind == kind, Milestone.item_id == item
        )
        if db.session.scalar(exists) is None:
            db.session.add(
                Milestone(
                    learner_id=learner_id, course_id=course_id, kind=kind, item_id=item, at=when
                )
            )
            db.session.flush()

    def _step_done(self, who, course_id: int, ref: tuple, module_id: int, when: datetime) -> None:
        """A module is recorded finished when the app's rule says this step finished it."""
        done = self.steps_done.setdefault((who, course_id), set())
        done.add(ref)
        steps = course_plan(db.session.get(Course, course_id)).module(module_id).steps
        if finished(steps, done):
            self.milestone(who, course_id, MilestoneKind.MODULE_FINISHED, module_id, when)

    def attempt(self, who, quiz: Quiz, when: datetime, passed: bool) -> None:
        questions = list(
            db.session.scalars(
                select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)
            )
        )
        right = [passed or i >= 2 for i in range(len(questions))]
        attempt = QuizAttempt(
            learner_id=self.learners[who].id,
            quiz_id=quiz.id,
            course_id=quiz.course_id,
            submission_token=secrets.token_hex(8),
            submitted_at=when,
            correct_count=sum(right),
            question_count=len(questions),
            score=100 * sum(right) // len(questions),
            passed=passed,
        )
        db.session.add(attempt)
        db.session.flush()
        self.milestone(who, quiz.course_id, MilestoneKind.QUIZ_TRIED, quiz.id, when)
        if passed:
            self.milestone(who, quiz.course_id, MilestoneKind.QUIZ_PASSED, quiz.id, when)
            self._step_done(who, quiz.course_id, (QUIZ, quiz.id), quiz.module_id, when)
        for position, (question, ok) in enumerate(zip(questions, right, strict=True)):
            db.session.add(
                AttemptAnswer(
                    attempt_id=attempt.id,
                    question_id=question.id,
                    position=position,
                    response=None,
                    is_correct=ok,
                )
            )

    def certificate(self, who, course, when, language="en") -> None:
        db.session.add(
            Certificate(
                code=secrets.token_urlsafe(24),
                learner_id=self.learners[who].id,
                course_id=course.id,
                recipient_name=who,
                language=language,
                issued_at=when,
            )
        )


def build() -> Builder:
    """The data set above; returns the builder so tests can find ids."""
    b = Builder()
    a_l = b.lessons(b.alpha)  # m1-l1, m1-l2, m2-l1, m2-l2
    a_q = b.quizzes(b.alpha)
    b_l = b.lessons(b.beta)
    b_q = b.quizzes(b.beta)
    for name, branch in (
        ("p1", "north-a"),
        ("p2", "north-a"),
        ("p3", "north-a"),
        ("p4", "north-a"),
        ("p5", "north-a"),
        ("p6", "north-a"),
        ("p7", "north-b"),
        ("p8", "north-b"),
        ("p9", "south-a"),
    ):
        b.patron(name, branch)
    b.guest("g1")

    b.enrol("p1", b.alpha, at(7, 1), completed=at(7, 5), last=a_l[3])
    for day, lesson in zip((1, 2, 3, 4), a_l, strict=True):
        b.done("p1", lesson, at(7, day))
    b.attempt("p1", a_q[0], at(7, 2, 11), passed=False)
    b.attempt("p1", a_q[0], at(7, 2, 12), passed=True)
    b.attempt("p1", a_q[1], at(7, 5), passed=True)
    b.certificate("p1", b.alpha, at(7, 5))

    b.enrol("p2", b.alpha, at(7, 10), last=a_l[2])
    b.done("p2", a_l[0], at(7, 10))
    b.done("p2", a_l[1], at(7, 10, 11))
    b.attempt("p2", a_q[0], at(7, 11), passed=True)
    b.done("p2", a_l[2], at(7, 12))

    b.enrol("p3", b.alpha, at(8, 1, 9), language="es", completed=at(8, 3, 9), last=a_l[3])
    for lesson in a_l:
        b.done("p3", lesson, at(8, 2))
    b.attempt("p3", a_q[0], at(8, 2, 11), passed=True)
    b.attempt("p3", a_q[1], at(8, 3, 9), passed=True)
    b.certificate("p3", b.alpha, at(8, 3, 9), language="es")

    b.enrol("p4", b.beta, at(8, 5, 12), completed=at(8, 6, 12), last=b_l[1])
    b.done("p4", b_l[0], at(8, 5, 12))
    b.done("p4", b_l[1], at(8, 5, 13))
    b.attempt("p4", b_q[0], at(8, 6, 12), passed=True)
    b.certificate("p4", b.beta, at(8, 6, 12))

    b.enrol("p5", b.alpha, at(9, 1), last=a_l[1])
    b.done("p5", a_l[0], at(9, 1))

    b.enrol("p6", b.alpha, at(6, 1, 8), completed=at(7, 20, 8), last=a_l[3])
    b.done("p6", a_l[0], at(6, 1))
    b.done("p6", a_l[1], at(6, 2))
    b.attempt("p6", a_q[0], at(6, 2, 12), passed=True)
    b.done("p6", a_l[2], at(7, 19))
    b.done("p6", a_l[3], at(7, 19, 11))
    b.attempt("p6", a_q[1], at(7, 20, 8), passed=True)
    b.certificate("p6", b.alpha, at(7, 20, 8))

    b.enrol("p7", b.beta, at(7, 15), last=b_l[1])
    b.done("p7", b_l[0], at(7, 15))
    b.attempt("p7", b_q[0], at(7, 16), passed=False)

    b.enrol("p8", b.alpha, at(10, 2), last=a_l[0])
    b.done("p8", a_l[0], at(10, 2))

    b.enrol("p9", b.alpha, at(9, 10), last=a_l[1])
    b.done("p9", a_l[0], at(9, 10))

    b.enrol("g1", b.beta, at(7, 20, 9), completed=at(7, 20, 12), last=b_l[1])
    b.done("g1", b_l[0], at(7, 20, 9))
    b.done("g1", b_l[1], at(7, 20, 10))
    b.attempt("g1", b_q[0], at(7, 20, 12), passed=True)

    tuesday = LearningClass(
        organisation_id=b.tree["north-a"], name="Tuesday group", join_code="TUESDAY1"
    )
    evening = LearningClass(
        organisation_id=b.tree["south-a"], name="Evening group", join_code="EVENING1"
    )
    db.session.add_all([tuesday, evening])
    db.session.flush()
    for name in ("p1", "p2", "p3"):
        db.session.add(ClassMember(class_id=tuesday.id, user_id=b.users[name]))
    db.session.add(ClassMember(class_id=evening.id, user_id=b.users["p9"]))
    module_one = db.session.scalar(
        select(Module).where(Module.course_id == b.alpha.id, Module.position == 1)
    )
    db.session.add_all(
        [
            Assignment(
                class_id=tuesday.id,
                course_id=b.alpha.id,
                due_on=date(2026, 7, 31),
                created_at=at(7, 1, 8),
            ),
            Assignment(
                class_id=tuesday.id,
                user_id=b.users["p2"],
                course_id=b.alpha.id,
                module_id=module_one.id,
                due_on=date(2026, 7, 11),
                created_at=at(7, 1, 8),
            ),
            Assignment(
                class_id=evening.id,
                course_id=b.beta.id,
                due_on=date(2026, 12, 31),
                created_at=at(7, 1, 8),
            ),
        ]
    )
    db.session.flush()
    # The rows above were written straight to the tables, not through the app's services, so
    # the report rows are built from them as `flask reports rebuild` would.
    rebuild_all()
    return b
