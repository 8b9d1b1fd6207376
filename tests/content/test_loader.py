"""The loader: YAML and lessons read with the line of every value; hashing; folders."""

from __future__ import annotations

from pathlib import Path

from course_app.content.loader import (
    YamlList,
    YamlMap,
    YamlStr,
    content_hash,
    decode,
    find_course_folders,
    load_course,
    parse_lesson,
    parse_yaml,
)
from tests.content import TINY_FILES, line_of, write_course

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "courses" / "sample-health-basics"


def test_yaml_values_remember_their_lines():
    text = "# a note\ntitle: Hello\nitems:\n  - one\n  - two: 2\nbody: |\n  line a\n  line b\n"
    data, problems = parse_yaml(text, "x.yml")
    assert problems == []
    assert isinstance(data, YamlMap) and data.line == 2
    assert data.line_of("title") == 2 and data["title"].line == 2
    items = data["items"]
    assert isinstance(items, YamlList) and items.item_lines == [4, 5]
    assert items[1].line == 5
    body = data["body"]
    assert isinstance(body, YamlStr) and body.line == 7 and body.line_at(1) == 8


def test_yaml_first_line_offsets_every_line():
    data, _ = parse_yaml("key: a\ntitle: b\n", "x.md", first_line=10)
    assert data.line_of("key") == 10 and data.line_of("title") == 11


def test_yaml_syntax_error_names_the_line():
    data, problems = parse_yaml("title: ok\nlessons: [a, b\nquiz: q.yml\n", "m.yml")
    assert data is None
    assert len(problems) == 1 and problems[0].file == "m.yml"
    assert problems[0].line == 3
    assert "YAML syntax error" in problems[0].message


def test_yaml_tabs_get_a_hint():
    _, problems = parse_yaml("title: a\n\tkey: b\n", "m.yml")
    assert problems[0].line == 2 and "spaces, not tabs" in problems[0].message


def test_yaml_aliases_are_refused():
    _, problems = parse_yaml("a: &x hello\nb: *x\n", "m.yml")
    assert problems[0].line == 2 and "aliases" in problems[0].message


def test_yaml_repeated_keys_are_recorded_keeping_the_first():
    data, problems = parse_yaml("title: one\nkey: k\ntitle: two\n", "m.yml")
    assert problems == []
    assert data["title"] == "one"
    assert data.duplicates == [("title", 1, 3)]


def test_yaml_never_builds_python_objects():
    data, problems = parse_yaml("x: !!python/object/apply:os.system ['echo hi']\n", "m.yml")
    assert data is None and "YAML syntax error" in problems[0].message


def test_decode_reports_the_line_of_bytes_that_are_not_utf8():
    text, problems = decode(b"key: a\ntitle: caf\xe9\n", "c.yml")
    assert text is None and problems[0].line == 2 and "UTF-8" in problems[0].message


def test_decode_accepts_a_byte_order_mark_and_windows_newlines():
    text, problems = decode("\ufefftitle: a\r\nkey: b\r\n".encode(), "c.yml")
    assert problems == [] and text == "title: a\nkey: b\n"


def test_lesson_front_matter_and_checks_map_to_file_lines():
    text = (
        "---\nkey: k\ntitle: T\nminutes: 2\n---\n\nIntro.\n\n"
        "```check\nkey: c1\ntype: single\nprompt: P?\n```\n\nMore.\n"
    )
    lesson, problems = parse_lesson(text, "01.md", "m/01.md")
    assert problems == []
    assert lesson.front.line_of("title") == 3
    assert lesson.body_line == 6
    assert lesson.body.startswith("\nIntro.")
    [check] = lesson.checks
    assert check.line == line_of(text, "```check")
    assert check.data.line_of("type") == line_of(text, "type: single")


def test_lesson_without_front_matter_is_a_problem():
    lesson, problems = parse_lesson("# Just text\n", "01.md", "m/01.md")
    assert not lesson.readable
    assert problems[0].line == 1 and "---" in problems[0].message


def test_lesson_with_unclosed_front_matter_is_a_problem():
    _, problems = parse_lesson("---\nkey: a\ntitle: b\n", "01.md", "m/01.md")
    assert problems[0].line == 1 and "closing" in problems[0].message


def test_load_course_follows_course_module_lesson_and_quiz_files(tmp_path):
    course = load_course(write_course(tmp_path))
    assert course.problems == []
    [module] = course.modules
    assert module.name == "m1" and module.meta.data["key"] == "module-one"
    assert [lesson.name for lesson in module.lessons] == ["01-first.md"]
    assert module.quiz is not None and module.quiz.data["key"] == "quiz-one"
    assert module.quiz.file == str(tmp_path / "tiny" / "m1" / "quiz.yml")


def test_load_course_refuses_names_that_leave_the_folder(tmp_path):
    (tmp_path / "secret.md").write_text("---\nkey: x\n---\n")
    module = TINY_FILES["m1/module.yml"].replace("01-first.md", "../../secret.md")
    course = load_course(write_course(tmp_path, {"m1/module.yml": module}))
    assert course.modules[0].lessons == []
    [problem] = course.problems
    assert problem.line == 4 and "inside the folder" in problem.message


def test_content_hash_is_stable_and_follows_every_file(tmp_path):
    folder = write_course(tmp_path)
    first = content_hash(folder)
    assert content_hash(folder) == first
    (folder / ".DS_Store").write_bytes(b"junk")
    assert content_hash(folder) == first
    (folder / "m1" / "notes.txt").write_text("draft")
    assert content_hash(folder) != first


def test_find_course_folders_accepts_a_root_or_one_course(tmp_path):
    write_course(tmp_path, folder="b")
    write_course(tmp_path, folder="a")
    (tmp_path / "images").mkdir()
    assert find_course_folders(tmp_path) == ([tmp_path / "a", tmp_path / "b"], [])
    assert find_course_folders(tmp_path / "a") == ([tmp_path / "a"], [])


def test_find_course_folders_reports_an_empty_root_and_course_yaml(tmp_path):
    folders, problems = find_course_folders(tmp_path)
    assert folders == [] and "no course folders" in problems[0].message
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "course.yaml").write_text("slug: x\n")
    _, problems = find_course_folders(tmp_path)
    assert "rename this file to course.yml" in problems[0].message


def test_sample_course_loads_without_reading_problems():
    course = load_course(SAMPLE)
    assert course.problems == []
    assert [m.name for m in course.modules] == [
        "01-finding-information",
        "02-understanding-information",
    ]
