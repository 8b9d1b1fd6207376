"""Builders for test data that goes through the same models and services the app uses."""

from __future__ import annotations

import uuid

from course_app.accounts.models import Role, User
from course_app.accounts.services import create_user
from course_app.content.models import Course, Lesson, Module, Question, Quiz
from course_app.extensions import db


def make_user(
    username: str = "pat", role: str = "learner", password: str = "correct horse battery", **kwargs
) -> User:
    return create_user(username, password, role=Role(role), **kwargs)


def quiz_questions(prefix: str) -> list[dict]:
    """One question of every type, in the stored shape the importer writes."""
    return [
        dict(
            key=f"{prefix}-single",
            type="single",
            prompt_html="<p>Which site is run by the government?</p>",
            explanation_html="<p>MedlinePlus is run by the National Library of Medicine.</p>",
            data={
                "choices": [
                    {
                        "id": "a",
                        "html": "medlineplus.gov",
                        "correct": True,
                        "feedback_html": "<p>Yes.</p>",
                    },
                    {
                        "id": "b",
                        "html": "miracle-cure.biz",
                        "correct": False,
                        "feedback_html": "<p>No: it sells pills.</p>",
                    },
                ]
            },
        ),
        dict(
            key=f"{prefix}-multiple",
            type="multiple",
            prompt_html="<p>Which help you judge a website?</p>",
            explanation_html="<p>Who runs it and when it was updated both matter.</p>",
            data={
                "choices": [
                    {"id": "a", "html": "Who runs it", "correct": True, "feedback_html": ""},
                    {
                        "id": "b",
                        "html": "When it was updated",
                        "correct": True,
                        "feedback_html": "",
                    },
                    {
                        "id": "c",
                        "html": "Its colours",
                        "correct": False,
                        "feedback_html": "<p>Colours tell you little.</p>",
                    },
                ]
            },
        ),
        dict(
            key=f"{prefix}-tf",
            type="true_false",
            prompt_html="<p>A site that sells a cure is always trustworthy.</p>",
            explanation_html="<p>Selling something is a warning sign.</p>",
            data={
                "choices": [
                    {"id": "true", "html": "", "correct": False, "feedback_html": ""},
                    {"id": "false", "html": "", "correct": True, "feedback_html": ""},
                ]
            },
        ),
        dict(
            key=f"{prefix}-short",
            type="short_text",
            prompt_html="<p>What is the free health site of the library of medicine?</p>",
            explanation_html="<p>It is MedlinePlus.</p>",
            data={"accepted": ["MedlinePlus", "Medline Plus"]},
        ),
        dict(
            key=f"{prefix}-order",
            type="ordering",
            prompt_html="<p>Put the steps in order.</p>",
            explanation_html="<p>Find, check, then ask.</p>",
            data={
                "items": [
                    {"id": "a", "html": "Find a site"},
                    {"id": "b", "html": "Check who runs it"},
                    {"id": "c", "html": "Ask your doctor"},
                ]
            },
        ),
    ]


# Right answers for quiz_questions(), as form values keyed by question-type suffix.
RIGHT = {
    "single": "a",
    "multiple": ["a", "b"],
    "tf": "false",
    "short": "  medline-plus ",
    "order": {"a": "1", "b": "2", "c": "3"},
}


def make_course(
    slug: str = "test-course",
    modules: int = 2,
    lessons_per_module: int = 2,
    with_quiz: bool = True,
    pass_mark: int = 80,
    language: str = "en",
    topic: str = "health-literacy",
    title: str | None = None,
) -> Course:
    """A course built straight from models: checks in the first lesson, a full quiz per module.
    The one course builder of the suite (content from files: tests/content.write_course)."""
    course = Course(
        slug=slug,
        language=language,
        title=title or f"Course {slug}",
        topic=topic,
        summary_html="<p>A course for tests.</p>",
        minutes=modules * lessons_per_module * 5,
        reading_grade=6.2,
        content_hash=uuid.uuid4().hex,
    )
    db.session.add(course)
    db.session.flush()
    for m in range(1, modules + 1):
        module = Module(course_id=course.id, key=f"m{m}", position=m, title=f"Module {m}")
        db.session.add(module)
        db.session.flush()
        for n in range(1, lessons_per_module + 1):
            key = f"m{m}-l{n}"
            body = f"<h2>Part {n}</h2><p>Lesson {key} text.</p>"
            if n == 1:
                body += f"<!-- check:{key}-check --><p>After the check.</p>"
            lesson = Lesson(
                course_id=course.id,
                module_id=module.id,
                key=key,
                position=(m * 100) + n,
                title=f"Lesson {key}",
                minutes=5,
                body_html=body,
            )
            db.session.add(lesson)
            db.session.flush()
            if n == 1:
                db.session.add(
                    Question(
                        course_id=course.id,
                        lesson_id=lesson.id,
                        key=f"{key}-check",
                        position=1,
                        type="single",
                        prompt_html="<p>Is MedlinePlus free?</p>",
                        explanation_html="<p>It is free and has no ads.</p>",
                        data={
                            "choices": [
                                {
                                    "id": "a",
                                    "html": "Yes",
                                    "correct": True,
                                    "feedback_html": "<p>Right, it is free.</p>",
                                },
                                {
                                    "id": "b",
                                    "html": "No",
                                    "correct": False,
                                    "feedback_html": "<p>It is free.</p>",
                                },
                            ]
                        },
                    )
                )
        if with_quiz:
            quiz = Quiz(
                course_id=course.id,
                module_id=module.id,
                key=f"m{m}-quiz",
                title=f"Quiz {m}",
                pass_mark=pass_mark,
            )
            db.session.add(quiz)
            db.session.flush()
            for pos, q in enumerate(quiz_questions(f"m{m}"), start=1):
                db.session.add(Question(course_id=course.id, quiz_id=quiz.id, position=pos, **q))
    db.session.flush()
    return course


def quiz_form_data(
    course: Course, module: int = 1, right: int = 5, token: str | None = None
) -> dict:
    """Form data answering the first `right` questions of a module quiz correctly, rest wrongly."""
    import secrets

    from sqlalchemy import select

    quiz = db.session.scalar(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.key == f"m{module}-quiz")
    )
    questions = db.session.scalars(
        select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)
    ).all()
    wrong = {
        "single": "b",
        "multiple": ["a", "c"],
        "tf": "true",
        "short": "google",
        "order": {"a": "3", "b": "2", "c": "1"},
    }
    data: dict = {"submission_token": token or secrets.token_urlsafe(32), "action": "submit"}
    for n, q in enumerate(questions):
        suffix = q.key.split("-", 1)[1]
        value = RIGHT[suffix] if n < right else wrong[suffix]
        if suffix == "order":
            for item_id, pos in value.items():
                data[f"q{q.id}-{item_id}"] = pos
        else:
            data[f"q{q.id}"] = value
    return data


def make_library_tree() -> dict[str, int]:
    """A network with two library systems of two branches each; returns ids by code.

    north (system): north-a, north-b; south (system): south-a, south-b.
    """
    from course_app.libraries.models import OrganisationKind as Kind
    from course_app.libraries.services import create_organisation

    network = create_organisation(None, Kind.NETWORK, "Tri-County Network", code="network")
    ids = {"network": network.id}
    for system_code in ("north", "south"):
        system = create_organisation(
            None, Kind.SYSTEM, f"{system_code.title()} Library", parent=network, code=system_code
        )
        ids[system_code] = system.id
        for branch in ("a", "b"):
            code = f"{system_code}-{branch}"
            org = create_organisation(
                None,
                Kind.BRANCH,
                f"{system_code.title()} {branch.upper()}",
                parent=system,
                code=code,
            )
            ids[code] = org.id
    return ids


def complete_lesson(learner, lesson: Lesson):
    """Marks the lesson done through the one progress service, as the lesson page does."""
    from course_app.learning.services import record_lesson_completed

    return record_lesson_completed(learner, db.session.get(Course, lesson.course_id), lesson.id)
