"""Course folders into the database: validate everything first, then write.

Rows are matched by (course, key) and updated in place, so ids (and learners' progress)
survive edits; rows whose key left the files are deactivated, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from course_app.content.linter import lesson_score
from course_app.content.loader import Problem, find_course_folders, load_course
from course_app.content.models import Course, Lesson, MediaFile, Module, Question, Quiz
from course_app.content.pictures import Variant, picture_html
from course_app.content.question_types import QuestionSpec, question_type
from course_app.content.readability import median, tools_installed
from course_app.content.renderer import render_inline, render_lesson, render_markdown
from course_app.content.validator import (
    CourseSpec,
    GlossaryTerm,
    LessonSpec,
    ModuleSpec,
    QuizSpec,
    all_questions,
    duplicate_slugs,
    validate_course,
)
from course_app.db import utc_now
from course_app.events import course_content_changed
from course_app.extensions import db


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_courses(path: Path) -> tuple[list[CourseSpec], list[Problem]]:
    """Every course under PATH, validated; no specs at all when any file has a problem."""
    folders, problems = find_course_folders(path)
    specs = []
    for folder in folders:
        spec, found = validate_course(load_course(folder))
        problems += found
        if spec is not None:
            specs.append(spec)
    problems += duplicate_slugs(specs)
    return ([] if problems else specs), problems


def course_minutes(spec: CourseSpec) -> int:
    """The minutes course.yml gives, else the sum of its lessons' minutes."""
    if spec.minutes is not None:
        return spec.minutes
    return sum(lesson.minutes for module in spec.modules for lesson in module.lessons)


def reading_levels(spec: CourseSpec) -> dict[str, float | None]:
    """The course's reading level as the linter measures it: the median of its lessons;
    unknown (None) where the authoring tools are not installed."""
    if not tools_installed():
        return {"reading_grade": None, "reading_ease": None}
    score = median([lesson_score(lesson, spec.language) for lesson in spec.lessons])
    if spec.language == "es":
        return {"reading_grade": None, "reading_ease": score}
    return {"reading_grade": score, "reading_ease": None}


def glossary_entries(terms: list[GlossaryTerm]) -> list[dict[str, str]]:
    """Alphabetical, as learners look words up."""
    entries = [{"term": t.term, "definition_html": render_inline(t.definition)} for t in terms]
    return sorted(entries, key=lambda e: e["term"].casefold())


def lesson_picture_html(lesson: LessonSpec):
    """What render_lesson calls for each picture of this lesson: its prepared file's HTML."""
    prepared = {used.src: used.picture for used in lesson.pictures if used.picture}

    def html(src: str, alt: str, caption: str, block: bool, number: int) -> str:
        return picture_html(prepared[src], alt, caption, lazy=number > 0, block=block)

    return html


def lesson_media(lesson: LessonSpec) -> dict[str, Any]:
    """What the lesson page needs to play a lesson's recording and video."""
    media: dict[str, Any] = {}
    audio, video, captions = (lesson.media.get(k) for k in ("audio", "video", "captions"))
    if audio is not None:
        media["audio"] = {"url": audio.url, "type": audio.content_type}
    if video is not None and captions is not None:
        media["video"] = {
            "url": video.url,
            "type": video.content_type,
            "captions_url": captions.file.url,
            "transcript": list(captions.transcript),
        }
    return media


def _lesson_files(lesson: LessonSpec) -> list[Variant]:
    files = [v for used in lesson.pictures if used.picture for v in used.picture.variants]
    for kind, found in lesson.media.items():
        files.append(found.file if kind == "captions" else found)
    return files


def lesson_texts(lesson: LessonSpec, course: CourseSpec) -> dict[str, Any]:
    """A lesson's words, and the definitions of the glossary terms it lists, in its order."""
    known = {t.term.casefold(): t for t in course.glossary}
    terms = [known[t.casefold()] for t in lesson.glossary if t.casefold() in known]
    checks = [c.key for c in lesson.checks]
    return {
        "title": lesson.title,
        "main_message": lesson.main_message,
        "media": lesson_media(lesson),
        "body_html": render_lesson(lesson.body, checks, lesson_picture_html(lesson)),
        "glossary": [
            {"term": t.term, "definition_html": render_inline(t.definition)} for t in terms
        ],
    }


def question_texts(question: QuestionSpec) -> dict[str, Any]:
    return {
        "prompt_html": render_markdown(question.prompt),
        "explanation_html": render_markdown(question.explanation),
        "data": question_type(question.type).stored_data(question),
    }


@dataclass
class _Translations:
    """Each translated row's text, by language, found by the keys shared with the main files."""

    courses: dict[str, CourseSpec]
    modules: dict[str, dict[str, ModuleSpec]] = field(default_factory=dict)
    lessons: dict[str, dict[str, LessonSpec]] = field(default_factory=dict)
    quizzes: dict[str, dict[str, QuizSpec]] = field(default_factory=dict)
    questions: dict[str, dict[str, QuestionSpec]] = field(default_factory=dict)

    @classmethod
    def of(cls, spec: CourseSpec) -> _Translations:
        found = cls(dict(spec.translations))
        for code, other in spec.translations.items():
            found.modules[code] = {m.key: m for m in other.modules}
            found.lessons[code] = {le.key: le for le in other.lessons}
            quizzes = [m.quiz for m in other.modules if m.quiz is not None]
            found.quizzes[code] = {q.key: q for q in quizzes}
            questions = [c for le in other.lessons for c in le.checks]
            questions += [q for quiz in quizzes for q in quiz.questions]
            found.questions[code] = {q.key: q for q in questions}
        return found

    def texts(self, table: str, key: str, make) -> dict[str, dict[str, Any]]:
        result = {}
        for code, by_key in getattr(self, table).items():
            if key in by_key:
                result[code] = make(by_key[key], self.courses[code])
        return result


@dataclass
class _Rows:
    """A course's existing rows by key."""

    modules: dict[str, Module] = field(default_factory=dict)
    lessons: dict[str, Lesson] = field(default_factory=dict)
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)  # id() of rows present in the files

    @classmethod
    def of(cls, course: Course | None) -> _Rows:
        if course is None:
            return cls()

        def by_key(model):
            rows = db.session.scalars(select(model).where(model.course_id == course.id))
            return {row.key: row for row in rows}

        return cls(by_key(Module), by_key(Lesson), by_key(Quiz), by_key(Question))

    def quiz_holders(self) -> dict[int, Quiz]:
        return {quiz.module_id: quiz for quiz in self.quizzes.values()}


def _quiz_slot_problems(spec: CourseSpec, rows: _Rows) -> list[Problem]:
    """A module has one quiz row for good (quiz attempts point at it); moves must fit that."""
    in_files = {m.quiz.key for m in spec.modules if m.quiz}
    holders = rows.quiz_holders()
    problems = []
    for module_spec in spec.modules:
        quiz, module = module_spec.quiz, rows.modules.get(module_spec.key)
        if quiz is None or module is None:
            continue
        holder, row = holders.get(module.id), rows.quizzes.get(quiz.key)
        if holder is None or holder is row or (row is None and holder.key not in in_files):
            continue
        message = (
            f"the module '{module_spec.key}' already has the quiz '{holder.key}' and keeps it "
            f"for learners' results: use the key '{holder.key}' for this quiz, or put it in a "
            "new module"
        )
        problems.append(Problem(quiz.file, quiz.line, message))
    return problems


def _assign(row: Any, **values: Any) -> None:
    """Set only what differs, so an unchanged row issues no UPDATE."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _row(rows: _Rows, table: dict, model: type, course: Course, key: str) -> Any:
    row = table.get(key)
    if row is None:
        row = model(course_id=course.id, key=key)
        db.session.add(row)
    rows.seen.add(id(row))
    return row


def _write_question(
    rows: _Rows, tr: _Translations, course: Course, spec: QuestionSpec, position: int, **owner
):
    question = _row(rows, rows.questions, Question, course, spec.key)
    _assign(
        question,
        **owner,
        position=position,
        type=spec.type,
        **question_texts(spec),
        translations=tr.texts("questions", spec.key, lambda q, _c: question_texts(q)),
        is_active=True,
    )


def _write_quiz(
    rows: _Rows, tr: _Translations, course: Course, module: Module, spec: ModuleSpec
) -> None:
    quiz_spec = spec.quiz
    assert quiz_spec is not None
    quiz = rows.quizzes.get(quiz_spec.key)
    holder = rows.quiz_holders().get(module.id) if module.id else None
    if quiz is None and holder is not None:
        quiz = holder  # the module's old quiz under a new key (see _quiz_slot_problems)
        rows.quizzes[quiz_spec.key] = rows.quizzes.pop(holder.key)
    quiz = _row(rows, rows.quizzes, Quiz, course, quiz_spec.key)
    _assign(
        quiz,
        key=quiz_spec.key,
        module_id=module.id,
        title=quiz_spec.title,
        intro_html=render_markdown(quiz_spec.intro),
        pass_mark=quiz_spec.pass_mark,
        translations=tr.texts(
            "quizzes",
            quiz_spec.key,
            lambda q, _c: {"title": q.title, "intro_html": render_markdown(q.intro)},
        ),
        is_active=True,
    )
    db.session.flush()
    for position, question in enumerate(quiz_spec.questions, start=1):
        _write_question(rows, tr, course, question, position, quiz_id=quiz.id, lesson_id=None)


def course_credits(spec: CourseSpec) -> dict[str, list[dict[str, str]]]:
    return {
        "authors": [credit.as_dict() for credit in spec.authors],
        "reviewers": [credit.as_dict() for credit in spec.reviewers],
    }


def course_texts(spec: CourseSpec) -> dict[str, Any]:
    return {
        "language": spec.language,
        "title": spec.title,
        "summary_html": render_markdown(spec.summary),
        "glossary": glossary_entries(spec.glossary),
        **reading_levels(spec),
    }


def translated_course_texts(spec: CourseSpec) -> dict[str, Any]:
    """A translation's texts, with its credits when it gives them in its own words."""
    texts = course_texts(spec)
    if spec.credits_given:
        texts["credits"] = course_credits(spec)
    return texts


def _write_media(spec: CourseSpec) -> None:
    """Every picture file the course's lessons show, in every language, stored once."""
    variants = {
        variant.name: variant
        for course in (spec, *spec.translations.values())
        for lesson in course.lessons
        for variant in _lesson_files(lesson)
    }
    for course in (spec, *spec.translations.values()):
        for question in all_questions(course):
            picture = question.values.get("picture")
            for variant in picture.variants if picture is not None else ():
                variants[variant.name] = variant
    if not variants:
        return
    stored = set(db.session.scalars(select(MediaFile.name).where(MediaFile.name.in_(variants))))
    for name, variant in variants.items():
        if name not in stored:
            db.session.add(
                MediaFile(
                    name=name,
                    content_type=variant.content_type,
                    width=variant.width,
                    height=variant.height,
                    data=variant.data,
                )
            )


def _write_course(spec: CourseSpec, course: Course | None, rows: _Rows) -> Course:
    _write_media(spec)
    if course is None:
        course = Course(slug=spec.slug)
        db.session.add(course)
    tr = _Translations.of(spec)
    _assign(
        course,
        languages=" ".join(spec.languages),
        topic=spec.topic,
        **course_texts(spec),
        translations={
            code: translated_course_texts(other) for code, other in spec.translations.items()
        },
        minutes=course_minutes(spec),
        reviewed_on=spec.reviewed,
        review_due=spec.review_due,
        credits=course_credits(spec),
        content_hash=spec.content_hash,
        is_active=True,
        imported_at=utc_now(),
    )
    db.session.flush()
    modules = []
    for position, module_spec in enumerate(spec.modules, start=1):
        module = _row(rows, rows.modules, Module, course, module_spec.key)
        _assign(
            module,
            position=position,
            title=module_spec.title,
            translations=tr.texts("modules", module_spec.key, lambda m, _c: {"title": m.title}),
            is_active=True,
        )
        modules.append(module)
    db.session.flush()
    for module, module_spec in zip(modules, spec.modules, strict=True):
        for position, lesson_spec in enumerate(module_spec.lessons, start=1):
            lesson = _row(rows, rows.lessons, Lesson, course, lesson_spec.key)
            _assign(
                lesson,
                module_id=module.id,
                position=position,
                minutes=lesson_spec.minutes,
                required=lesson_spec.required,
                **lesson_texts(lesson_spec, spec),
                translations=tr.texts("lessons", lesson_spec.key, lesson_texts),
                is_active=True,
            )
            db.session.flush()
            for number, check in enumerate(lesson_spec.checks, start=1):
                _write_question(rows, tr, course, check, number, lesson_id=lesson.id, quiz_id=None)
        if module_spec.quiz is not None:
            _write_quiz(rows, tr, course, module, module_spec)
    for table in (rows.modules, rows.lessons, rows.quizzes, rows.questions):
        for row in table.values():
            if id(row) not in rows.seen:
                _assign(row, is_active=False)
    db.session.flush()
    return course


def import_courses(path: Path) -> ImportReport:
    """Every course under PATH in the session (flushed, not committed), or no change at all."""
    specs, problems = read_courses(path)
    report = ImportReport(problems=problems)
    if problems:
        return report
    slugs = [spec.slug for spec in specs]
    existing = {c.slug: c for c in db.session.scalars(select(Course).where(Course.slug.in_(slugs)))}
    changed = []
    for spec in specs:
        course = existing.get(spec.slug)
        if course is not None and course.content_hash == spec.content_hash:
            report.unchanged.append(spec.slug)
            continue
        rows = _Rows.of(course)
        report.problems += _quiz_slot_problems(spec, rows)
        changed.append((spec, course, rows))
    if report.problems:
        return report
    # Nothing has been written yet: every course is valid, so the writes below all belong
    # to the caller's transaction, which commits or rolls back once. (No SAVEPOINT: with
    # pysqlite, releasing the outermost savepoint commits.)
    for spec, course, rows in changed:
        written = _write_course(spec, course, rows)
        if course is not None:
            # What finishing the course takes may have changed (learning listens).
            course_content_changed.send(None, course_id=written.id)
        (report.created if course is None else report.updated).append(spec.slug)
    return report
