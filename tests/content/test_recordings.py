"""Lesson recordings: a narration file, a self-hosted video only with WebVTT captions and a
transcript, and the read-aloud control on every lesson without a recording."""

from __future__ import annotations

import pytest

from course_app.content.importer import import_courses
from course_app.content.loader import load_course
from course_app.content.validator import check_course
from course_app.extensions import db
from tests.content import TINY_FILES, write_course

LESSON = TINY_FILES["m1/01-first.md"]
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 500
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2000
VTT = (
    "WEBVTT\n\n00:00.000 --> 00:02.500\nOpen the <b>patient portal</b>.\n\n"
    "00:02.500 --> 00:05.000\nType your username.\n"
)
PAGE = "/courses/tiny-course/lessons/first-lesson"


def lesson_with(front: str) -> str:
    return LESSON.replace("minutes: 3\n", f"minutes: 3\n{front}")


def problems_in(tmp_path, changes) -> list[str]:
    return [str(p) for p in check_course(load_course(write_course(tmp_path, changes)))]


def assert_problem(problems: list[str], where: str, text: str) -> None:
    assert any(where in p and text in p for p in problems), "\n".join(problems)


def test_a_video_without_captions_is_refused_with_its_line(tmp_path):
    changes = {
        "m1/01-first.md": lesson_with("video: ../media/portal.mp4\n"),
        "media/portal.mp4": MP4,
    }
    assert_problem(problems_in(tmp_path, changes), "01-first.md:5:", "a video needs captions")


@pytest.mark.parametrize(
    ("front", "files", "message"),
    [
        (
            "video: https://video.example/abc\ncaptions: ../media/c.vtt\n",
            {},
            "inside the course folder",
        ),
        (
            "video: ../media/a.mov\ncaptions: ../media/c.vtt\n",
            {"media/a.mov": MP4},
            "no video sites",
        ),
        (
            "video: ../media/a.mp4\ncaptions: ../media/c.vtt\n",
            {"media/a.mp4": b"not a video"},
            "not really an MP4",
        ),
        (
            "video: ../media/a.mp4\ncaptions: ../media/c.srt\n",
            {"media/a.mp4": MP4, "media/c.srt": VTT},
            "must be a WebVTT",
        ),
        (
            "video: ../media/a.mp4\ncaptions: ../media/c.vtt\n",
            {"media/a.mp4": MP4, "media/c.vtt": "1\n00:00 --> x\n"},
            "must start with the line WEBVTT",
        ),
        (
            "video: ../media/a.mp4\ncaptions: ../media/c.vtt\n",
            {"media/a.mp4": MP4, "media/c.vtt": "WEBVTT\n\n"},
            "has no captions",
        ),
        ("audio: ../media/a.mp3\n", {"media/a.mp3": b"RIFF....WAVE"}, "not really an MP3"),
        ("audio: ../media/a.wav\n", {"media/a.wav": b"RIFF"}, "must be an .mp3 or .opus"),
        ("captions: ../media/c.vtt\n", {"media/c.vtt": VTT}, "'captions' belong to a video"),
    ],
)
def test_unusable_recordings_are_refused(tmp_path, front, files, message):
    changes = {"m1/01-first.md": lesson_with(front), "media/c.vtt": VTT, **files}
    if "c.vtt" in front and "media/c.vtt" not in files:
        changes["media/c.vtt"] = VTT
    assert_problem(problems_in(tmp_path, changes), "01-first.md:", message)


def _import(app, tmp_path, front: str, files: dict) -> None:
    with app.app_context():
        report = import_courses(
            write_course(tmp_path, {"m1/01-first.md": lesson_with(front), **files})
        )
        assert report.ok, [str(p) for p in report.problems]
        db.session.commit()


def test_a_lesson_without_a_recording_offers_read_aloud(app, client, tmp_path):
    _import(app, tmp_path, "", {})
    html = client.get(PAGE).get_data(as_text=True)
    assert "data-read-aloud" in html and "read_aloud.js" in html and "<audio" not in html
    # Hidden until the script finds a voice for the lesson's language.
    assert 'data-lang="en" hidden' in html


def test_a_narrated_lesson_has_a_player_instead_of_read_aloud(app, client, tmp_path):
    _import(app, tmp_path, "audio: ../media/narration.mp3\n", {"media/narration.mp3": MP3})
    html = client.get(PAGE).get_data(as_text=True)
    assert "<audio controls" in html and "data-read-aloud" not in html
    assert "the text is its transcript" in html
    url = html.split('<audio controls preload="none" src="')[1].split('"')[0]
    whole = client.get(url)
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg" and whole.data == MP3
    part = client.get(url, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.data == MP3[:10]


def test_a_video_plays_with_captions_in_the_lesson_language_and_a_transcript(app, client, tmp_path):
    front = "video: ../media/portal.mp4\ncaptions: ../media/portal.vtt\n"
    _import(app, tmp_path, front, {"media/portal.mp4": MP4, "media/portal.vtt": VTT})
    html = client.get(PAGE).get_data(as_text=True)
    assert '<track kind="captions" src="/media/' in html and 'srclang="en"' in html
    assert "<p>Open the patient portal.</p><p>Type your username.</p>" in html
    captions = html.split('<track kind="captions" src="')[1].split('"')[0]
    response = client.get(captions)
    assert response.mimetype == "text/vtt" and response.data.decode() == VTT


def test_a_spanish_lesson_cannot_reuse_the_english_captions(tmp_path):
    from tests.content import BILINGUAL_FILES, write_bilingual

    front = "video: ../media/v.mp4\ncaptions: ../media/v.vtt\n"
    en = BILINGUAL_FILES["m1/01-first.md"].replace("minutes: 5\n", f"minutes: 5\n{front}")
    same = "video: ../../media/v.mp4\ncaptions: ../../media/v.vtt\n"
    es = BILINGUAL_FILES["es/m1/01-first.md"].replace("minutes: 5\n", f"minutes: 5\n{same}")
    folder = write_bilingual(tmp_path, {"m1/01-first.md": en, "es/m1/01-first.md": es})
    (folder / "media").mkdir()
    (folder / "media" / "v.mp4").write_bytes(MP4)
    (folder / "media" / "v.vtt").write_text(VTT, encoding="utf-8")
    problems = [str(p) for p in check_course(load_course(folder))]
    assert_problem(problems, "es/m1/01-first.md:6:", "the video needs captions in es")
    (folder / "media" / "v.es.vtt").write_text(
        VTT.replace("Open the", "Abra el").replace("Type your username", "Escriba su usuario"),
        encoding="utf-8",
    )
    fixed = es.replace("../../media/v.vtt", "../../media/v.es.vtt")
    (folder / "es" / "m1" / "01-first.md").write_text(fixed, encoding="utf-8")
    assert [str(p) for p in check_course(load_course(folder))] == []
