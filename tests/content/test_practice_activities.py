"""The two practice activities: "find it on the screen" (hotspot) and "try it" form practice.
Checked with file and line, graded like knowledge checks (feedback on every answer), usable in
quizzes, in English and Spanish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from course_app.content.importer import import_courses
from course_app.content.loader import load_course
from course_app.content.models import MediaFile, Question, Quiz
from course_app.content.question_types import InvalidResponse, question_type
from course_app.content.validator import check_course, validate_course
from course_app.extensions import db
from tests.practice_course import LESSON, write_practice_course

ROOT = Path(__file__).resolve().parents[2]
ES = {"Accept-Language": "es"}


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in check_course(load_course(folder))]


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_the_practice_course_is_valid(tmp_path):
    assert problems_of(write_practice_course(tmp_path)) == []


def test_digital_health_skills_has_one_of_each_activity_in_both_languages():
    spec, problems = validate_course(load_course(ROOT / "courses" / "digital-health-skills"))
    assert problems == []
    for language in (spec, spec.translations["es"]):
        kinds = {q.type for m in language.modules if m.quiz for q in m.quiz.questions}
        assert {"hotspot", "form_practice"} <= kinds


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("m1/01-first.md", "area: [5, 70, 150, 30]", "area: [5, 70]", "'area' is the marked box"),
        (
            "m1/01-first.md",
            "area: [5, 70, 150, 30]",
            "area: [5, 70, 250, 30]",
            "goes past the edge",
        ),
        (
            "m1/01-first.md",
            "    feedback: Not this one. That",
            "    correct: true\n    feedback: That",
            "exactly one area",
        ),
        (
            "m1/01-first.md",
            "../pictures/label.svg",
            "../pictures/none.svg",
            "there is no picture file",
        ),
        ("m1/01-first.md", "    kind: password\n", "    kind: secret\n", "'kind' must be one of"),
        ("m1/01-first.md", "    accepted: [rosa.m]\n", "", "missing the field 'accepted'"),
        (
            "es/m1/01-first.md",
            "    accepted: [Kite-42]\n",
            "    accepted: []\n",
            "needs at least one",
        ),
    ],
)
def test_broken_activities_are_refused_with_file_and_line(tmp_path, file, old, new, message):
    folder = write_practice_course(tmp_path)
    edit(folder, file, old, new)
    problems = problems_of(folder)
    assert any(f"{file}:" in p and message in p for p in problems), "\n".join(problems)


def test_form_practice_grades_each_box_and_passwords_exactly():
    kind = question_type("form_practice")
    data = {
        "fields": [
            {"id": "u", "label_html": "Username", "accepted": ["rosa.m"], "exact": False,
             "feedback_correct_html": "", "feedback_incorrect_html": "It is rosa.m."},
            {"id": "p", "label_html": "Password", "accepted": ["Kite-42"], "exact": True,
             "feedback_correct_html": "Exactly.", "feedback_incorrect_html": "Check the K."},
        ]
    }  # fmt: skip
    assert kind.grade(data, {"u": "ROSA.M", "p": "Kite-42"}).correct
    assert not kind.grade(data, {"u": "rosa.m", "p": "kite-42"}).correct
    lines = kind.feedback(data, {"u": "rosa", "p": "Kite-42"}, False)
    assert "Username:</strong> Not quite. It is rosa.m." in lines[0]
    assert "Password:</strong> Right. Exactly." in lines[1]
    for forged in ({"u": "rosa.m"}, {"u": "a", "p": "b", "x": "c"}, ["rosa.m"], {"u": 1, "p": "b"}):
        with pytest.raises(InvalidResponse):
            kind.grade(data, forged)


@pytest.fixture
def practice(app, tmp_path):
    with app.app_context():
        report = import_courses(write_practice_course(tmp_path / "courses"))
        assert report.ok, [str(p) for p in report.problems]
        db.session.commit()
        checks = {q.key: q.id for q in db.session.scalars(select(Question))}
        assert db.session.scalar(select(MediaFile.name).where(MediaFile.name.like("%.svg")))
    return checks


def test_a_hotspot_check_shows_its_picture_areas_and_a_list_and_gives_feedback(client, practice):
    page = client.get(LESSON).get_data(as_text=True)
    assert '<svg class="hotspot-picture" viewBox="0 0 200 120"' in page
    assert 'aria-label="A medicine label with a name at the top' in page
    assert page.count('class="hotspot-area') == 2
    assert '<span class="area-number">2.</span> The date at the bottom' in page
    qid = practice["check-find-the-date"]
    sent = client.post(
        f"{LESSON}/checks/check-find-the-date",
        data={f"check-find-the-date-q{qid}": "a"},
        follow_redirects=True,
    )
    text = sent.get_data(as_text=True)
    assert "Not quite." in text and "That is the name of the medicine." in text
    assert 'class="hotspot-area selected" data-choice="check-find-the-date-q' in text


def test_a_form_practice_check_gives_feedback_for_every_box(client, practice):
    qid = practice["check-try-sign-in"]
    sent = client.post(
        f"{LESSON}/checks/check-try-sign-in",
        data={
            f"check-try-sign-in-q{qid}-username": "Rosa.M",
            f"check-try-sign-in-q{qid}-password": "kite-42",
        },
        follow_redirects=True,
    )
    text = sent.get_data(as_text=True)
    assert "Not quite." in text
    assert re.search(r"Username:</strong> Right\.", text)
    assert re.search(r"Password:</strong> Not quite\. Type the password exactly", text)
    # An empty box is named, and nothing is graded.
    empty = client.post(
        f"{LESSON}/checks/check-try-sign-in", data={f"check-try-sign-in-q{qid}-username": "x"}
    )
    assert empty.status_code == 400 and "Please fill in this box." in empty.get_data(as_text=True)


def test_spanish_readers_get_the_spanish_picture_and_words(client, practice):
    client.post("/account/language", data={"language": "es", "next": LESSON})
    page = client.get(LESSON).get_data(as_text=True)
    assert "Una etiqueta de medicina con un nombre arriba" in page
    assert "La fecha de abajo" in page and "Nombre de usuario" in page
    svg = re.search(r'<image href="(/media/[^"]+)"', page).group(1)
    assert b"VENCE" in client.get(svg).data


def right_answers(questions) -> dict:
    """Form data answering every question of a quiz rightly, by type."""
    data = {}
    for q in questions:
        if q.type in ("single", "true_false", "scenario", "hotspot"):
            data[f"q{q.id}"] = next(c["id"] for c in q.data["choices"] if c.get("correct"))
        elif q.type == "multiple":
            data[f"q{q.id}"] = [c["id"] for c in q.data["choices"] if c.get("correct")]
        elif q.type == "short_text":
            data[f"q{q.id}"] = q.data["accepted"][0]
        elif q.type == "ordering":
            for n, item in enumerate(q.data["items"], start=1):
                data[f"q{q.id}-{item['id']}"] = str(n)
        elif q.type == "form_practice":
            for box in q.data["fields"]:
                data[f"q{q.id}-{box['id']}"] = box["accepted"][0]
    return data


def test_activities_work_in_a_quiz(app, client):
    with app.app_context():
        report = import_courses(ROOT / "courses" / "digital-health-skills")
        assert report.ok
        db.session.commit()
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == "your-health-online-quiz"))
        questions = db.session.scalars(
            select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)
        ).all()
        data = right_answers(questions)
        form = next(q for q in questions if q.type == "form_practice")
        data[f"q{form.id}-password"] = "blue-kite-rain-42"  # one box wrong: capitals count
    url = "/courses/digital-health-skills/quizzes/your-health-online-quiz"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="submission_token"[^>]*value="([^"]+)"', page).group(1)
    data.update({"submission_token": token, "action": "submit"})
    result = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert f"You got {len(questions) - 1} of {len(questions)} right" in result
    assert "This link helps you make a new password" in result
    assert "Password:</strong> Not quite. Passwords must match exactly." in result
    assert "Username:</strong> Right. That is the username on the card." in result
