"""Where a learner goes next: the first unfinished step, or the certificate."""

from __future__ import annotations

from flask import url_for

from course_app.learning.plan import Step
from course_app.learning.progress import CourseProgress


def step_url(slug: str, step: Step) -> str:
    return url_for(step.endpoint, slug=slug, key=step.key)


def onward_url(progress: CourseProgress, after: Step | None = None) -> str:
    """`after` (the step that follows the one just done) when it is not done yet; otherwise
    the first unfinished step in course order; when every step is done, the certificate."""
    slug = progress.plan.slug
    if after is not None and not progress.is_done(after):
        return step_url(slug, after)
    if progress.next_step is not None:
        return step_url(slug, progress.next_step)
    if progress.is_complete or progress.all_done:
        return url_for("certificates.claim", slug=slug)
    first = progress.plan.first_step
    if first is not None:
        return step_url(slug, first)
    return url_for("learning.course_overview", slug=slug)
