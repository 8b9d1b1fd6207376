"""The pure rules: status of an assignment, and when a patron may need help."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from course_app.classes.csv_cells import BOM, csv_lines, escape_cell
from course_app.classes.status import (
    HelpReason,
    HelpRules,
    Progress,
    QuizRecord,
    Status,
    assignment_status,
    help_flags,
)

TODAY = date(2027, 3, 10)
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("progress", "due_on", "expected"),
    [
        (Progress(0, 4, started=False), None, Status.NOT_STARTED),
        (Progress(0, 4, started=True), None, Status.IN_PROGRESS),
        (Progress(1, 4, started=True), None, Status.IN_PROGRESS),
        (Progress(4, 4, started=True, completed=True), None, Status.COMPLETED),
        # Completion is what learning recorded: a course finished before a re-import added a
        # step stays completed; all steps done but not recorded (yet) is not.
        (Progress(4, 5, started=True, completed=True), None, Status.COMPLETED),
        (Progress(4, 4, started=True), None, Status.IN_PROGRESS),
        # Due today is not overdue yet; the day after it is.
        (Progress(1, 4, started=True), TODAY, Status.IN_PROGRESS),
        (Progress(1, 4, started=True), TODAY - timedelta(days=1), Status.OVERDUE),
        (Progress(0, 4, started=False), TODAY - timedelta(days=1), Status.OVERDUE),
        # Finished late is still completed.
        (
            Progress(4, 4, started=True, completed=True),
            TODAY - timedelta(days=30),
            Status.COMPLETED,
        ),
        # Nothing to do is never complete.
        (Progress(0, 0, started=False), None, Status.NOT_STARTED),
    ],
)
def test_assignment_status(progress, due_on, expected):
    assert assignment_status(progress, due_on, TODAY) == expected


def test_percent_is_rounded_down_and_capped():
    assert Progress(1, 3, True).percent == 33
    assert Progress(5, 4, True).percent == 100
    assert Progress(0, 0, False).percent == 0


def _quiz(failures, passed=False):
    return QuizRecord(
        "Quiz 1", attempts=failures + passed, failures=failures, passed=passed, best_score=40
    )


DUE_SOON = [TODAY + timedelta(days=3)]


def test_one_failed_try_is_not_a_flag_two_are():
    assert help_flags([_quiz(1)], NOW, None, [], NOW) == []
    flags = help_flags([_quiz(2)], NOW, None, [], NOW)
    assert [(f.reason, f.quiz_title, f.failures) for f in flags] == [
        (HelpReason.FAILED_QUIZ, "Quiz 1", 2)
    ]


def test_failed_twice_then_passed_is_not_a_flag():
    assert help_flags([_quiz(2, passed=True)], NOW, None, [], NOW) == []


def test_the_failed_tries_threshold_is_a_setting():
    rules = HelpRules(failed_tries=3)
    assert help_flags([_quiz(2)], NOW, None, [], NOW, rules) == []
    assert help_flags([_quiz(3)], NOW, None, [], NOW, rules)[0].failures == 3


@pytest.mark.parametrize(
    ("idle", "flagged"),
    [
        (timedelta(days=14), False),
        (timedelta(days=14, seconds=1), True),
        (timedelta(days=15), True),
        (timedelta(days=13, hours=23), False),
    ],
)
def test_no_activity_for_more_than_14_days_with_work_due_soon(idle, flagged):
    flags = help_flags([], NOW - idle, None, DUE_SOON, NOW)
    assert bool(flags) is flagged
    if flagged:
        assert flags[0].reason == HelpReason.NO_ACTIVITY
        assert flags[0].idle_days == idle.days


@pytest.mark.parametrize(
    ("due", "flagged"),
    [
        ([None], False),  # no due date: never looks stuck
        ([TODAY + timedelta(days=8)], False),  # due later than the 7-day window
        ([TODAY + timedelta(days=7)], True),
        ([TODAY], True),
        ([None, TODAY + timedelta(days=1)], True),
    ],
)
def test_idle_counts_only_while_work_is_due(due, flagged):
    flags = help_flags([], NOW - timedelta(days=30), None, due, NOW)
    assert (HelpReason.NO_ACTIVITY in [f.reason for f in flags]) is flagged


def test_the_idle_thresholds_are_settings():
    rules = HelpRules(idle_days=30, due_within_days=60)
    later = [TODAY + timedelta(days=45)]
    assert help_flags([], NOW - timedelta(days=20), None, later, NOW, rules) == []
    assert help_flags([], NOW - timedelta(days=31), None, later, NOW, rules)[0].idle_days == 31


def test_past_due_work_is_a_flag_naming_the_earliest_date():
    due = [TODAY - timedelta(days=1), TODAY - timedelta(days=5), None]
    flags = help_flags([], NOW, None, due, NOW)
    assert [(f.reason, f.due_on) for f in flags] == [
        (HelpReason.PAST_DUE, TODAY - timedelta(days=5))
    ]
    assert help_flags([], NOW, None, [TODAY], NOW) == []  # due today is not past


def test_old_activity_with_everything_finished_is_not_a_flag():
    assert help_flags([], NOW - timedelta(days=40), None, [], NOW) == []


def test_never_started_counts_from_when_the_work_was_given():
    assert help_flags([], None, NOW - timedelta(days=14), DUE_SOON, NOW) == []
    assert help_flags([], None, NOW - timedelta(days=15), DUE_SOON, NOW)[0].idle_days == 15


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Ana = friend", "Ana = friend"),
        (None, ""),
        (42, 42),  # numbers stay numbers: never run as a formula
        (2.5, 2.5),
        (True, "True"),
    ],
)
def test_cells_that_look_like_formulas_are_escaped(value, expected):
    assert escape_cell(value) == expected


def test_csv_lines_start_with_a_bom_and_quote_commas():
    text = "".join(csv_lines(["Name", "Note"], [["Núñez, Ana", "=1+1"]]))
    assert text == BOM + "Name,Note\r\n" + '"Núñez, Ana",\'=1+1\r\n'


def test_csv_comes_in_pieces_of_bounded_size():
    rows = [[f"patron {n}", n] for n in range(5000)]
    pieces = list(csv_lines(["Name", "N"], rows, chunk_size=4096))
    assert len(pieces) > 10
    assert max(len(piece) for piece in pieces) < 4096 + 100
    assert "".join(pieces).count("\r\n") == 5001


def test_work_overdue_longer_than_the_window_flags_nobody():
    """An old class's work (overdue for months) is not a reason to call today."""
    long_ago = [TODAY - timedelta(days=31)]
    assert help_flags([], NOW - timedelta(days=60), None, long_ago, NOW) == []
    recent = [TODAY - timedelta(days=30)]
    reasons = [f.reason for f in help_flags([], NOW - timedelta(days=60), None, recent, NOW)]
    assert reasons == [HelpReason.PAST_DUE, HelpReason.NO_ACTIVITY]
    wide = HelpRules(overdue_within_days=90)
    assert help_flags([], NOW - timedelta(days=60), None, long_ago, NOW, wide)
