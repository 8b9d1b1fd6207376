"""The shipped courses' pictures: every lesson, in every language, shows at least one picture
that teaches, and every picture file is a safe SVG with a title.

Every shipped course is also held to the drawing rules of issue 12: small files, drawn 320 px
wide (width, height and viewBox) with text of at least 14 px, specific alt text, a Spanish twin
with translated words, nothing the importer's sanitiser would drop.

The file checks read the course folders directly; the page checks import the shipped courses
and read each lesson as a patron does, in English and in Spanish.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import defusedxml.ElementTree as SafeXml
import pytest
import sqlalchemy as sa

from course_app.content.importer import import_courses
from course_app.content.linter import lint_course
from course_app.content.loader import find_course_folders, load_course
from course_app.content.models import Course, Lesson
from course_app.content.pictures import is_decorative, sanitise_svg
from course_app.content.validator import all_questions, validate_course
from course_app.extensions import db
from tests.content import BILINGUAL_FILES, assert_problem, line_of, write_bilingual

ROOT = Path(__file__).resolve().parents[2]
COURSES = ROOT / "courses"
COURSE_FOLDERS = sorted(p.parent for p in COURSES.glob("*/course.yml"))
SVG_FILES = sorted(COURSES.glob("*/pictures/**/*.svg"))
SHIPPED = (
    "health-literacy",
    "digital-health-skills",
    "precision-medicine",
    "diversity-in-research",
    "community-science",
    "sample-health-basics",
    "health-insurance",
    "health-misinformation",
    "genetic-privacy",
)
SVG = "{http://www.w3.org/2000/svg}"
DRAWN_WIDTH = 320  # fits a 360 px phone with the page's margins, so it is never shrunk there
MIN_FONT_PX = 14  # at the drawn width
MAX_SVG_BYTES = 16_000
MAX_PAGE_BYTES = 200_000  # a lesson page with its pictures, on a phone


def lessons_in_every_language():
    """(label, lesson source, language) for every lesson of every shipped course."""
    found = []
    for folder in COURSE_FOLDERS:
        course = load_course(folder)
        versions = [("en", course), *course.translations.items()]
        for language, version in versions:
            for module in version.modules:
                for lesson in module.lessons:
                    found.append((f"{folder.name}/{language}/{lesson.name}", lesson, language))
    return found


LESSONS = lessons_in_every_language()


def test_every_shipped_course_and_its_spanish_lessons_are_checked():
    assert {f.name for f in COURSE_FOLDERS} >= set(SHIPPED)
    languages = [language for _label, _lesson, language in LESSONS]
    # 48 + 1 and 42 + 1: diversity-in-research's consent lesson (issue 13), in both languages.
    assert languages.count("en") == 49
    assert languages.count("es") == 43


@pytest.mark.parametrize(("label", "lesson", "language"), LESSONS, ids=[x[0] for x in LESSONS])
def test_every_lesson_shows_a_picture_that_teaches(label, lesson, language):
    teaching = [p for p in lesson.pictures if not is_decorative(p.alt)]
    assert teaching, f"{label} has no picture with alt text"
    for used in teaching:
        assert used.picture is not None, f"{label}: '{used.src}' is not a usable course picture"
        assert used.src.endswith(".svg"), used.src
        assert 30 <= len(used.alt) <= 150, (
            f"{label}: alt text should say what it teaches: {used.alt}"
        )
        if language == "es":
            # Spanish lessons show the Spanish drawing, whose words are translated.
            assert "/pictures/es/" in used.src, f"{label} shows the English picture {used.src}"
        else:
            assert "/pictures/es/" not in used.src, f"{label} shows a Spanish picture"


def test_every_picture_file_is_used_by_a_lesson():
    used = set()
    for _label, lesson, _language in LESSONS:
        base = Path(lesson.file) if Path(lesson.file).is_absolute() else ROOT / lesson.file
        for picture in lesson.pictures:
            used.add((base.parent / picture.src).resolve())
    # A practice activity ("find it on the screen") names its picture in the question.
    for folder in COURSE_FOLDERS:
        spec, _problems = validate_course(load_course(folder))
        for version in [spec, *spec.translations.values()] if spec else []:
            for question in all_questions(version):
                if question.values.get("picture_src"):
                    base = Path(question.file).parent
                    used.add((base / question.values["picture_src"]).resolve())
    orphans = [str(p.relative_to(ROOT)) for p in SVG_FILES if p.resolve() not in used]
    assert not orphans, orphans


def test_each_spanish_picture_has_its_english_twin_with_translated_words():
    for spanish in [p for p in SVG_FILES if p.parent.name == "es"]:
        english = spanish.parent.parent / spanish.name
        assert english.is_file(), f"{spanish} has no English version"
        title_en = SafeXml.parse(english).getroot().find(f"{SVG}title").text
        title_es = SafeXml.parse(spanish).getroot().find(f"{SVG}title").text
        assert title_en != title_es, f"{spanish.relative_to(ROOT)}: the title is not translated"


@pytest.mark.parametrize("path", SVG_FILES, ids=[str(p.relative_to(COURSES)) for p in SVG_FILES])
def test_picture_file_is_a_safe_svg_with_a_title(path):
    root = SafeXml.fromstring(path.read_bytes(), forbid_dtd=True)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and (title.text or "").strip(), f"{path.name} has no <title>"
    for element in root.iter():
        name = element.tag.split("}")[-1]
        assert name not in ("script", "foreignObject"), f"{name} in {path.name}"
        for attribute, value in element.attrib.items():
            attr = attribute.split("}")[-1]
            assert not attr.lower().startswith("on"), f"event handler {attr} in {path.name}"
            if attr == "href":
                assert value.startswith("#"), f"outside reference {value} in {path.name}"
            assert "url(" not in value or "url(#" in value, f"outside url() in {path.name}"


def test_each_picture_of_a_translated_course_has_a_spanish_twin():
    for folder in COURSE_FOLDERS:
        if "es" not in load_course(folder).translations:
            continue
        english = sorted((folder / "pictures").glob("*.svg"))
        missing = [p.name for p in english if not (p.parent / "es" / p.name).is_file()]
        assert not missing, f"{folder.name}: no Spanish version of {missing}"


@pytest.mark.parametrize("path", SVG_FILES, ids=[str(p.relative_to(COURSES)) for p in SVG_FILES])
def test_picture_follows_the_drawing_rules(path):
    data = path.read_bytes()
    assert len(data) <= MAX_SVG_BYTES, f"{path.name} is {len(data)} bytes"
    root = SafeXml.fromstring(data, forbid_dtd=True)
    assert root.get("viewBox") and root.get("width") and root.get("height")
    # Drawn at the width it is shown at on a phone, so a font size is the size a patron sees.
    _x, _y, view_width, view_height = (float(n) for n in root.get("viewBox").split())
    assert float(root.get("width")) == view_width == DRAWN_WIDTH, f"{path.name} is not 320 wide"
    assert float(root.get("height")) == view_height, f"{path.name}: height is not the viewBox's"
    assert root.get("font-family") == "sans-serif"
    children = list(root)
    assert children[0].tag == f"{SVG}title" and children[0].text.strip(), "title must come first"
    for element in root.iter():
        name = element.tag.split("}")[-1]
        assert name not in ("image", "a", "style"), name
        assert "href" not in [a.split("}")[-1] for a in element.attrib], f"href in {path.name}"
        if name in ("text", "tspan"):
            assert float(element.get("font-size", "16")) >= MIN_FONT_PX, (path.name, element.text)
    # The importer keeps everything we drew: nothing outside its allow-list is in the file.
    cleaned = SafeXml.fromstring(sanitise_svg(data, path.name))
    assert [(e.tag, dict(e.attrib)) for e in cleaned.iter()] == [
        (e.tag, dict(e.attrib)) for e in root.iter()
    ]


# --- The plain-language linter ------------------------------------------------------------------

LESSON_EN = BILINGUAL_FILES["m1/01-first.md"]
PARAGRAPH_EN = "A gene is a small part of you. It tells your body how to grow."
FOUR_PARAGRAPHS = "\n\n".join(
    [
        "You get genes from your mom and dad.",
        "Each cell has a copy of them.",
        "Some genes give you brown eyes.",
    ]
)
PICTURE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="100" viewBox="0 0 320 100">'
    "<title>A gene inside a cell</title></svg>"
)
PICTURE_LINE = '![A gene is a small part of the DNA in a cell](../pictures/gene.svg "A gene")'


def lint_with(tmp_path, body_after_paragraph: str):
    lesson = LESSON_EN.replace(PARAGRAPH_EN, f"{PARAGRAPH_EN}\n\n{body_after_paragraph}")
    folder = write_bilingual(tmp_path, {"m1/01-first.md": lesson, "pictures/gene.svg": PICTURE_SVG})
    spec, problems = validate_course(load_course(folder))
    assert problems == [], [str(p) for p in problems]
    return folder, lesson, lint_course(spec, date(2026, 12, 1)).problems


def test_a_picture_line_is_not_counted_as_a_paragraph_of_text(tmp_path):
    # Four paragraphs and a picture: the picture breaks up the text, it adds none to read.
    _folder, _lesson, problems = lint_with(tmp_path, f"{FOUR_PARAGRAPHS}\n\n{PICTURE_LINE}")
    assert problems == []


def test_text_beside_a_picture_still_counts(tmp_path):
    paragraph = f"Genes sit inside your cells. {PICTURE_LINE}"
    folder, lesson, problems = lint_with(tmp_path, f"{FOUR_PARAGRAPHS}\n\n{paragraph}")
    assert_problem(
        problems,
        folder / "m1/01-first.md",
        line_of(lesson, "Genes sit inside"),
        "more than 4 paragraphs or lists without a heading",
    )


def test_no_shipped_lesson_breaks_the_heading_rule_with_its_pictures():
    folders, problems = find_course_folders(COURSES)
    assert problems == []
    for folder in folders:
        spec, problems = validate_course(load_course(folder))
        assert problems == [], [str(p) for p in problems]
        found = [str(p) for p in lint_course(spec, date(2026, 12, 5)).problems]
        assert not [p for p in found if "without a heading" in p], found


# --- As a patron reads them --------------------------------------------------------------------


@pytest.fixture
def shipped_courses(app):
    with app.app_context():
        report = import_courses(COURSES)
        assert report.ok, [str(p) for p in report.problems]
        db.session.commit()
        rows = db.session.execute(
            sa.select(Course.slug, Lesson.key, Course.translations)
            .join(Lesson, Lesson.course_id == Course.id)
            .where(Lesson.is_active)
            .order_by(Course.slug, Lesson.id)
        ).all()
    return [(slug, key, "es" in (translations or {})) for slug, key, translations in rows]


FIGURE = re.compile(r'<figure class="picture"><img [^>]*src="(/media/[^"]+)"[^>]*alt="([^"]+)"')


def test_every_lesson_page_shows_its_pictures_in_both_languages(client, shipped_courses):
    assert len(shipped_courses) == [language for _l, _s, language in LESSONS].count("en")
    pages = 0
    for slug, key, bilingual in shipped_courses:
        for language in ("en", "es") if bilingual else ("en",):
            response = client.get(
                f"/courses/{slug}/lessons/{key}", headers={"Accept-Language": language}
            )
            assert response.status_code == 200, (slug, key, language)
            html = response.get_data(as_text=True)
            figures = FIGURE.findall(html)
            assert figures, f"no picture on {slug}/{key} in {language}"
            weight = len(response.data)
            for src, alt in figures:
                picture = client.get(src)
                assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"
                assert b"<title>" in picture.data
                weight += len(picture.data)
                assert not is_decorative(alt)
            assert weight <= MAX_PAGE_BYTES, f"{slug}/{key} ({language}) weighs {weight} bytes"
            pages += 1
    assert pages == len(LESSONS)  # every lesson, in English and in each translation
