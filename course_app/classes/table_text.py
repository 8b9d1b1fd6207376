"""The class table in words: the same header and cells for the page and the CSV export.

Status is always spelled out ("Overdue", "In progress (40%)"), never shown by colour alone.
A class of 200 patrons has thousands of cells, so the request's translations are looked up
once (`TableWords`) rather than once per string, and repeated cells are worded once.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, get_translations

from course_app.classes.models import Assignment
from course_app.classes.status import HelpFlag, HelpReason, HelpRules, QuizRecord, Status
from course_app.classes.table import Cell, ClassTable, PatronRow


class TableWords:
    """Words for one request's language; `t.gettext` and `t.ngettext` are what babel extracts."""

    def __init__(self):
        self.t = get_translations()
        self._status: dict[tuple[Status, int], str] = {}
        self._quiz: dict[QuizRecord, str] = {}
        self._dates: dict[date, str] = {}

    def date(self, value: datetime | date) -> str:
        day = value.date() if isinstance(value, datetime) else value
        if day not in self._dates:
            self._dates[day] = format_date(day)
        return self._dates[day]

    def assignment_heading(self, assignment: Assignment) -> str:
        """The assignment's title, for whom, and when it is due."""
        t = self.t
        parts = [assignment.title]
        if assignment.user is not None:
            parts.append(t.gettext("for %(name)s only") % {"name": assignment.user.display_name})
        if assignment.due_on is not None:
            parts.append(t.gettext("due %(date)s") % {"date": self.date(assignment.due_on)})
        return ", ".join(parts)

    def status(self, status: Status, percent: int) -> str:
        key = (status, percent)
        if key not in self._status:
            t = self.t
            if status == Status.COMPLETED:
                text = t.gettext("Completed")
            elif status == Status.OVERDUE:
                text = t.gettext("Overdue (%(p)d%% done)") % {"p": percent}
            elif status == Status.IN_PROGRESS:
                text = t.gettext("In progress (%(p)d%%)") % {"p": percent}
            else:
                text = t.gettext("Not started")
            self._status[key] = text
        return self._status[key]

    def quiz(self, quiz: QuizRecord) -> str:
        if quiz not in self._quiz:
            t = self.t
            if not quiz.attempts:
                text = t.gettext("%(quiz)s: not tried") % {"quiz": quiz.title}
            else:
                tries = t.ngettext("%(num)d try", "%(num)d tries", quiz.attempts) % {
                    "num": quiz.attempts
                }
                verdict = t.gettext("passed") if quiz.passed else t.gettext("not passed yet")
                text = t.gettext("%(quiz)s: best %(score)d%%, %(tries)s, %(verdict)s") % {
                    "quiz": quiz.title,
                    "score": quiz.best_score or 0,
                    "tries": tries,
                    "verdict": verdict,
                }
            self._quiz[quiz] = text
        return self._quiz[quiz]

    def quizzes(self, cell: Cell) -> str:
        return "; ".join(self.quiz(q) for q in cell.quizzes)

    def flag(self, flag: HelpFlag, rules: HelpRules) -> str:
        """What happened, then the rule it met, so a librarian can judge the flag."""
        t = self.t
        if flag.reason == HelpReason.FAILED_QUIZ:
            return t.gettext(
                "did not pass %(quiz)s after %(num)d tries (rule: %(rule)d failed tries)"
            ) % {"quiz": flag.quiz_title, "num": flag.failures, "rule": rules.failed_tries}
        if flag.reason == HelpReason.PAST_DUE:
            return t.gettext("work was due %(date)s (rule: past its due date)") % {
                "date": self.date(flag.due_on)
            }
        return t.gettext(
            "no activity for %(num)d days while work is due "
            "(rule: more than %(rule)d days, work due within %(within)d days)"
        ) % {"num": flag.idle_days, "rule": rules.idle_days, "within": rules.due_within_days}

    def help(self, row: PatronRow, rules: HelpRules) -> str:
        if not row.flags:
            return ""
        reasons = "; ".join(self.flag(f, rules) for f in row.flags)
        if row.handled_at is not None:
            return self.t.gettext("Handled %(date)s: %(reasons)s") % {
                "date": self.date(row.handled_at),
                "reasons": reasons,
            }
        return self.t.gettext("May need help: %(reasons)s") % {"reasons": reasons}

    def header(self, table: ClassTable) -> list[str]:
        t = self.t
        header = [
            t.gettext("Patron"),
            t.gettext("Username"),
            t.gettext("Last activity"),
            t.gettext("May need help"),
        ]
        for assignment in table.assignments:
            title = self.assignment_heading(assignment)
            header += [title, t.gettext("%(title)s: quizzes") % {"title": title}]
        return header

    def row(self, row: PatronRow, rules: HelpRules) -> list[str]:
        if row.last_activity:
            last = self.date(row.last_activity)
        else:
            last = self.t.gettext("No activity yet")
        cells = [row.user.display_name, row.user.username, last, self.help(row, rules)]
        not_assigned = self.t.gettext("Not assigned")
        for cell in row.cells:
            if cell is None:
                cells += [not_assigned, ""]
            else:
                cells += [self.status(cell.status, cell.progress.percent), self.quizzes(cell)]
        return cells


def table_text(table: ClassTable) -> tuple[list[str], list[list[str]]]:
    """The header and every row's cells, as shown on the page and written to the CSV."""
    words = TableWords()
    return words.header(table), [words.row(row, table.rules) for row in table.rows]
