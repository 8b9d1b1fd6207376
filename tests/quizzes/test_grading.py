"""The pure grader: every question type, forged responses, pass marks; with property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_app.content.question_types import QUESTION_TYPES
from course_app.content.question_types.short_text import normalise_text
from course_app.quizzes.grading import (
    InvalidResponse,
    grade_response,
    has_passed,
    score_percent,
)

SINGLE = {"choices": [{"id": "a", "correct": False}, {"id": "b", "correct": True}]}
MULTI = {
    "choices": [
        {"id": "a", "correct": True},
        {"id": "b", "correct": True},
        {"id": "c", "correct": False},
    ]
}
TF = {"choices": [{"id": "true", "correct": False}, {"id": "false", "correct": True}]}
SHORT = {"accepted": ["MedlinePlus", "Medline Plus"]}
ORDER = {"items": [{"id": "x"}, {"id": "y"}, {"id": "z"}]}
FORM = {
    "fields": [
        {"id": "a", "label_html": "Name", "accepted": ["Ana"], "exact": False},
        {"id": "b", "label_html": "Code", "accepted": ["K-1"], "exact": True},
    ]
}


def test_single_choice():
    assert grade_response("single", SINGLE, "b").correct
    assert not grade_response("single", SINGLE, "a").correct


def test_true_false():
    assert grade_response("true_false", TF, "false").correct
    assert not grade_response("true_false", TF, "true").correct


def test_multiple_needs_exactly_the_right_set():
    assert grade_response("multiple", MULTI, ["b", "a"]).correct
    assert not grade_response("multiple", MULTI, ["a"]).correct
    assert not grade_response("multiple", MULTI, ["a", "b", "c"]).correct


def test_multiple_ignores_repeats():
    assert grade_response("multiple", MULTI, ["a", "a", "b"]).correct


@pytest.mark.parametrize(
    "typed", ["medlineplus", "  MEDLINE plus ", "Medline-Plus!", "médlineplus"]
)
def test_short_text_matches_after_normalising(typed):
    assert grade_response("short_text", SHORT, typed).correct


def test_short_text_wrong_answer():
    assert not grade_response("short_text", SHORT, "google").correct


def test_ordering():
    assert grade_response("ordering", ORDER, ["x", "y", "z"]).correct
    assert not grade_response("ordering", ORDER, ["y", "x", "z"]).correct


@pytest.mark.parametrize(
    "qtype,data,response",
    [
        ("single", SINGLE, "zzz"),
        ("single", SINGLE, ["b"]),
        ("true_false", TF, "maybe"),
        ("multiple", MULTI, "a"),
        ("multiple", MULTI, []),
        ("multiple", MULTI, ["a", "forged"]),
        ("short_text", SHORT, ""),
        ("short_text", SHORT, 42),
        ("ordering", ORDER, ["x", "y"]),
        ("ordering", ORDER, ["x", "x", "y"]),
        ("ordering", ORDER, ["x", "y", "q"]),
        ("essay", SINGLE, "a"),
    ],
)
def test_forged_or_malformed_responses_are_refused(qtype, data, response):
    with pytest.raises(InvalidResponse):
        grade_response(qtype, data, response)


def test_pass_mark_compares_exact_fractions():
    assert has_passed(4, 5, 80)
    assert not has_passed(3, 4, 80)
    assert has_passed(8, 10)
    assert not has_passed(0, 0)
    assert score_percent(2, 3) == 66


responses = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=30),
    st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=6),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=3),
)


@given(qtype=st.sampled_from(sorted(QUESTION_TYPES)), response=responses)
def test_grader_either_grades_or_refuses_never_crashes(qtype, response):
    data = {
        "single": SINGLE,
        "true_false": TF,
        "multiple": MULTI,
        "short_text": SHORT,
        "ordering": ORDER,
        "scenario": {**SINGLE, "situation_html": "<p>Ana reads an ad.</p>"},
        "hotspot": SINGLE,
        "form_practice": FORM,
    }[qtype]
    try:
        verdict = grade_response(qtype, data, response)
    except InvalidResponse:
        return
    assert isinstance(verdict.correct, bool)


@given(st.permutations(["x", "y", "z"]))
def test_only_the_one_right_order_is_correct(order):
    assert grade_response("ordering", ORDER, list(order)).correct == (
        list(order) == ["x", "y", "z"]
    )


@given(st.sets(st.sampled_from(["a", "b", "c"]), min_size=1))
def test_multiple_correct_iff_set_equals_right_set(picked):
    assert grade_response("multiple", MULTI, sorted(picked)).correct == (picked == {"a", "b"})


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.integers(0, 200), st.integers(1, 200), st.integers(1, 100))
def test_score_and_pass_agree(correct, total, mark):
    correct = min(correct, total)
    if has_passed(correct, total, mark):
        assert correct / total >= mark / 100
    else:
        assert correct / total < mark / 100
    assert 0 <= score_percent(correct, total) <= 100
