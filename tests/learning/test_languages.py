"""A course in two languages: the reader's language picks the words, never the progress."""

from __future__ import annotations

import io
import re
import secrets

from pypdf import PdfReader
from sqlalchemy import select

from course_app.certificates.models import Certificate
from course_app.content.models import Course, Lesson, Question
from course_app.extensions import db
from tests.conftest import sign_in

SLUG = "tiny-bilingual"
ES = {"Accept-Language": "es"}
EN = {"Accept-Language": "en"}


def h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no <h1> on the page"
    return match.group(1).strip()


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', html).group(1)


def choose_language(client, language: str):
    response = client.post("/account/language", data={"language": language})
    assert response.status_code in (302, 303)


def questions(app) -> dict[str, Question]:
    with app.app_context():
        rows = db.session.scalars(select(Question)).all()
        for row in rows:
            db.session.expunge(row)
        return {q.key: q for q in rows}


def quiz_answers(app, short_answer: str) -> dict:
    by_key = questions(app)
    return {
        "submission_token": secrets.token_urlsafe(32),
        "action": "submit",
        f"q{by_key['question-one'].id}": short_answer,
        f"q{by_key['question-two'].id}": "a",
    }


def test_a_spanish_reader_sees_the_course_in_spanish(client, bilingual_course):
    overview = client.get(f"/courses/{SLUG}", headers=ES).get_data(as_text=True)
    assert h1(overview) == "Los genes y usted"
    assert html_lang(overview) == "es"
    lesson = client.get(f"/courses/{SLUG}/lessons/first-lesson", headers=ES).get_data(as_text=True)
    assert h1(lesson) == "Sus genes"
    assert "Le dice al cuerpo cómo crecer." in lesson
    assert '<article lang="es">' in lesson
    assert "tells your body how to grow" not in lesson


def test_an_english_reader_sees_the_same_course_in_english(client, bilingual_course):
    lesson = client.get(f"/courses/{SLUG}/lessons/first-lesson", headers=EN).get_data(as_text=True)
    assert h1(lesson) == "Your genes"
    assert '<article lang="en">' in lesson
    assert "Sus genes" not in lesson


def test_the_database_keeps_the_main_language_after_a_spanish_request(
    app, client, bilingual_course
):
    client.get(f"/courses/{SLUG}/lessons/first-lesson", headers=ES)
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.key == "first-lesson"))
        assert lesson.title == "Your genes"
        assert lesson.translations["es"]["title"] == "Sus genes"


def test_the_catalogue_lists_both_languages_and_filters_by_either(client, bilingual_course):
    page = client.get("/?language=es", headers=EN).get_data(as_text=True)
    assert "Genes and you" in page
    assert '<span lang="es">Español</span>' in page
    assert '<span lang="en">English</span>' in page


def test_the_catalogue_shows_the_reading_level_in_the_measure_of_the_language(
    app, client, bilingual_course
):
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == SLUG))
        grade = course.reading_grade
        ease = course.translations["es"]["reading_ease"]
    assert grade is not None and ease is not None
    english = client.get("/", headers=EN).get_data(as_text=True)
    assert f"Reading level: grade {round(grade)}" in english
    spanish = client.get("/", headers=ES).get_data(as_text=True)
    assert f"{min(round(ease), 100)} de 100" in spanish


def test_the_glossary_page_follows_the_language(client, bilingual_course):
    english = client.get(f"/courses/{SLUG}/glossary", headers=EN).get_data(as_text=True)
    spanish = client.get(f"/courses/{SLUG}/glossary", headers=ES).get_data(as_text=True)
    assert '<dt id="term-1">gene</dt>' in english
    assert '<dt id="term-1">gen</dt>' in spanish


def test_a_lesson_lists_the_words_it_uses_with_their_meaning(client, bilingual_course):
    lesson = client.get(f"/courses/{SLUG}/lessons/first-lesson", headers=EN).get_data(as_text=True)
    assert "Words in this lesson" in lesson
    assert "<dt>gene</dt><dd>A small part of you that tells your body how to grow.</dd>" in lesson


def test_a_scenario_shows_its_situation_and_the_feedback_of_the_choice(
    app, client, bilingual_course
):
    page = client.get(f"/courses/{SLUG}/lessons/first-lesson", headers=EN).get_data(as_text=True)
    assert "Ana reads that one gene decides all of her health." in page
    check = questions(app)["check-gene"]
    response = client.post(
        f"/courses/{SLUG}/lessons/first-lesson/checks/check-gene",
        data={f"check-gene-q{check.id}": "b"},
        headers=EN,
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Not quite. Your habits matter too." in text
    assert "Yes. Where you live" not in text


def test_switching_language_mid_course_keeps_progress(app, make_user, bilingual_course):
    make_user("ana")
    client = app.test_client()
    sign_in(client, "ana")
    choose_language(client, "en")
    client.post(f"/courses/{SLUG}/lessons/first-lesson/complete")
    choose_language(client, "es")
    overview = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert h1(overview) == "Los genes y usted"
    assert "Terminada" in overview  # the lesson done in English is done in Spanish too
    mine = client.get("/my-learning").get_data(as_text=True)
    assert "Los genes y usted" in mine


def test_a_spanish_quiz_accepts_the_spanish_answer(app, make_user, bilingual_course):
    make_user("ana")
    client = app.test_client()
    sign_in(client, "ana")
    choose_language(client, "es")
    response = client.post(f"/courses/{SLUG}/quizzes/quiz-one", data=quiz_answers(app, "Gen"))
    assert response.status_code == 303
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100" in result


def test_a_course_finished_in_spanish_gives_a_spanish_certificate(app, make_user, bilingual_course):
    make_user("ana")
    client = app.test_client()
    sign_in(client, "ana")
    choose_language(client, "es")
    client.post(f"/courses/{SLUG}/lessons/first-lesson/complete")
    client.post(f"/courses/{SLUG}/quizzes/quiz-one", data=quiz_answers(app, "un gen"))
    response = client.post(
        f"/courses/{SLUG}/certificate", data={"recipient_name": "Ana Núñez", "confirmed": "1"}
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    with app.app_context():
        cert = db.session.scalar(select(Certificate))
        assert cert.language == "es"
        code = cert.code
    pdf = client.get(f"/certificates/{code}.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Los genes y usted" in text
    assert "Ana Núñez" in text
    # A visitor with an English browser still sees the certificate's own language.
    visitor = app.test_client()
    page = visitor.get(f"/verify/{code}", headers=EN).get_data(as_text=True)
    assert html_lang(page) == "es"
    assert "Los genes y usted" in page
