"""Imported course content. Rows keep the stable keys from the course files.

Each row holds its text in the course's main language; `translations` maps another language
code to the same fields in that language ({"es": {"title": ..., "body_html": ...}}). Keys,
ids and answers are shared, so progress and results do not depend on the language read in.
See `course_app.content.localize` for how a request sees its language.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.content.question_types import QuestionType, question_type
from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db


class Translated:
    """Rows with text in more than one language."""

    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict)


class Course(Translated, db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    # Every language the course is written in, main one first, space-separated: "en es".
    languages: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(80), index=True)
    summary_html: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(default=0)
    # From the content linter's measures: Flesch-Kincaid grade (English), median of the lessons;
    # Fernandez-Huerta ease (Spanish). Each language's figure lives in its own text.
    reading_grade: Mapped[float | None] = mapped_column()
    reading_ease: Mapped[float | None] = mapped_column()
    # [{term, definition_html}], alphabetical, in the course's main language.
    glossary: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_due: Mapped[date | None] = mapped_column(Date)
    # Who wrote the course and which health professionals reviewed it (course.yml):
    # {"authors": [{name, role, date}], "reviewers": [...]}, dates as YYYY-MM-DD.
    credits: Mapped[dict[str, list[dict[str, str]]]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position"
    )

    @property
    def language_list(self) -> list[str]:
        return self.languages.split() or [self.language]


class Module(Translated, db.Model):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position"
    )
    quiz: Mapped[Quiz | None] = relationship(back_populates="module", uselist=False)


class Lesson(Translated, db.Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=5)
    required: Mapped[bool] = mapped_column(default=True)
    # Sanitised once at import; rendered as-is on every request.
    body_html: Mapped[str] = mapped_column(Text)
    # "In this lesson you will ...": one sentence shown before the text ("" when not written).
    main_message: Mapped[str] = mapped_column(Text, default="")
    # The lesson's recording and captioned video, when it has them (see importer.lesson_media).
    media: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The glossary terms this lesson uses, with their definitions: [{term, definition_html}].
    glossary: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)

    module: Mapped[Module] = relationship(back_populates="lessons")


class Quiz(Translated, db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), unique=True)
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    intro_html: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[int] = mapped_column(default=80)
    is_active: Mapped[bool] = mapped_column(default=True)

    module: Mapped[Module] = relationship(back_populates="quiz")
    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.position"
    )


class Question(Translated, db.Model):
    """A quiz question or an inline knowledge check (lesson_id set, quiz_id empty).

    `data` holds the type-specific part, already sanitised:
    choices [{id, html, correct, feedback_html}], accepted [str], items [{id, html}] in order.
    """

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"), index=True)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column()
    type: Mapped[str] = mapped_column(String(20))
    prompt_html: Mapped[str] = mapped_column(Text)
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    is_active: Mapped[bool] = mapped_column(default=True)

    quiz: Mapped[Quiz | None] = relationship(back_populates="questions")

    @property
    def question_type(self) -> QuestionType:
        """The type's class: this question's form fields, grading, feedback and templates."""
        return question_type(self.type)


class MediaFile(db.Model):
    """A picture file served to lessons, named by the hash of its bytes: a new version of a
    picture is a new row, so browsers may keep each one for a year. Rows are never changed."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)  # "<sha256 prefix>.<ext>"
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
