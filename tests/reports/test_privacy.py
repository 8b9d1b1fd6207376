"""Small-count hiding, as a pure rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from course_app.reports.privacy import HIDDEN, is_small, sort_key, suppress_row

COUNTS = {"active": "active", "pass_rate": "attempt_learners", "attempts": "attempt_learners"}


def test_small_counts_are_hidden_but_zero_is_shown():
    row = {"active": 3, "attempt_learners": 0, "pass_rate": None, "attempts": 0}
    hidden = suppress_row(row, COUNTS, 5)
    assert hidden["active"] is HIDDEN
    assert hidden["attempts"] == 0


def test_a_rate_is_hidden_with_the_learners_behind_it():
    row = {"active": 40, "attempt_learners": 2, "pass_rate": 50, "attempts": 9}
    hidden = suppress_row(row, COUNTS, 5)
    assert (hidden["active"], hidden["pass_rate"], hidden["attempts"]) == (40, HIDDEN, HIDDEN)
    assert row["pass_rate"] == 50  # the input row is left alone


def test_hidden_values_sort_together_below_numbers():
    values = [7, HIDDEN, 0, None, 12, HIDDEN]
    assert sorted(values, key=sort_key)[:3] == [HIDDEN, None, HIDDEN]
    assert sorted(values, key=sort_key)[3:] == [0, 7, 12]


@given(
    st.dictionaries(st.sampled_from(["active", "attempt_learners"]), st.integers(0, 50)),
    st.integers(1, 20),
)
def test_a_value_is_hidden_exactly_when_its_learners_are_few(counts, threshold):
    row = {"pass_rate": 80, "attempts": 10, **counts}
    hidden = suppress_row(row, COUNTS, threshold)
    for column, base in COUNTS.items():
        if column not in row:
            continue
        few = is_small(row.get(base), threshold)
        assert (hidden[column] is HIDDEN) == few
        if not few:
            assert hidden[column] == row[column]
