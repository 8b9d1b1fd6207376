"""Audit events in words: "Moved Ana Ruiz (ana) from North A to South B", never field names.

Names of the people, libraries and classes an event mentions are read for a whole page at
once (three queries whatever the number of events).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.classes.models import LearningClass
from course_app.extensions import db
from course_app.libraries.models import Organisation

ACTION_LABELS = {
    "organisation.created": _l("Library added"),
    "organisation.renamed": _l("Library renamed"),
    "user.created": _l("Staff account created"),
    "user.library_set": _l("Person placed in a library"),
    "user.library_cleared": _l("Person taken out of a library"),
    "user.role_changed": _l("Role changed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "certificate.revoked": _l("Certificate revoked"),
    "certificate.reissued": _l("Certificate reissued with a corrected name"),
    "patron.created": _l("Patron account created"),
    "patrons.imported": _l("Patrons imported from a file"),
    "reset_code.issued": _l("Password reset code made"),
    "class.created": _l("Class created"),
    "class.updated": _l("Class changed"),
    "class.join_code_changed": _l("Class code changed"),
    "class.archived": _l("Class archived"),
    "class.restored": _l("Class made active again"),
    "class.member_added": _l("Person added to a class"),
    "class.member_removed": _l("Person removed from a class"),
    "class.member_joined": _l("Patron joined a class with its code"),
    "class.help_handled": _l("Help flag marked handled"),
    "assignment.created": _l("Work assigned"),
    "assignment.removed": _l("Assignment removed"),
    "account.erased": _l("Account erased on request"),
    "reminder.sent": _l("Due-date reminder sent"),
    "lti.registered": _l("Learning platform connected"),
    "public_computer.marked": _l("Browser marked as a public computer"),
    "public_computer.unmarked": _l("Browser no longer a public computer"),
    "sign_in.succeeded": _l("Signed in"),
    "sign_in.failed": _l("Sign-in failed"),
    "reauthentication.failed": _l("Password typed again was wrong"),
    "password.changed": _l("Password changed"),
    "password.change_refused": _l("Password change refused: wrong current password"),
    "password.reset": _l("Password reset with a code"),
}
ROLE_WORDS = {
    "learner": _l("patron"),
    "librarian": _l("librarian"),
    "staff": _l("network staff"),
    "admin": _l("administrator"),
}


@dataclass
class Names:
    organisations: dict[int, str] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)
    classes: dict[int, str] = field(default_factory=dict)

    def library(self, org_id: Any) -> str:
        return self.organisations.get(org_id, _("a library that no longer exists"))

    def person(self, user_id: Any, username: str | None = None) -> str:
        if user_id in self.people:
            return self.people[user_id]
        return username or _("someone whose account was erased")

    def learning_class(self, class_id: Any) -> str:
        return self.classes.get(class_id, _("a class that no longer exists"))


def _subject_user_id(event: AuditEvent) -> int | None:
    if event.target_type == "users":
        return event.target_id
    user_id = event.details.get("user_id")
    return user_id if isinstance(user_id, int) else None


def _class_id(event: AuditEvent) -> int | None:
    if event.target_type == "classes":
        return event.target_id
    class_id = event.details.get("class_id")
    return class_id if isinstance(class_id, int) else None


def names_for(events: Iterable[AuditEvent]) -> Names:
    """The names every event on the page mentions, in three queries."""
    events = list(events)
    org_ids = {e.organisation_id for e in events if e.organisation_id}
    org_ids |= {
        e.details["previous_organisation_id"]
        for e in events
        if isinstance(e.details.get("previous_organisation_id"), int)
    }
    user_ids = {uid for e in events if (uid := _subject_user_id(e)) is not None}
    class_ids = {cid for e in events if (cid := _class_id(e)) is not None}
    names = Names()
    if org_ids:
        names.organisations = dict(
            db.session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
            ).all()
        )
    if user_ids:
        names.people = {
            uid: f"{name} ({username})"
            for uid, name, username in db.session.execute(
                select(User.id, User.display_name, User.username).where(User.id.in_(user_ids))
            )
        }
    if class_ids:
        names.classes = dict(
            db.session.execute(
                select(LearningClass.id, LearningClass.name).where(LearningClass.id.in_(class_ids))
            ).all()
        )
    return names


def who(event: AuditEvent) -> str:
    """Who made the change: a person, the command line as the system user who ran it, or the
    website with nobody signed in (a patron asking for a reset code by email)."""
    if event.actor is not None:
        return f"{event.actor.display_name} ({event.actor.username})"
    if event.action == "reset_code.issued":
        # Sent by the mail job, which the worker (a flask command) runs: the patron asked.
        return _("The website (nobody signed in)")
    os_user = event.details.get("os_user")
    if os_user:
        return _("Command line, run by %(user)s", user=os_user)
    if event.details.get("via_web"):
        return _("The website (nobody signed in)")
    return _("Command line")


def _role(value: Any) -> str:
    return str(ROLE_WORDS.get(value, value))


def _library_set(e: AuditEvent, n: Names) -> str:
    person = n.person(e.target_id, e.details.get("username"))
    new = n.library(e.organisation_id)
    old = e.details.get("previous_organisation_id")
    if old and old != e.organisation_id:
        text = _(
            "Moved %(person)s from %(old)s to %(new)s", person=person, old=n.library(old), new=new
        )
    else:
        text = _("Placed %(person)s in %(library)s", person=person, library=new)
    if e.details.get("sees_whole_system"):
        text += " " + _("(sees the whole library system)")
    return text


def _class_updated(e: AuditEvent, n: Names) -> str:
    parts = []
    labels = {"name": _("name"), "schedule_note": _("meeting times"), "notes": _("notes")}
    for key, label in labels.items():
        change = e.details.get(key)
        if isinstance(change, dict):
            parts.append(
                _(
                    "%(what)s from “%(old)s” to “%(new)s”",
                    what=label,
                    old=change.get("from") or "",
                    new=change.get("to") or "",
                )
            )
    return _(
        "Changed the class “%(name)s”: %(changes)s",
        name=n.learning_class(e.target_id),
        changes="; ".join(parts),
    )


def _assignment_created(e: AuditEvent, n: Names) -> str:
    d = e.details
    work = d.get("course") or ""
    if d.get("module"):
        work = f"{work} ({d['module']})"
    text = _(
        "Assigned %(work)s in the class “%(name)s”",
        work=work,
        name=n.learning_class(d.get("class_id")),
    )
    if d.get("user_id"):
        text += " " + _("for %(person)s only", person=n.person(d.get("user_id")))
    if d.get("due_on"):
        text += ", " + _("due %(date)s", date=format_date(_iso_date(d["due_on"])))
    return text


def _iso_date(value: str):
    from datetime import date

    return date.fromisoformat(value)


def _reset_code(e: AuditEvent, n: Names) -> str:
    person = n.person(e.target_id, e.details.get("username"))
    if e.actor_id is None:  # only the email reset (a job) makes codes with nobody signed in
        return _("%(person)s asked for a reset code by email", person=person)
    return _("Made a password reset code for %(person)s", person=person)


def _person(e: AuditEvent, n: Names) -> str:
    return n.person(_subject_user_id(e), e.details.get("username"))


def _from(e: AuditEvent) -> str:
    return str(e.details.get("address") or _("an unknown address"))


def _sign_in_failed(e: AuditEvent, n: Names) -> str:
    outcome = e.details.get("outcome")
    if e.target_id is None:
        return _("A sign-in with an unknown username, from %(address)s", address=_from(e))
    person = _person(e, n)
    if outcome == "waiting":
        return _(
            "A sign-in for %(person)s from %(address)s was refused: too many wrong passwords",
            person=person,
            address=_from(e),
        )
    if outcome == "temporary-password-expired":
        return _(
            "%(person)s tried an expired temporary password, from %(address)s",
            person=person,
            address=_from(e),
        )
    return _("A wrong password for %(person)s, from %(address)s", person=person, address=_from(e))


def _password_reset(e: AuditEvent, n: Names) -> str:
    if e.details.get("outcome") == "reset-with-code":
        return _(
            "%(person)s chose a new password with a reset code, from %(address)s",
            person=_person(e, n),
            address=_from(e),
        )
    return _(
        "A wrong or expired reset code for %(person)s, from %(address)s",
        person=_person(e, n),
        address=_from(e),
    )


SENTENCES: dict[str, Callable[[AuditEvent, Names], str]] = {
    "sign_in.succeeded": lambda e, n: _(
        "%(person)s signed in from %(address)s", person=_person(e, n), address=_from(e)
    ),
    "sign_in.failed": _sign_in_failed,
    "reauthentication.failed": lambda e, n: _(
        "%(person)s typed a wrong password when asked for it again, from %(address)s",
        person=_person(e, n),
        address=_from(e),
    ),
    "password.changed": lambda e, n: _(
        "%(person)s changed their password, from %(address)s",
        person=_person(e, n),
        address=_from(e),
    ),
    "password.change_refused": lambda e, n: _(
        "%(person)s typed a wrong current password to change it, from %(address)s",
        person=_person(e, n),
        address=_from(e),
    ),
    "password.reset": _password_reset,
    "organisation.created": lambda e, n: _(
        "Added the library “%(name)s” (code %(code)s)",
        name=e.details.get("name", ""),
        code=e.details.get("code", ""),
    ),
    "organisation.renamed": lambda e, n: _(
        "Renamed the library “%(old)s” to “%(new)s”",
        old=e.details.get("old_name", ""),
        new=e.details.get("name", ""),
    ),
    "user.created": lambda e, n: _(
        "Created the account of %(person)s as %(role)s",
        person=_person(e, n),
        role=_role(e.details.get("role")),
    ),
    "user.library_set": _library_set,
    "user.library_cleared": lambda e, n: _(
        "Took %(person)s out of %(library)s",
        person=_person(e, n),
        library=n.library(e.details.get("previous_organisation_id")),
    ),
    "user.role_changed": lambda e, n: _(
        "Changed the role of %(person)s from %(old)s to %(new)s",
        person=_person(e, n),
        old=_role(e.details.get("previous_role")),
        new=_role(e.details.get("role")),
    ),
    "user.deactivated": lambda e, n: _(
        "Deactivated the account of %(person)s", person=_person(e, n)
    ),
    "user.reactivated": lambda e, n: _(
        "Reactivated the account of %(person)s", person=_person(e, n)
    ),
    "certificate.revoked": lambda e, n: _(
        "Revoked the certificate %(code)s: %(reason)s",
        code=e.details.get("code", ""),
        reason=e.details.get("reason", ""),
    ),
    "certificate.reissued": lambda e, n: _(
        "Corrected the name on a certificate from “%(old)s” to “%(new)s” (new code %(code)s)",
        old=e.details.get("old_name", ""),
        new=e.details.get("new_name", ""),
        code=e.details.get("new_code", ""),
    ),
    "patron.created": lambda e, n: (
        _("Imported the patron account of %(person)s", person=_person(e, n))
        if e.details.get("via") == "import"
        else _("Created the patron account of %(person)s at the desk", person=_person(e, n))
    ),
    "patrons.imported": lambda e, n: _(
        "Imported %(num)s patrons from a file", num=e.details.get("count", 0)
    ),
    "reset_code.issued": _reset_code,
    "class.created": lambda e, n: _("Created the class “%(name)s”", name=e.details.get("name", "")),
    "class.updated": _class_updated,
    "class.join_code_changed": lambda e, n: _(
        "Made a new code for the class “%(name)s”", name=n.learning_class(e.target_id)
    ),
    "class.archived": lambda e, n: _(
        "Archived the class “%(name)s”", name=n.learning_class(e.target_id)
    ),
    "class.restored": lambda e, n: _(
        "Made the class “%(name)s” active again", name=n.learning_class(e.target_id)
    ),
    "class.member_added": lambda e, n: _(
        "Added %(person)s to the class “%(name)s”",
        person=_person(e, n),
        name=n.learning_class(e.target_id),
    ),
    "class.member_removed": lambda e, n: _(
        "Removed %(person)s from the class “%(name)s”",
        person=_person(e, n),
        name=n.learning_class(e.target_id),
    ),
    "class.member_joined": lambda e, n: _(
        "%(person)s joined the class “%(name)s” with its code",
        person=_person(e, n),
        name=n.learning_class(e.target_id),
    ),
    "class.help_handled": lambda e, n: _(
        "Marked the help flags of %(person)s handled in the class “%(name)s”",
        person=_person(e, n),
        name=n.learning_class(e.target_id),
    ),
    "assignment.created": _assignment_created,
    "assignment.removed": lambda e, n: _(
        "Removed an assignment from the class “%(name)s”",
        name=n.learning_class(e.details.get("class_id")),
    ),
    "lti.registered": lambda e, n: _(
        "Connected the learning platform %(issuer)s", issuer=e.details.get("issuer", "")
    ),
    "reminder.sent": lambda e, n: _(
        "Sent %(person)s a due-date reminder about the class “%(name)s”",
        person=_person(e, n),
        name=n.learning_class(e.target_id),
    ),
    "account.erased": lambda e, n: (
        _("A patron's account was erased at their own request")
        if e.details.get("requested_by") == "holder"
        else _("Erased a patron's account at their request, at the desk")
    ),
    "public_computer.marked": lambda e, n: _("Marked a browser as a public computer"),
    "public_computer.unmarked": lambda e, n: _("Marked a browser as no longer a public computer"),
}


def describe(event: AuditEvent, names: Names) -> str:
    """The change in a sentence; an action this list does not know yet gets its label."""
    sentence = SENTENCES.get(event.action)
    if sentence is not None:
        return sentence(event, names)
    return str(ACTION_LABELS.get(event.action, _("Other change")))
