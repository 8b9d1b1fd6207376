"""Small-count hiding, as a pure rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from course_app.reports.privacy import (
    HIDDEN,
    HIDDEN_TOO,
    Hidden,
    hidden_cells,
    is_small,
    sort_key,
    suppress_row,
    suppress_rows,
)

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


# Complementary suppression (issue 14, point 7)


def test_one_small_branch_hides_the_next_smallest_too():
    # A system of 23 with branches 3, 12 and 8: 23 - 12 - 8 would give the hidden 3.
    assert hidden_cells([3, 12, 8], 5) == {0: HIDDEN, 2: HIDDEN_TOO}
    # Two small ones already hide each other; zero is never the complement.
    assert hidden_cells([3, 2, 40], 5) == {0: HIDDEN, 1: HIDDEN}
    assert hidden_cells([3, 0, 9], 5) == {0: HIDDEN, 2: HIDDEN_TOO}
    assert hidden_cells([10, 0, 9], 5) == {}


def test_rows_are_hidden_with_their_complements_within_each_group_only():
    rows = [
        {"label": "North A", "patrons": 3, "rate": 50, "_group": "north"},
        {"label": "North B", "patrons": 20, "rate": 70, "_group": "north"},
        {"label": "North C", "patrons": 9, "rate": 60, "_group": "north"},
        {"label": "South A", "patrons": 6, "rate": 10, "_group": "south"},
    ]
    hidden = suppress_rows(
        rows, {"patrons": "patrons", "rate": "patrons"}, 5, group=lambda r: r["_group"]
    )
    assert [(r["patrons"], r["rate"]) for r in hidden] == [
        (HIDDEN, HIDDEN),
        (20, 70),
        (HIDDEN_TOO, HIDDEN_TOO),
        (6, 10),
    ]


@given(st.lists(st.integers(0, 40), min_size=1, max_size=12), st.integers(2, 10))
def test_subtraction_never_gives_a_hidden_small_count(counts, threshold):
    """The attack from the probe: a visible total minus every visible cell."""
    total = sum(counts)
    hidden = hidden_cells(counts, threshold)
    visible = [c for i, c in enumerate(counts) if i not in hidden]
    assert all(not is_small(c, threshold) for c in visible)
    if is_small(total, threshold):
        return  # the total itself is shown as "< n": nothing to subtract from
    left_over = total - sum(visible)
    for i, mark in hidden.items():
        assert isinstance(mark, Hidden)
        if mark is HIDDEN:
            assert left_over != counts[i], (counts, hidden)
