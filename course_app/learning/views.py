"""Catalogue, course overview, lessons with knowledge checks, and My learning."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from course_app.accounts.identity import current_learner
from course_app.accounts.views import safe_next
from course_app.caching import cache
from course_app.content.localize import course_text, lesson_text
from course_app.content.models import Course, Lesson
from course_app.content.question_types import InvalidResponse
from course_app.content.question_types.forms import make_question_form
from course_app.content.question_views import lesson_checks
from course_app.extensions import db
from course_app.learning.forms import CatalogueFilterForm, CompleteLessonForm, HideGuestNoteForm
from course_app.learning.handouts import module_handout_pdf
from course_app.learning.hooks import my_learning_shown
from course_app.learning.lesson_cache import (
    CSRF_PLACEHOLDER,
    LESSON_PAGES,
    SHARED_LESSON_PAGES,
    LessonPage,
    NavStep,
)
from course_app.learning.navigation import onward_url
from course_app.learning.outline import (
    active_course_or_404,
    active_course_version_or_404,
    split_body,
)
from course_app.learning.plan import LESSON, CoursePlan, Step, course_plan
from course_app.learning.services import (
    course_for_progress,
    course_progress,
    my_courses,
    record_lesson_completed,
    record_lesson_viewed,
)
from course_app.learning.topics import LANGUAGE_NAMES, reading_ease_name, topic_name
from course_app.signing import csrf_token
from course_app.site_header import viewer_key

bp = Blueprint("learning", __name__)


@bp.app_context_processor
def naming_helpers():
    return {
        "topic_name": topic_name,
        "language_name": LANGUAGE_NAMES.get,
        "reading_ease_name": reading_ease_name,
        "quiz_title": quiz_title,
        "guest_note_due": guest_note_due,
    }


# Set when a guest hides the note about keeping their progress.
GUEST_NOTE_HIDDEN = "guest_note_hidden"


def guest_note_due(progress) -> bool:
    """Whether a guest sees the note about keeping their progress: after their first finished
    lesson, until they hide it (guests lose progress when the browser closes)."""
    return (
        not current_user.is_authenticated
        and progress is not None
        and bool(progress.lessons_done)
        and not session.get(GUEST_NOTE_HIDDEN)
    )


@bp.post("/guest-note/hide")
def hide_guest_note():
    form = HideGuestNoteForm()
    if not form.validate_on_submit():
        abort(400)
    session[GUEST_NOTE_HIDDEN] = True
    return redirect(safe_next(form.next.data) or url_for("learning.my_learning"))


def quiz_title(title: str) -> str:
    """A quiz's title as the outline lists it, "Quiz: ..." once: many quiz files already
    start their title with the word."""
    label = _("Quiz:")
    if title.casefold().startswith((label.casefold(), "quiz:", "prueba:")):
        return title
    return f"{label} {title}"


@bp.get("/")
def catalogue():
    rows = db.session.scalars(select(Course).where(Course.is_active.is_(True))).all()
    courses = sorted((course_text(c, _language()) for c in rows), key=lambda c: c.title.casefold())
    form = CatalogueFilterForm(request.args)
    topics = sorted({c.topic for c in courses})
    languages = sorted({code for c in courses for code in c.language_list})
    form.topic.choices = [("", _("All topics"))] + [(t, topic_name(t)) for t in topics]
    form.language.choices = [("", _("All languages"))] + [
        (code, LANGUAGE_NAMES.get(code, code)) for code in languages
    ]
    topic = form.topic.data if form.topic.data in topics else ""
    language = form.language.data if form.language.data in languages else ""
    unknown_filter = bool(form.topic.data and not topic) or bool(
        form.language.data and not language
    )
    form.topic.data, form.language.data = topic, language
    shown = [
        c
        for c in courses
        if (not topic or c.topic == topic) and (not language or language in c.language_list)
    ]
    return render_template(
        "learning/catalogue.html", courses=shown, form=form, unknown_filter=unknown_filter
    )


def _language() -> str:
    return str(get_locale())


@bp.get("/courses/<slug>")
def course_overview(slug: str):
    course = active_course_or_404(slug)
    progress = course_progress(current_learner(), course, _language())
    return render_template(
        "learning/course.html", course=course_text(course, _language()), progress=progress
    )


@bp.get("/courses/<slug>/glossary")
def glossary(slug: str):
    course = active_course_or_404(slug)
    return render_template("learning/glossary.html", course=course_text(course, _language()))


@bp.get("/courses/<slug>/continue")
def continue_course(slug: str):
    """The first unfinished step (a lesson not done or a quiz not passed), whichever computer
    the learner is on; the certificate when everything is done."""
    course = active_course_or_404(slug)
    return redirect(onward_url(course_progress(current_learner(), course, _language())))


def _find_lesson(plan: CoursePlan, key: str) -> Step:
    step = plan.find(LESSON, key)
    if step is None:
        abort(404)
    return step


def _nav_step(step: Step | None) -> NavStep | None:
    return NavStep(step.kind, step.key, step.title) if step else None


def _build_lesson_page(course, plan, step, check_forms, check_results, csrf_value):
    """Renders the content part of a lesson page (breadcrumbs, text, knowledge checks), in the
    language the plan was made in."""
    course = course_text(course, plan.language)
    lesson = lesson_text(db.session.get(Lesson, step.id), plan.language)
    before, after = plan.neighbours(step)
    html = render_template(
        "learning/_lesson_article.html",
        course=course,
        lesson=lesson,
        parts=split_body(lesson.body_html),
        check_forms=check_forms,
        check_results=check_results,
        csrf_value=csrf_value,
        position=plan.lessons.index(step) + 1,
        total=len(plan.lessons),
        module_key=next(m.key for m in plan.modules if m.id == step.module_id),
    )
    return LessonPage(
        course.id,
        course.slug,
        course.title,
        course.language,
        step.id,
        step.key,
        step.title,
        html,
        _nav_step(before),
        _nav_step(after),
    )


def _render_lesson(page: LessonPage, article_html: str, course, status: int = 200):
    """The whole lesson page: cached or fresh content, plus this learner's own progress.
    `course` is the course row or its version (enough for its plan)."""
    learner = current_learner()
    progress = None
    if learner is not None:
        progress = record_lesson_viewed(learner, course, page.lesson_id, _language())
    html = render_template(
        "learning/lesson.html", page=page, article_html=article_html, progress=progress
    )
    if learner is not None:
        db.session.commit()
    return html, status


def _cache_lesson_page(slug: str, key: str, content_key: tuple) -> LessonPage:
    course = active_course_or_404(slug)
    plan = course_plan(course, _language())
    step = _find_lesson(plan, key)
    forms = {
        q.key: make_question_form([q], formdata=None, prefix=q.key)
        for q in lesson_checks(course, step.id, plan.language)
    }
    page = _build_lesson_page(course, plan, step, forms, {}, CSRF_PLACEHOLDER)
    # Keyed by the version it was made from, should an import have come in between.
    cache(LESSON_PAGES).put((course.id, course.content_hash, *content_key[2:]), page)
    return page


def _is_shared_view() -> bool:
    """Whether this visitor sees the page everyone like them sees: no progress of their own,
    no messages waiting, no query string for the language switch to carry back."""
    return current_learner() is None and "_flashes" not in session and not request.query_string


@bp.get("/courses/<slug>/lessons/<key>")
def lesson(slug: str, key: str):
    if CHECK_ANSWER in session:
        answered = _shown_answer(slug, key)
        if answered is not None:
            return answered
    # The course row itself is read only when the page is not cached yet, or for a learner.
    version = active_course_version_or_404(slug)
    content_key = (version.id, version.content_hash, key, _language(), request.script_root)
    page = cache(LESSON_PAGES).get(content_key) or _cache_lesson_page(slug, key, content_key)
    token = csrf_token()
    if not _is_shared_view():
        return _render_lesson(page, page.html_with_token(token), version)
    shared_key = (*content_key, *viewer_key())
    shared = cache(SHARED_LESSON_PAGES).get(shared_key)
    if shared is None:
        html, status = _render_lesson(page, page.html_with_token(token), version)
        # The token is the only thing in the page that is this visitor's own.
        cache(SHARED_LESSON_PAGES).put(shared_key, html.replace(token, CSRF_PLACEHOLDER))
        return html, status
    return shared.replace(CSRF_PLACEHOLDER, token)


# A knowledge-check answer, kept between its POST and the GET it redirects to, so that
# reloading the page with the feedback does not send the answer again.
CHECK_ANSWER = "check_answer"


def _answered_page(slug: str, key: str, check_key: str, formdata, *, replay: bool = False):
    """The lesson page with one knowledge check answered: (page, course, status); status 400
    when the answer is missing or not one of the choices. A replay shows an answer whose POST
    was checked already (CSRF included) on the GET it redirected to."""
    course = active_course_or_404(slug)
    plan = course_plan(course, _language())
    step = _find_lesson(plan, key)
    checks = lesson_checks(course, step.id, plan.language)
    question = next((q for q in checks if q.key == check_key), None)
    if question is None:
        abort(404)
    forms = {
        q.key: make_question_form(
            [q], formdata=None if q is not question else formdata, prefix=q.key
        )
        for q in checks
    }
    if replay:
        forms[question.key] = make_question_form(
            [question], formdata=formdata, prefix=question.key, meta={"csrf": False}
        )
    form = forms[question.key]
    results = {}
    status = 400
    if form.validate():
        response = form.response_for(question)
        kind = question.question_type
        try:
            verdict = kind.grade(question.data, response)
        except InvalidResponse:
            pass
        else:
            status = 200
            results[question.key] = {
                "correct": verdict.correct,
                "feedback": kind.feedback(question.data, response, verdict.correct),
            }
    page = _build_lesson_page(course, plan, step, forms, results, csrf_token())
    return page, course, status


@bp.post("/courses/<slug>/lessons/<key>/checks/<check_key>")
def answer_check(slug: str, key: str, check_key: str):
    page, course, status = _answered_page(slug, key, check_key, request.form)
    if status != 200:
        return _render_lesson(page, page.article_html, course, status)
    answer = {k: v for k, v in request.form.lists() if k != "csrf_token"}
    session[CHECK_ANSWER] = {"slug": slug, "key": key, "check": check_key, "form": answer}
    # No #fragment: browsers skip autofocus on a page opened at one, and the feedback's
    # autofocus brings it into view anyway.
    return redirect(url_for("learning.lesson", slug=slug, key=key), 303)


def _shown_answer(slug: str, key: str):
    """The lesson page with the answer just sent, once; None when there is none for it."""
    answer = session.pop(CHECK_ANSWER, None)
    if not answer or (answer.get("slug"), answer.get("key")) != (slug, key):
        return None
    page, course, _status = _answered_page(
        slug, key, answer["check"], MultiDict(answer.get("form") or {}), replay=True
    )
    return _render_lesson(page, page.article_html, course)


@bp.post("/courses/<slug>/lessons/<key>/complete")
def complete_lesson(slug: str, key: str):
    if not CompleteLessonForm().validate_on_submit():
        abort(400)
    learner = current_learner(create=True)
    course = course_for_progress(slug, learner)
    plan = course_plan(course, _language())
    step = _find_lesson(plan, key)
    progress = record_lesson_completed(learner, course, step.id, _language())
    db.session.commit()
    _, after = plan.neighbours(step)
    return redirect(onward_url(progress, after))


HANDOUTS = "handouts"  # cache of handout PDFs by course version, module and language


@bp.get("/courses/<slug>/modules/<module_key>/handout.pdf")
def handout(slug: str, module_key: str):
    """A module's printable handout in the language the course is read in (opens in the
    browser's PDF viewer; ?download=1 saves it)."""
    course = active_course_or_404(slug)
    plan = course_plan(course, _language())
    module = next((m for m in plan.modules if m.key == module_key), None)
    if module is None:
        abort(404)
    key = (course.id, course.content_hash, module_key, plan.language)
    body = cache(HANDOUTS).get_or_make(key, lambda: module_handout_pdf(course, plan, module))
    disposition = "attachment" if request.args.get("download") == "1" else "inline"
    filename = f"handout-{course.slug}-{module_key}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


@bp.get("/my-learning")
def my_learning():
    learner = current_learner()
    courses = my_courses(learner, _language())
    page = {"certificates": {}, "assigned": []}
    for _receiver, added in my_learning_shown.send(None, learner=learner, courses=courses):
        page.update(added or {})
    return render_template(
        "learning/my_learning.html",
        in_progress=[p for p in courses if not p.is_complete],
        completed=[p for p in courses if p.is_complete],
        **page,
    )
