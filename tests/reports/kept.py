"""The course report's cells and learners' shares as plain values, to compare with a rebuild."""

from __future__ import annotations

from sqlalchemy import select

from course_app.extensions import db
from course_app.reports.models import ReportCourseCell, ReportCourseShare


def cells() -> list[tuple]:
    """Every cell with anything in it (a cell emptied by a change stays, at zero)."""
    rows = db.session.scalars(
        select(ReportCourseCell).order_by(
            ReportCourseCell.course_id,
            ReportCourseCell.month,
            ReportCourseCell.organisation_id,
            ReportCourseCell.language,
            ReportCourseCell.kind,
            ReportCourseCell.item_id,
        )
    )
    return [
        (r.course_id, r.month, r.organisation_id, r.language, r.kind, r.item_id)
        + (r.learners, r.answers, r.correct, r.finished)
        for r in rows
        if r.learners or r.answers or r.correct or r.finished
    ]


def shares() -> dict[tuple, tuple]:
    """Every learner's share, item by item (items at zero count as absent)."""
    rows = db.session.scalars(select(ReportCourseShare))
    return {
        (r.learner_id, r.course_id, r.kind, r.item_id): (
            r.month,
            r.organisation_id,
            r.language,
            r.learners,
            r.answers,
            r.correct,
            r.finished,
        )
        for r in rows
        if r.learners or r.answers or r.correct or r.finished
    }
