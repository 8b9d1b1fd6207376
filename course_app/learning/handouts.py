"""Handouts read from the imported lessons of one module, in one language."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from course_app.content.handout import Handout, plain_text, read_lesson
from course_app.content.localize import course_text, lesson_text
from course_app.content.models import Course, Lesson, MediaFile
from course_app.extensions import db
from course_app.learning.handout_pdf import render_handout_pdf
from course_app.learning.plan import CoursePlan, ModulePlan


def module_handout(course: Course, plan: CoursePlan, module: ModulePlan) -> Handout:
    """The handout of one module as its lessons read in the plan's language."""
    ids = [step.id for step in module.lessons]
    rows = {row.id: row for row in db.session.scalars(select(Lesson).where(Lesson.id.in_(ids)))}
    lessons, glossary, seen = [], [], set()
    for step in module.lessons:
        text = lesson_text(rows[step.id], plan.language)
        lessons.append(read_lesson(text.title, text.main_message, text.body_html))
        for entry in text.glossary:
            if entry["term"].casefold() not in seen:
                seen.add(entry["term"].casefold())
                glossary.append((entry["term"], plain_text(entry["definition_html"])))
    return Handout(
        site_name=current_app.config["SITE_NAME"],
        course_title=course_text(course, plan.language).title,
        module_title=module.title,
        language=plan.language,
        lessons=lessons,
        glossary=sorted(glossary, key=lambda entry: entry[0].casefold()),
    )


def _media(name: str) -> bytes | None:
    return db.session.scalar(select(MediaFile.data).where(MediaFile.name == name))


def module_handout_pdf(course: Course, plan: CoursePlan, module: ModulePlan) -> bytes:
    paper = current_app.config.get("CERTIFICATE_PAPER", "A4")
    return render_handout_pdf(module_handout(course, plan, module), _media, paper)
