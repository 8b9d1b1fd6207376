"""The unsafe-HTML finder on markup html.parser cannot read."""

from course_app.content.renderer import find_unsafe


def test_unreadable_marked_section_is_a_problem_not_a_crash():
    # html.parser raises AssertionError on "<![i"; hypothesis found it.
    text = "<script>alert(1)</script><![i](data:x)"
    problems = find_unsafe(text)
    assert any("cannot be read" in message for _, message in problems)
    assert find_unsafe(text, inline=True)
