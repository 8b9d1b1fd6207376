"""Printable handouts: a one- or two-page PDF per module in the lesson's language (key points,
glossary words, pictures, a sheet to fill in where a lesson has one), linked from each lesson
and module page. The PDF's text is read back with pypdf."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from course_app.content.handout import read_lesson, sheet_kind
from course_app.content.importer import import_courses
from course_app.extensions import db
from tests.conftest import SAMPLE_SLUG

ROOT = Path(__file__).resolve().parents[2]
HANDOUT = "/courses/health-literacy/modules/visits-and-numbers/handout.pdf"


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


@pytest.fixture
def health_literacy(app):
    with app.app_context():
        report = import_courses(ROOT / "courses" / "health-literacy")
        assert report.ok, [str(p) for p in report.problems]
        db.session.commit()


def test_a_module_handout_has_key_points_words_and_sheets_on_at_most_two_pages(
    client, health_literacy
):
    response = client.get(HANDOUT)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    text, pages = pdf_text(response.data)
    assert pages <= 2
    assert "Doctor visits and health numbers" in text
    assert "Bring a medicine list, or bring all your bottles." in text  # a key point
    assert "Words to know" in text and "absolute risk:" in text  # the glossary
    assert "Your own questions:" in text  # the questions-to-ask sheet
    assert "Medicine How much When What it is for" in text  # the medicine list sheet
    saved = client.get(HANDOUT + "?download=1")
    assert saved.headers["Content-Disposition"].startswith("attachment;")


def test_the_spanish_handout_is_in_spanish(client, health_literacy):
    client.post("/account/language", data={"language": "es", "next": "/"})
    text, pages = pdf_text(client.get(HANDOUT).data)
    assert pages <= 2
    assert "Palabras que debe conocer" in text and "Sus propias preguntas:" in text
    assert "Medicina Cuánto Cuándo Para qué es" in text
    assert "Words to know" not in text


def test_every_module_of_the_sample_course_fits_two_pages(client, sample_course):
    page = client.get(f"/courses/{SAMPLE_SLUG}").get_data(as_text=True)
    links = sorted(set(re.findall(r'href="(/courses/[^"]+/handout\.pdf)"', page)))
    assert len(links) == 2
    for link in links:
        text, pages = pdf_text(client.get(link).data)
        assert 1 <= pages <= 2 and "Words to know" in text


def test_a_handout_shows_the_lessons_pictures(app, client, tmp_path):
    from tests.content.test_pictures import _picture_course

    with app.app_context():
        assert import_courses(_picture_course(tmp_path)).ok
        db.session.commit()
    data = client.get("/courses/tiny-course/modules/module-one/handout.pdf").data
    images = [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
    assert images  # the raster picture is in the PDF


def test_each_lesson_and_module_page_links_its_handout(client, health_literacy):
    lesson = client.get("/courses/health-literacy/lessons/numbers-and-risk").get_data(as_text=True)
    assert f'href="{HANDOUT}"' in lesson
    course = client.get("/courses/health-literacy").get_data(as_text=True)
    assert course.count("/handout.pdf") == 3


def test_an_unknown_module_has_no_handout(client, health_literacy):
    assert client.get("/courses/health-literacy/modules/nope/handout.pdf").status_code == 404
    assert client.get("/courses/nope/modules/x/handout.pdf").status_code == 404


def test_sections_are_found_by_their_headings_in_both_languages():
    body = (
        "<h2>Three questions to ask</h2><ul><li>What is my main problem?</li></ul>"
        '<p><img src="/media/abc.svg" alt="A label"></p>'
        "<h2>Key points</h2><ul><li>Ask <strong>three</strong> questions.</li></ul>"
    )
    lesson = read_lesson("Visits", "In this lesson you will ask.", body)
    assert lesson.key_points == ["Ask three questions."]
    assert lesson.sheets[0].kind == "questions"
    assert lesson.sheets[0].items == ["What is my main problem?"]
    assert lesson.picture == ("abc.svg", "A label")
    assert sheet_kind("Su lista de medicamentos") == "medicines"
    assert sheet_kind("Preguntas para su médico") == "questions"
    assert sheet_kind("What is risk?") is None
