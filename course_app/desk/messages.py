"""What each CSV problem code means, in words a librarian reads on the preview page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from course_app.desk.csv_import import Problem

PROBLEM_TEXTS = {
    "not-text": _l(
        "This is not a CSV file we can read. In your spreadsheet, choose Save as, "
        "then “CSV UTF-8”, and upload that file."
    ),
    "not-csv": _l("The file is broken here (often a quote mark that is never closed)."),
    "empty": _l("The file is empty."),
    "no-rows": _l("The file has a header row but no patrons under it."),
    "too-many-rows": _l("The file has more than %(max)d patrons. Split it into smaller files."),
    "header-missing-name": _l("The first row must name the columns, and one must be “name”."),
    "header-unknown-column": _l(
        "The first row has a column we do not know: “%(name)s”. "
        "Use only name, card_number, email and branch."
    ),
    "header-duplicate-column": _l("The column “%(name)s” appears twice in the first row."),
    "extra-values": _l("This row has more values than there are columns."),
    "name-missing": _l("The name is missing."),
    "name-too-long": _l("The name is too long (at most %(max)d characters)."),
    "email-bad": _l("This does not look like an email address."),
    "email-too-long": _l("The email address is too long (at most %(max)d characters)."),
    "card-invalid": _l("Use only letters and numbers in a card number."),
    "card-too-short": _l("This card number is too short."),
    "card-too-long": _l("This card number is too long."),
    "card-duplicate-in-file": _l("This card number is also on line %(first)d."),
    "card-taken": _l("This card number is already used by another patron."),
    "branch-too-long": _l("This branch code is too long."),
    "branch-unknown": _l("There is no branch with this code among your libraries."),
    "branch-outside-class": _l(
        "This branch is not in the class's library system, so this patron could not join the class."
    ),
}


def problem_text(problem: Problem) -> str:
    """The sentence for a problem, with its values filled in."""
    text = str(PROBLEM_TEXTS[problem.code])
    return text % problem.values if problem.values else text
