"""A Spanish reader takes a whole real course in Spanish, with axe-core on every page, and gets
a Spanish certificate whose check page is in Spanish too."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from course_app.content.importer import import_courses
from course_app.content.models import Course
from course_app.extensions import db
from course_app.learning.plan import course_plan as plan_of
from tests.browser.conftest import checked, go
from tests.browser.quiz_answers import answer_question, quiz_questions
from tests.conftest import ROOT

SLUG = "community-science"
NAME = "María José Peña"


def import_course(app) -> tuple[str, list]:
    with app.app_context():
        report = import_courses(ROOT / "courses" / SLUG)
        assert report.ok, report.problems
        db.session.commit()
        course = db.session.scalar(select(Course).where(Course.slug == SLUG))
        plan = [
            ([le.key for le in m.lessons], m.quiz.key if m.quiz else None)
            for m in plan_of(course).modules
        ]
        return course.translations["es"]["title"], plan


def click_to(page, locator):
    with page.expect_navigation():
        locator.click()
    return checked(page)


def test_a_whole_course_in_spanish_ends_with_a_spanish_certificate(page, app):
    title, plan = import_course(app)

    # The language switch on the first page; the choice is kept from then on.
    go(page, "/")
    click_to(page, page.get_by_role("button", name="Español"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name=title).is_visible()

    click_to(page, page.get_by_role("link", name=title))
    assert page.get_by_role("heading", level=1, name=title).is_visible()
    click_to(page, page.get_by_role("link", name="Crear una cuenta"))
    page.get_by_label("Nombre de usuario").fill("maria.pena")
    page.get_by_label("Contraseña").fill("mi biblioteca tiene libros azules")
    click_to(page, page.get_by_role("button", name="Crear una cuenta"))

    for lessons, quiz_key in plan:
        for key in lessons:
            go(page, f"/courses/{SLUG}/lessons/{key}")
            assert page.locator("article").get_attribute("lang") == "es"
            assert page.get_by_role("heading", name="Puntos clave").is_visible()
            click_to(page, page.get_by_role("button", name=re.compile("^Listo")))
        go(page, f"/courses/{SLUG}/quizzes/{quiz_key}")
        questions = quiz_questions(app, SLUG, quiz_key)
        for q in questions:
            answer_question(page, q, right=True, language="es")
        click_to(page, page.get_by_role("button", name="Revisar mis respuestas"))
        click_to(page, page.get_by_role("button", name="Enviar mis respuestas"))
        total = len(questions)
        assert f"Tuvo {total} de {total} respuestas correctas (100%)." in page.content()

    go(page, f"/courses/{SLUG}")
    click_to(page, page.get_by_role("link", name="Obtener su certificado"))
    page.get_by_label("Su nombre completo, como debe aparecer impreso").fill(NAME)
    click_to(page, page.get_by_role("button", name="Revisar mi nombre"))
    click_to(page, page.get_by_role("button", name="Sí, obtener mi certificado"))
    assert NAME in page.content() and title in page.content()
    code = re.search(r"/certificates/([A-Z0-9-]{34})$", page.url).group(1)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Descargar el PDF").click()
    pdf = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Certificado de finalización" in text
    assert NAME in text and title.split(":")[0] in text

    # Someone checking the code, with an English browser, sees it as issued: in Spanish.
    base = page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2]
    visitor = page.context.browser.new_context(base_url=base, locale="en-US")
    other = visitor.new_page()
    other.goto(f"/verify/{code}")
    page.axe.check(other)
    assert other.locator("html").get_attribute("lang") == "es"
    body = other.content()
    assert NAME in body and title in body and "Válido" in body
    visitor.close()
