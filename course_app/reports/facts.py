"""The breakdowns, and the filters, scope and breakdown applied to a subquery of source rows
(the course report's learners).

A fact subquery has `learner_id`, `course_id`, `at` (the moment that puts the fact in the date
range) and, where the fact knows it, `language`. The date range is applied inside the
subquery, where the indexes on the timestamps can serve it. The overview reads the report rows
instead: see `course_app.reports.monthly`.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, literal, select
from sqlalchemy.orm import aliased

from course_app.accounts.models import Learner, User
from course_app.content.models import Course
from course_app.learning.models import Enrolment
from course_app.libraries.access import subtree_ids
from course_app.libraries.models import Organisation, OrganisationKind
from course_app.reports.filters import ReportFilter, ReportScope
from course_app.reports.sql import month_of


class Breakdown(enum.StrEnum):
    COURSE = "course"
    TOPIC = "topic"
    LANGUAGE = "language"
    SYSTEM = "system"
    BRANCH = "branch"
    MONTH = "month"


LIBRARY_BREAKDOWNS = (Breakdown.SYSTEM, Breakdown.BRANCH)


def shaped(
    facts: Subquery,
    columns: list[ColumnElement[Any]],
    f: ReportFilter,
    scope: ReportScope,
    by: Breakdown | None,
) -> Select[Any]:
    """SELECT key, *columns FROM facts with the filters, scope and breakdown's joins.

    Not yet grouped: the caller groups by `key` or wraps the select (medians do).
    """
    joined: Any = facts
    where: list[ColumnElement[bool]] = []
    need_course = f.topic is not None or by == Breakdown.TOPIC
    need_library = (
        f.organisation_id is not None or not scope.is_whole_network or by in LIBRARY_BREAKDOWNS
    )
    language = facts.c.get("language")
    if language is None and (f.language is not None or by == Breakdown.LANGUAGE):
        joined = joined.outerjoin(
            Enrolment,
            and_(
                Enrolment.learner_id == facts.c.learner_id,
                Enrolment.course_id == facts.c.course_id,
            ),
        )
        language = Enrolment.language
    if need_course:
        joined = joined.join(Course, Course.id == facts.c.course_id)
    if need_library:
        joined = joined.outerjoin(Learner, Learner.id == facts.c.learner_id).outerjoin(
            User, User.id == Learner.user_id
        )
    if f.course_id is not None:
        where.append(facts.c.course_id == f.course_id)
    if f.topic is not None:
        where.append(Course.topic == f.topic)
    if f.language is not None:
        where.append(language == f.language)
    if f.organisation_id is not None:
        where.append(User.organisation_id.in_(subtree_ids(f.organisation_id)))
    scope_ids = scope.organisation_ids()
    if scope_ids is not None:
        where.append(User.organisation_id.in_(scope_ids))

    key: ColumnElement[Any]
    if by is None:
        key = literal(None)
    elif by == Breakdown.COURSE:
        key = facts.c.course_id
    elif by == Breakdown.TOPIC:
        key = Course.topic
    elif by == Breakdown.LANGUAGE:
        key = language
    elif by == Breakdown.BRANCH:
        key = User.organisation_id
    elif by == Breakdown.SYSTEM:
        home = aliased(Organisation)
        joined = joined.outerjoin(home, home.id == User.organisation_id)
        key = case((home.kind == OrganisationKind.BRANCH.value, home.parent_id), else_=home.id)
    else:
        key = month_of(facts.c.at)
    return select(key.label("key"), *columns).select_from(joined).where(*where)
