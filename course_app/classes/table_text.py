"""The class table in words: the same header and cells for the page and the CSV export.

Status is always spelled out ("Overdue", "In progress (40%)"), never shown by colour alone.
"""

from __future__ import annotations

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from course_app.classes.models import Assignment
from course_app.classes.status import HelpFlag, HelpReason, Status
from course_app.classes.table import Cell, ClassTable, PatronRow


def assignment_heading(assignment: Assignment) -> str:
    """The assignment's title, for whom, and when it is due."""
    parts = [assignment.title]
    if assignment.user is not None:
        parts.append(_("for %(name)s only", name=assignment.user.display_name))
    if assignment.due_on is not None:
        parts.append(_("due %(date)s", date=format_date(assignment.due_on)))
    return ", ".join(parts)


def status_text(status: Status, percent: int) -> str:
    if status == Status.COMPLETED:
        return _("Completed")
    if status == Status.OVERDUE:
        return _("Overdue (%(p)d%% done)", p=percent)
    if status == Status.IN_PROGRESS:
        return _("In progress (%(p)d%%)", p=percent)
    return _("Not started")


def quizzes_text(cell: Cell) -> str:
    parts = []
    for quiz in cell.quizzes:
        if not quiz.attempts:
            parts.append(_("%(quiz)s: not tried", quiz=quiz.title))
            continue
        tries = ngettext("%(num)d try", "%(num)d tries", quiz.attempts)
        verdict = _("passed") if quiz.passed else _("not passed yet")
        parts.append(
            _(
                "%(quiz)s: best %(score)d%%, %(tries)s, %(verdict)s",
                quiz=quiz.title,
                score=quiz.best_score or 0,
                tries=tries,
                verdict=verdict,
            )
        )
    return "; ".join(parts)


def flag_text(flag: HelpFlag) -> str:
    if flag.reason == HelpReason.FAILED_QUIZ:
        return _(
            "did not pass %(quiz)s after %(num)d tries", quiz=flag.quiz_title, num=flag.failures
        )
    return _("no activity for %(num)d days", num=flag.idle_days)


def help_text(row: PatronRow) -> str:
    if not row.flags:
        return ""
    return _("May need help: %(reasons)s", reasons="; ".join(flag_text(f) for f in row.flags))


def table_header(table: ClassTable) -> list[str]:
    header = [_("Patron"), _("Username"), _("Last activity"), _("May need help")]
    for assignment in table.assignments:
        title = assignment_heading(assignment)
        header += [title, _("%(title)s: quizzes", title=title)]
    return header


def table_row(row: PatronRow) -> list[str]:
    last = format_date(row.last_activity) if row.last_activity else _("No activity yet")
    cells = [row.user.display_name, row.user.username, last, help_text(row)]
    for cell in row.cells:
        if cell is None:
            cells += [_("Not assigned"), ""]
        else:
            cells += [status_text(cell.status, cell.progress.percent), quizzes_text(cell)]
    return cells
