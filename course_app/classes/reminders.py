"""Due-date reminders: a short email in each patron's own language about their unfinished
work with a due date, queued for the mail worker (never sent in the request). Patrons with no
email address are listed for the librarian to contact in person. Each reminder is audited,
which is how the patron page shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.audit.services import record_event
from course_app.classes.models import Assignment, LearningClass
from course_app.classes.status import Status
from course_app.classes.table import ClassTable
from course_app.extensions import db
from course_app.links import external_url
from course_app.mail import send_mail_later


@dataclass
class ReminderFor:
    user_id: int
    name: str
    username: str
    email: str | None
    language: str | None
    work: list[tuple[Assignment, int]] = field(default_factory=list)  # (assignment, percent)


def reminder_list(table: ClassTable, only_user_id: int | None = None) -> list[ReminderFor]:
    """Each patron (or the one asked for) with unfinished work that has a due date."""
    found: list[ReminderFor] = []
    for row in table.rows:
        if only_user_id is not None and row.user.id != only_user_id:
            continue
        work = [
            (cell.assignment, cell.progress.percent)
            for cell in row.cells
            if cell is not None
            and cell.status != Status.COMPLETED
            and cell.assignment.due_on is not None
        ]
        if work:
            found.append(
                ReminderFor(row.user.id, row.user.display_name, row.user.username, None, None, work)
            )
    if found:
        contacts = {
            uid: (email, language)
            for uid, email, language in db.session.execute(
                select(User.id, User.email, User.language).where(
                    User.id.in_([r.user_id for r in found])
                )
            )
        }
        for reminder in found:
            reminder.email, reminder.language = contacts.get(reminder.user_id, (None, None))
    return found


def reminder_text(learning_class: LearningClass, reminder: ReminderFor) -> tuple[str, str]:
    """Subject and body in the patron's language (the site's default when they chose none)."""
    language = reminder.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        lines = [
            _(
                "- %(work)s: due %(date)s (%(percent)d%% done)",
                work=a.title,
                date=format_date(a.due_on, "long"),
                percent=percent,
            )
            for a, percent in reminder.work
        ]
        subject = _("A reminder from your class %(name)s", name=learning_class.name)
        help_line = current_app.config.get("SIGNIN_CARD_HELP") or _(
            "ask at your library's front desk."
        )
        body = _(
            "Hello %(name)s,\n\nThis is a reminder from %(library)s about your class "
            "%(class)s. This work is waiting for you:\n\n%(work)s\n\n"
            "Sign in with your username (%(username)s) at %(url)s to continue.\n\n"
            "Need help? %(help)s",
            name=reminder.name,
            library=learning_class.organisation.name,
            work="\n".join(lines),
            username=reminder.username,
            url=external_url("accounts.sign_in"),
            help=help_line,
            **{"class": learning_class.name},
        )
    return subject, body


def record_reminders(
    actor: User, learning_class: LearningClass, reminders: list[ReminderFor], today: date
) -> list[tuple[str, str, str]]:
    """Audits a reminder for each patron with an address and returns the messages
    (to, subject, body); the view queues them after its commit, so no mail leaves for a
    change that was not saved."""
    messages = []
    for reminder in reminders:
        if not reminder.email:
            continue
        subject, body = reminder_text(learning_class, reminder)
        record_event(
            actor,
            "reminder.sent",
            learning_class,
            learning_class.organisation,
            user_id=reminder.user_id,
            assignments=[a.id for a, _percent in reminder.work],
            on=today.isoformat(),
        )
        messages.append((reminder.email, subject, body))
    return messages


def queue_messages(messages: list[tuple[str, str, str]]) -> None:
    """Hands each message to the mail worker (course_app/jobs.py): never sent in the request."""
    for to, subject, body in messages:
        send_mail_later(to, subject, body)
