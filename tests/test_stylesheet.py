"""site.css parses cleanly: no parse errors, every block closed.

An unclosed `@media print {` once turned every later rule into a print-only rule and no test
noticed; tinycss2 reports an unclosed block as a block that runs to the end of the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import tinycss2

STATIC = Path(__file__).resolve().parent.parent / "course_app" / "static"


def stylesheet_problems(text: str) -> list[str]:
    """Every parse error, inside blocks too, and any block left open at the end of the text.

    tinycss2 closes an open block silently at the end of the file; serialising the parsed
    rules then adds the missing "}", so a round trip that differs from the text means one.
    """
    rules = tinycss2.parse_stylesheet(text)
    problems = [f"line {r.source_line}: {r.message}" for r in rules if r.type == "error"]
    for rule in rules:
        if rule.type == "at-rule" and rule.content is not None:
            inner = tinycss2.parse_rule_list(rule.content)
            problems += [f"line {r.source_line}: {r.message}" for r in inner if r.type == "error"]
    if not problems and tinycss2.serialize(rules) != text:
        problems.append("a block is never closed: everything after it lands inside it")
    return problems


@pytest.mark.parametrize("name", ["site.css", "staff.css"])
def test_our_stylesheets_parse_without_errors_or_open_blocks(name):
    assert stylesheet_problems((STATIC / name).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "broken",
    [
        "@media print {\n  .a { color: red; }\n.b { color: blue; }\n",
        ".a { color: red;\n",
        ".a { color: red; } }\n",
    ],
)
def test_the_check_catches_unclosed_and_stray_blocks(broken):
    assert stylesheet_problems(broken)


def test_only_library_people_load_the_staff_stylesheet(app, make_user):
    """Patrons' pages (the lesson page's 30 KB budget) never load staff.css."""
    from tests.conftest import signed_in

    make_user("reader")
    make_user("lib", "librarian")
    guest = app.test_client().get("/").get_data(as_text=True)
    patron = signed_in(app, "reader").get("/").get_data(as_text=True)
    librarian = signed_in(app, "lib").get("/").get_data(as_text=True)
    assert "staff.css" not in guest and "staff.css" not in patron
    assert "staff.css" in librarian
