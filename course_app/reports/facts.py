"""The breakdowns, and the filters, scope and breakdown applied to a subquery of source rows
(the course report's learners).

A fact subquery has `learner_id`, `course_id`, `at` (the moment that puts the fact in the date
range) and, where the fact knows it, `language`. The date range is applied inside the
subquery, where the indexes on the timestamps can serve it. The overview reads the report rows
instead: see `course_app.reports.monthly`.
"""

from __future__ import annotations

import enum


class Breakdown(enum.StrEnum):
    COURSE = "course"
    TOPIC = "topic"
    LANGUAGE = "language"
    SYSTEM = "system"
    BRANCH = "branch"
    MONTH = "month"


LIBRARY_BREAKDOWNS = (Breakdown.SYSTEM, Breakdown.BRANCH)
