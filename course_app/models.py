"""Imports every model so Alembic and create_app see the whole schema."""

from course_app.accounts.models import Learner, ThrottleHit, User, UserSession
from course_app.audit.models import AuditEvent
from course_app.certificates.models import Certificate, CertificateBadge, ReplacedCertificateCode
from course_app.classes.models import Assignment, ClassMember, HelpFlagMark, LearningClass
from course_app.content.models import Course, Lesson, MediaFile, Module, Question, Quiz
from course_app.desk.models import LibraryCard, ResetCode
from course_app.learning.models import Enrolment, LessonProgress
from course_app.libraries.models import Organisation
from course_app.lti.models import (
    LtiDeployment,
    LtiGradeTarget,
    LtiIdentity,
    LtiLaunchValue,
    LtiRegistration,
)
from course_app.quizzes.models import AttemptAnswer, QuizAttempt
from course_app.reports.models import ReportMonth
from course_app.resume_codes.models import ResumeCode
from course_app.xapi.models import OutboxStatement

__all__ = [
    "Assignment",
    "ClassMember",
    "LearningClass",
    "AttemptAnswer",
    "AuditEvent",
    "Certificate",
    "CertificateBadge",
    "Course",
    "Enrolment",
    "Learner",
    "Lesson",
    "LessonProgress",
    "LibraryCard",
    "LtiDeployment",
    "LtiGradeTarget",
    "LtiIdentity",
    "LtiLaunchValue",
    "LtiRegistration",
    "MediaFile",
    "Module",
    "Organisation",
    "OutboxStatement",
    "Question",
    "Quiz",
    "ReportMonth",
    "ReplacedCertificateCode",
    "HelpFlagMark",
    "QuizAttempt",
    "ResumeCode",
    "ResetCode",
    "ThrottleHit",
    "User",
    "UserSession",
]
