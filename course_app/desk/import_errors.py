"""Why an import of patrons is refused, and the one table of words for every reason.

The same codes and words serve the desk import and the import into a class: the file's
problems (not CSV, wrong columns, too many rows), a row's (no name, a card used twice, a
branch that is not yours) and the preview's (too old, already imported, changed since).
The pure reader (desk/csv_import.py) names its problems with these codes.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from course_app.desk.csv_import import ParsedCsv, Problem
from course_app.domain_errors import DomainError


class PatronImportError(DomainError):
    """An import refused, nothing saved; `reason` names the rule and `values` fill in its words.

    A file refused carries every problem found and the file as read, for the preview page.
    """

    # The file as a whole (found by desk/csv_import.py).
    NOT_TEXT = "not-text"
    NOT_CSV = "not-csv"
    EMPTY = "empty"
    NO_ROWS = "no-rows"
    TOO_MANY_ROWS = "too-many-rows"
    HEADER_MISSING_NAME = "header-missing-name"
    HEADER_UNKNOWN_COLUMN = "header-unknown-column"
    HEADER_DUPLICATE_COLUMN = "header-duplicate-column"
    # One or more rows have problems; each is in `problems`, with its own code below.
    ROWS_REFUSED = "rows-refused"
    # From the preview to the accounts.
    PREVIEW_INVALID = "preview-invalid"
    BRANCH_NOT_VISIBLE = "branch-not-visible"
    ALREADY_IMPORTED = "already-imported"
    CHANGED_SINCE_PREVIEW = "changed-since-preview"

    def __init__(
        self,
        reason: str,
        values: dict | None = None,
        *,
        problems: list[Problem] | None = None,
        parsed: ParsedCsv | None = None,
    ):
        super().__init__(reason)
        self.values = values or {}
        self.problems = problems or []
        self.parsed = parsed

    def message(self) -> str:
        return _words(self.reason, self.values)

    def details(self) -> list[str]:
        return [
            _("Line %(line)d: %(text)s", line=problem.line, text=problem_text(problem))
            for problem in self.problems
        ]


MESSAGES = {
    PatronImportError.NOT_TEXT: _l(
        "This is not a CSV file we can read. In your spreadsheet, choose Save as, "
        "then “CSV UTF-8”, and upload that file."
    ),
    PatronImportError.NOT_CSV: _l(
        "The file is broken here (often a quote mark that is never closed)."
    ),
    PatronImportError.EMPTY: _l("The file is empty."),
    PatronImportError.NO_ROWS: _l("The file has a header row but no patrons under it."),
    PatronImportError.TOO_MANY_ROWS: _l(
        "The file has more than %(max)d patrons. Split it into smaller files."
    ),
    PatronImportError.HEADER_MISSING_NAME: _l(
        "The first row must name the columns, and one must be “name”."
    ),
    PatronImportError.HEADER_UNKNOWN_COLUMN: _l(
        "The first row has a column we do not know: “%(name)s”. "
        "Use only name, card_number, email and branch."
    ),
    PatronImportError.HEADER_DUPLICATE_COLUMN: _l(
        "The column “%(name)s” appears twice in the first row."
    ),
    PatronImportError.ROWS_REFUSED: _l("Some rows of the file have problems. Nothing was saved."),
    PatronImportError.PREVIEW_INVALID: _l(
        "This preview is too old or was changed. Please upload the file again."
    ),
    PatronImportError.BRANCH_NOT_VISIBLE: _l(
        "You cannot add patrons to the library chosen for this import. Nothing was saved."
    ),
    PatronImportError.ALREADY_IMPORTED: _l(
        "These accounts were already made. Find them in the list of patrons."
    ),
    PatronImportError.CHANGED_SINCE_PREVIEW: _l(
        "Something changed since the preview. Nothing was saved."
    ),
    # A row's problems.
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


def _words(code: str, values: dict) -> str:
    text = str(MESSAGES[code])
    return text % values if values else text


def problem_text(problem: Problem) -> str:
    """The sentence for a problem, with its values filled in."""
    return _words(problem.code, problem.values)
