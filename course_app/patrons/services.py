"""What the patron page shows about one patron, read in a fixed number of queries whatever
the number of courses, attempts, certificates or classes.

Progress comes from learning (`my_courses`) and assigned work from classes (`my_assignments`):
this package only gathers, it decides nothing about progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import aliased, joinedload

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.certificates.models import Certificate, ReplacedCertificateCode
from course_app.classes.models import ClassMember, LearningClass
from course_app.classes.table import MyAssignment, my_assignments
from course_app.content.localize import localized
from course_app.content.models import Course, Quiz
from course_app.desk.models import LibraryCard
from course_app.extensions import db
from course_app.learning.progress import CourseProgress
from course_app.learning.services import my_courses
from course_app.libraries.models import Organisation
from course_app.quizzes.models import QuizAttempt

RECENT_ATTEMPTS = 10


@dataclass(frozen=True)
class QuizSummary:
    course_title: str
    quiz_title: str
    attempts: int
    passed: bool
    best_score: int
    last_at: datetime


@dataclass(frozen=True)
class AttemptLine:
    course_title: str
    quiz_title: str
    submitted_at: datetime
    score: int
    passed: bool


@dataclass(frozen=True)
class CertificateLine:
    certificate: Certificate
    replaced: int  # how many earlier codes it had


@dataclass
class PatronRecord:
    patron: User
    library_label: str
    card_last4: str | None
    courses: list[CourseProgress]
    quizzes: list[QuizSummary]
    recent_attempts: list[AttemptLine]
    attempt_count: int
    certificates: list[CertificateLine]
    classes: list[LearningClass]
    assignments: list[MyAssignment]
    reminders: list[tuple[datetime, str]]  # when, and the class it was about


def library_label(organisation: Organisation | None, system_name: str | None) -> str:
    """ "Northgate (North Library)": branch names repeat across systems."""
    if organisation is None:
        return ""
    return f"{organisation.name} ({system_name})" if system_name else organisation.name


def _library(patron: User) -> str:
    if patron.organisation_id is None:
        return ""
    parent = aliased(Organisation)
    row = db.session.execute(
        select(Organisation, parent.name)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(Organisation.id == patron.organisation_id)
    ).one()
    organisation, system = row
    return library_label(organisation, system if organisation.kind == "branch" else None)


def _quizzes(learner_id: int, language: str) -> tuple[list[QuizSummary], list[AttemptLine], int]:
    course_title = localized(Course.title, language)
    quiz_title = localized(Quiz.title, language)
    summaries = [
        QuizSummary(course, quiz, attempts, bool(passes), best, last)
        for course, quiz, attempts, passes, best, last in db.session.execute(
            select(
                course_title,
                quiz_title,
                func.count(),
                func.max(QuizAttempt.passed.cast(Integer)),
                func.max(QuizAttempt.score),
                func.max(QuizAttempt.submitted_at),
            )
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .join(Course, Course.id == QuizAttempt.course_id)
            .where(QuizAttempt.learner_id == learner_id)
            .group_by(Course.id, Quiz.id, course_title, quiz_title)
            .order_by(func.max(QuizAttempt.submitted_at).desc())
        )
    ]
    recent = [
        AttemptLine(*row)
        for row in db.session.execute(
            select(
                course_title,
                quiz_title,
                QuizAttempt.submitted_at,
                QuizAttempt.score,
                QuizAttempt.passed,
            )
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .join(Course, Course.id == QuizAttempt.course_id)
            .where(QuizAttempt.learner_id == learner_id)
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
            .limit(RECENT_ATTEMPTS)
        )
    ]
    return summaries, recent, sum(s.attempts for s in summaries)


def _certificates(learner_id: int) -> list[CertificateLine]:
    replaced = (
        select(func.count())
        .where(ReplacedCertificateCode.certificate_id == Certificate.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Certificate, replaced)
        .options(joinedload(Certificate.course))
        .where(Certificate.learner_id == learner_id)
        .order_by(Certificate.issued_at.desc())
    )
    return [CertificateLine(cert, count) for cert, count in rows]


def _classes(patron: User) -> list[LearningClass]:
    return list(
        db.session.scalars(
            select(LearningClass)
            .options(joinedload(LearningClass.organisation))
            .join(ClassMember, ClassMember.class_id == LearningClass.id)
            .where(ClassMember.user_id == patron.id)
            .order_by(LearningClass.archived, LearningClass.name)
        )
    )


def _reminders(patron: User) -> list[tuple[datetime, str]]:
    """Due-date reminders sent to the patron (recorded in the audit log), newest first."""
    return [
        (at, name)
        for at, name in db.session.execute(
            select(AuditEvent.at, LearningClass.name)
            .join(LearningClass, LearningClass.id == AuditEvent.target_id)
            .where(
                AuditEvent.action == "reminder.sent",
                AuditEvent.target_type == "classes",
                AuditEvent.details["user_id"].as_integer() == patron.id,
            )
            .order_by(AuditEvent.at.desc())
            .limit(20)
        )
    ]


def patron_record(patron: User, language: str, now: datetime) -> PatronRecord:
    """Everything the patron page shows, in a fixed number of queries."""
    learner_id = patron.learner.id
    quizzes, recent, count = _quizzes(learner_id, language)
    card = db.session.scalar(select(LibraryCard.last4).where(LibraryCard.user_id == patron.id))
    return PatronRecord(
        patron=patron,
        library_label=_library(patron),
        card_last4=card,
        courses=my_courses(patron.learner, language),
        quizzes=quizzes,
        recent_attempts=recent,
        attempt_count=count,
        certificates=_certificates(learner_id),
        classes=_classes(patron),
        assignments=my_assignments(patron, now),
        reminders=_reminders(patron),
    )


def patron_certificate(patron: User, certificate_id: int) -> Certificate | None:
    """The certificate when it is this patron's; None otherwise (so: 404)."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.id == certificate_id, Certificate.learner_id == patron.learner.id
        )
    )
