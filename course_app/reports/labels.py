"""Readable names for the keys a breakdown groups by, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from course_app.content.localize import localized
from course_app.content.models import Course
from course_app.extensions import db
from course_app.learning.topics import LANGUAGE_NAMES, topic_name
from course_app.libraries.models import Organisation
from course_app.reports.facts import LIBRARY_BREAKDOWNS, Breakdown


def key_labels(by: Breakdown, keys: Iterable[Any]) -> dict[Any, str]:
    """key -> label for every key, in one query at most."""
    keys = list(keys)
    ids = [key for key in keys if key is not None]
    if by == Breakdown.COURSE:
        if not ids:
            return {}
        return dict(
            db.session.execute(
                select(Course.id, localized(Course.title, str(get_locale()))).where(
                    Course.id.in_(ids)
                )
            ).all()
        )
    if by in LIBRARY_BREAKDOWNS:
        rows = db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        )
        labels: dict[Any, str] = dict(rows.all()) if ids else {}
        labels[None] = _("No library (guests)")
        return labels
    if by == Breakdown.TOPIC:
        return {key: topic_name(key) for key in ids}
    if by == Breakdown.LANGUAGE:
        labels = {key: LANGUAGE_NAMES.get(key, key) for key in ids}
        labels[None] = _("Not recorded")
        return labels
    return {key: key for key in ids}


def system_names(organisation_ids: Iterable[int | None]) -> dict[int, str]:
    """Branch id -> the name of its library system, in one query: branch names repeat across
    systems (three "Northgate"s), so a branch is always shown with its system. A system maps
    to its own name; the network and unknown ids are left out."""
    ids = [i for i in organisation_ids if i is not None]
    if not ids:
        return {}
    parent = aliased(Organisation)
    rows = db.session.execute(
        select(Organisation.id, Organisation.kind, Organisation.name, parent.name)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(Organisation.id.in_(ids))
    )
    names: dict[int, str] = {}
    for org_id, kind, name, parent_name in rows:
        if kind == "branch" and parent_name is not None:
            names[org_id] = parent_name
        elif kind == "system":
            names[org_id] = name
    return names
