"""Pictures in course files: checked with file and line, made safe and sized at import,
served with their size, srcset and a year of caching; and each lesson's main message."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from course_app.content.importer import import_courses
from course_app.content.loader import load_course
from course_app.content.models import Lesson, MediaFile
from course_app.content.pictures import PictureError, sanitise_svg
from course_app.content.validator import check_course
from course_app.extensions import db
from tests.content import BILINGUAL_FILES, TINY_FILES, write_bilingual, write_course

LESSON = TINY_FILES["m1/01-first.md"]
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200">'
    b'<title>A pill bottle label</title><rect width="320" height="200" fill="#fff"/>'
    b'<text x="10" y="20">Take 1 tablet</text></svg>'
)


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


def lesson_with(body: str, front: str = "") -> str:
    return LESSON.replace("minutes: 3\n", f"minutes: 3\n{front}") + body


def problems_in(tmp_path, changes) -> list[str]:
    return [str(p) for p in check_course(load_course(write_course(tmp_path, changes)))]


def assert_problem(problems: list[str], where: str, text: str) -> None:
    assert any(where in p and text in p for p in problems), "\n".join(problems)


# --- the validator ---------------------------------------------------------------------------


def test_a_picture_from_the_course_folder_with_alt_text_is_valid(tmp_path):
    body = '\n![A pill bottle label](../pictures/label.svg "The parts of a label")\n'
    changes = {"m1/01-first.md": lesson_with(body), "pictures/label.svg": SVG}
    assert problems_in(tmp_path, changes) == []


def test_a_picture_without_alt_text_is_refused_with_file_and_line(tmp_path):
    changes = {"m1/01-first.md": lesson_with("\nSome text.\n\n![](../pictures/label.svg)\n")}
    changes["pictures/label.svg"] = SVG
    problems = problems_in(tmp_path, changes)
    assert_problem(problems, "01-first.md:11:", "needs a description (alt text)")


def test_a_decorative_picture_says_so_and_gets_empty_alt(app_ctx, tmp_path):
    changes = {"m1/01-first.md": lesson_with("\n![decorative](../pictures/line.svg)\n")}
    changes["pictures/line.svg"] = SVG
    assert problems_in(tmp_path, changes) == []
    assert import_courses(write_course(tmp_path, changes)).ok
    body = db.session.scalar(sa.select(Lesson.body_html))
    assert 'alt=""' in body and "decorative" not in body


def test_a_missing_picture_file_is_named_with_its_line(tmp_path):
    problems = problems_in(
        tmp_path, {"m1/01-first.md": lesson_with("\n![A label](../pictures/no.svg)\n")}
    )
    assert_problem(problems, "01-first.md:9:", "there is no picture file '../pictures/no.svg'")


def test_a_picture_outside_the_course_folder_is_refused(tmp_path):
    (tmp_path / "secret.png").write_bytes(png(10, 10))
    problems = problems_in(
        tmp_path, {"m1/01-first.md": lesson_with("\n![A label](../../secret.png)\n")}
    )
    assert_problem(problems, "01-first.md:9:", "must be a file inside the course folder")


def test_a_picture_from_another_website_is_refused(tmp_path):
    body = "\n![A label](https://example.org/label.png)\n"
    problems = problems_in(tmp_path, {"m1/01-first.md": lesson_with(body)})
    assert_problem(problems, "01-first.md:9:", "must be a file in the course folder")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("fake.png", b"this is text, not a picture", "cannot be read as a picture"),
        ("photo.gif", b"GIF89a", "use a .png, .jpg, .webp or .svg file"),
        ("broken.svg", b"<svg><unclosed>", "cannot be read as an SVG picture"),
        ("html.svg", b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "is not an SVG picture"),
        ("shapeless.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "needs a viewBox"),
        (
            "bomb.svg",
            b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "cannot be read as an SVG picture",
        ),
        ("wrong.jpg", png(5, 5), "is not really a JPG file"),
    ],
)
def test_a_file_that_is_no_usable_picture_is_refused(tmp_path, name, data, message):
    changes = {"m1/01-first.md": lesson_with(f"\n![A label](../pictures/{name})\n")}
    changes[f"pictures/{name}"] = data
    assert_problem(problems_in(tmp_path, changes), "01-first.md:9:", message)


def test_a_picture_in_a_quiz_question_is_refused(tmp_path):
    quiz = TINY_FILES["m1/quiz.yml"].replace(
        "prompt: Is this a quiz?", "prompt: Is this a quiz? ![A label](../pictures/label.svg)"
    )
    problems = problems_in(tmp_path, {"m1/quiz.yml": quiz, "pictures/label.svg": SVG})
    assert_problem(problems, "quiz.yml:6:", "can go in lesson text only")


def test_a_spanish_lesson_must_use_its_own_version_of_a_picture(tmp_path):
    body = "\n![Una etiqueta](../../pictures/label.svg)\n"
    es = BILINGUAL_FILES["es/m1/01-first.md"].replace(
        "# ¿Qué es un gen?", body + "\n# ¿Qué es un gen?"
    )
    folder = write_bilingual(tmp_path, {"es/m1/01-first.md": es})
    (folder / "pictures" / "es").mkdir(parents=True)
    (folder / "pictures" / "label.svg").write_bytes(SVG)
    (folder / "pictures" / "es" / "label.svg").write_bytes(SVG.replace(b"Take", b"Tome"))
    problems = [str(p) for p in check_course(load_course(folder))]
    assert_problem(problems, "es/m1/01-first.md:9:", "use '../../pictures/es/label.svg'")
    fixed = es.replace("pictures/label.svg", "pictures/es/label.svg")
    (folder / "es" / "m1" / "01-first.md").write_text(fixed, encoding="utf-8")
    assert [str(p) for p in check_course(load_course(folder))] == []


def test_main_message_is_optional_text(tmp_path):
    assert problems_in(tmp_path, {"m1/01-first.md": lesson_with("", "main_message: [a]\n")})
    ok = lesson_with("", "main_message: In this lesson you will read a label.\n")
    assert problems_in(tmp_path, {"m1/01-first.md": ok}) == []


# --- SVG cleaning ----------------------------------------------------------------------------


def test_svg_is_cleaned_of_scripts_handlers_and_outside_references():
    dirty = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'viewBox="0 0 10 10" onload="alert(1)"><title>Safe</title><script>alert(1)</script>'
        b"<style>@import url(https://evil.example/x.css);</style>"
        b'<rect width="5" height="5" fill="url(#g)" onclick="x()" style="fill:url(https://e.x/a)"/>'
        b'<use xlink:href="https://evil.example/s.svg#a"/><use href="#inside"/>'
        b'<image href="https://evil.example/a.png"/><foreignObject><p>x</p></foreignObject>'
        b'<a href="javascript:alert(1)"><text>link</text></a></svg>'
    )
    clean = sanitise_svg(dirty).decode()
    assert "<title>Safe</title>" in clean
    for gone in (
        "script",
        "onload",
        "onclick",
        "evil",
        "e.x",
        "javascript",
        "image",
        "foreign",
        "@import",
    ):
        assert gone not in clean, gone
    assert 'fill="url(#g)"' in clean and 'href="#inside"' in clean


def test_svg_with_entities_is_refused():
    with pytest.raises(PictureError):
        sanitise_svg(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg>&e;</svg>')


# --- import, the lesson page and the media files ---------------------------------------------


def _picture_course(tmp_path):
    body = (
        '\n![A blue box](../pictures/photo.png "What you will see")\n\n'
        "Some text between.\n\n![A pill bottle label](../pictures/label.svg)\n"
    )
    changes = {
        "m1/01-first.md": lesson_with(
            body, "main_message: In this lesson you will read a label.\n"
        ),
        "pictures/photo.png": png(1600, 800),
        "pictures/label.svg": SVG + b"<!-- comment -->",
    }
    return write_course(tmp_path, changes)


def test_import_sizes_raster_pictures_and_renders_srcset_size_and_lazy_loading(app_ctx, tmp_path):
    assert import_courses(_picture_course(tmp_path)).ok
    db.session.commit()
    files = {m.name: m for m in db.session.scalars(sa.select(MediaFile))}
    widths = sorted(m.width for m in files.values() if m.content_type == "image/png")
    assert widths == [360, 720, 1080]
    body = db.session.scalar(sa.select(Lesson.body_html))
    first, second = body.split("<figure", 2)[1:]
    assert 'width="1080" height="540"' in first and "srcset=" in first and " 360w" in first
    assert 'loading="lazy"' not in first  # the first picture is above the fold
    assert "<figcaption>What you will see</figcaption>" in first
    assert 'loading="lazy"' in second and 'width="320" height="200"' in second
    assert (
        db.session.scalar(sa.select(Lesson.main_message)) == "In this lesson you will read a label."
    )
    # A re-import adds no second copy of any file.
    db.session.execute(sa.update(Lesson).values(main_message=""))
    from course_app.content.models import Course

    db.session.execute(sa.update(Course).values(content_hash="old"))
    assert import_courses(_picture_course(tmp_path)).ok
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaFile)) == len(files)


def test_lesson_page_shows_main_message_and_pictures_that_are_served_cacheable(
    app, client, tmp_path
):
    with app.app_context():
        assert import_courses(_picture_course(tmp_path)).ok
        db.session.commit()
    page = client.get("/courses/tiny-course/lessons/first-lesson")
    html = page.get_data(as_text=True)
    assert '<p class="main-message">In this lesson you will read a label.</p>' in html
    assert html.index("main-message") < html.index("<figure")
    svg_url = html.split('src="/media/')[2].split('"')[0]
    picture = client.get(f"/media/{svg_url}")
    assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"
    assert "max-age=31536000" in picture.headers["Cache-Control"]
    assert "immutable" in picture.headers["Cache-Control"]
    assert "sandbox" in picture.headers["Content-Security-Policy"]
    assert b"<!--" not in picture.data and b"<title>A pill bottle label</title>" in picture.data
    again = client.get(f"/media/{svg_url}", headers={"If-None-Match": picture.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/media/does-not-exist.png").status_code == 404
