"""Classes, their members, and assignments of a course or one module to a class or a patron."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.accounts.models import User
from course_app.content.localize import title_for_page
from course_app.content.models import Course, Module
from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db
from course_app.libraries.models import Organisation


class LearningClass(db.Model):
    """A class run in one library, e.g. "Tuesday Digital Skills"."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    schedule_note: Mapped[str | None] = mapped_column(String(200))
    # For the librarians running the class (room, what to bring); patrons never see it.
    notes: Mapped[str | None] = mapped_column(String(1000))
    # What patrons type on the join page; short, upper case, no look-alike characters.
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    # When the code stops working; None: it works until a librarian makes a new one.
    join_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    archived: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()


class ClassMember(db.Model):
    """A patron in a class; a patron may be in several classes."""

    __tablename__ = "class_members"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    user: Mapped[User] = relationship()


class Assignment(db.Model):
    """A course, or one module of it, set for everyone in a class or for one patron in it.

    An assignment always belongs to a class, so it is seen by the class's library only;
    user_id None means everyone in the class.
    """

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    learning_class: Mapped[LearningClass] = relationship()
    course: Mapped[Course] = relationship()
    module: Mapped[Module | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def title(self) -> str:
        """The course (and module) title in the page's language."""
        course = title_for_page(self.course)
        return f"{course}: {title_for_page(self.module)}" if self.module is not None else course


class HelpFlagMark(db.Model):
    """A librarian marked a patron's help flags in a class handled. The mark covers the flags
    until the patron does something new; if they are stuck again, the flag comes back."""

    __tablename__ = "help_flag_marks"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
