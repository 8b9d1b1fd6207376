"""What a report is about: a date range and, optionally, one course, topic, library and
language; and whose data the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select

from course_app.accounts.access import STAFF_ROLES
from course_app.accounts.models import Role, User
from course_app.extensions import db
from course_app.libraries.access import subtree_ids
from course_app.libraries.models import Organisation, OrganisationKind

# A longer range is refused: it would be a different question ("all time") asked slowly.
MAX_DAYS = 10 * 366


@dataclass(frozen=True)
class ReportFilter:
    """Dates are whole UTC days, both ends included."""

    start: date
    end: date
    course_id: int | None = None
    topic: str | None = None
    organisation_id: int | None = None
    language: str | None = None

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=UTC)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)

    def months(self) -> list[str]:
        """Every month the range touches, as 'YYYY-MM', so empty months show as zero."""
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


def default_filter(today: date) -> ReportFilter:
    """The last twelve months: from the first of the month eleven months ago to today."""
    months = today.year * 12 + today.month - 1 - 11
    return ReportFilter(start=date(months // 12, months % 12 + 1, 1), end=today)


@dataclass(frozen=True)
class ReportScope:
    """Whose learners the viewer may count: the whole network, or one library system."""

    system: Organisation | None = None

    @property
    def is_whole_network(self) -> bool:
        return self.system is None

    def organisation_ids(self) -> Select[tuple[int]] | None:
        return None if self.system is None else self.ids_under(self.system.id)

    @staticmethod
    def ids_under(system_id: int | ColumnElement[int]) -> Select[tuple[int]]:
        """The libraries a system's scope covers: the system and everything under it. Takes a
        bound parameter too, for statements built once and run for any viewer."""
        return subtree_ids(system_id)


def report_scope(user: User) -> ReportScope | None:
    """Staff and admins see the network; a librarian sees their own library system; None
    means no reports at all (learners, and librarians not yet placed in a library)."""
    if user.has_role(*STAFF_ROLES):
        return ReportScope()
    if not user.has_role(Role.LIBRARIAN) or user.organisation_id is None:
        return None
    organisation = db.session.get(Organisation, user.organisation_id)
    if organisation is None:
        return None
    if organisation.kind == OrganisationKind.BRANCH.value and organisation.parent is not None:
        organisation = organisation.parent
    if organisation.kind == OrganisationKind.NETWORK.value:
        return ReportScope()
    return ReportScope(system=organisation)
