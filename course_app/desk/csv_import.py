"""Reading a CSV file of patrons: every row checked, every problem named by line and column.

Pure: no Flask and no database. Problems carry a code and values, not sentences, so the
page can say them in the reader's language (see desk/messages.py). Checks that need the
database (card already used, branch not one of yours) come after, in desk/services.py.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from course_app.desk.cards import CardNumberError, normalise_card_number

MAX_ROWS = 500
NAME_MAX = 120
EMAIL_MAX = 254
BRANCH_MAX = 40
COLUMNS = ("name", "card_number", "email", "branch")
# Other spellings a spreadsheet may have in its first row.
ALIASES = {"branch_code": "branch", "card": "card_number", "library_card": "card_number"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: line 1 is the header; line 0 and no column mean the whole file."""

    line: int
    column: str | None
    code: str
    values: dict = field(default_factory=dict)


@dataclass
class CsvRow:
    line: int
    name: str
    card_number: str  # normalised, or "" when there is none (or it was refused)
    email: str
    branch_code: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ParsedCsv:
    rows: list[CsvRow] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + [p for row in self.rows for p in row.problems]

    @property
    def ok(self) -> bool:
        return not self.problems


def _clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def _header_name(cell: str) -> str:
    name = re.sub(r"[\s\-]+", "_", cell.strip().lower())
    return ALIASES.get(name, name)


def _read_header(cells: list[str]) -> tuple[list[str], list[Problem]]:
    names = [_header_name(cell) for cell in cells]
    problems = []
    for position, name in enumerate(names, start=1):
        if name not in COLUMNS:
            problems.append(
                Problem(1, None, "header-unknown-column", {"name": cells[position - 1]})
            )
        elif names.index(name) != position - 1:
            problems.append(Problem(1, name, "header-duplicate-column", {"name": name}))
    if "name" not in names:
        problems.append(Problem(1, "name", "header-missing-name"))
    return names, problems


def _check_row(line: int, values: dict[str, str], extra: int) -> CsvRow:
    row = CsvRow(
        line=line,
        name=_clean(values.get("name", "")),
        card_number="",
        email=values.get("email", "").strip(),
        branch_code=values.get("branch", "").strip().lower(),
    )

    def problem(column: str | None, code: str, **kw) -> None:
        row.problems.append(Problem(line, column, code, kw))

    if extra:
        problem(None, "extra-values", count=extra)
    if not row.name:
        problem("name", "name-missing")
    elif len(row.name) > NAME_MAX:
        problem("name", "name-too-long", max=NAME_MAX)
    raw_card = values.get("card_number", "").strip()
    if raw_card:
        try:
            row.card_number = normalise_card_number(raw_card)
        except CardNumberError as error:
            problem("card_number", f"card-{error.reason}")
    if len(row.email) > EMAIL_MAX:
        problem("email", "email-too-long", max=EMAIL_MAX)
    elif row.email and not EMAIL.match(row.email):
        problem("email", "email-bad")
    if len(row.branch_code) > BRANCH_MAX:
        problem("branch", "branch-too-long", max=BRANCH_MAX)
    return row


def _decode(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def parse_patron_csv(data: bytes) -> ParsedCsv:
    """Every row of the file with its problems; never raises, whatever the bytes are."""
    result = ParsedCsv()
    text = _decode(data)
    if text is None:
        result.file_problems.append(Problem(0, None, "not-text"))
        return result
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Spanish (and others) save "CSV" with semicolons.
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header: list[str] | None = None
        line = 0
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header, problems = _read_header(cells)
                if problems:
                    result.file_problems.extend(problems)
                    return result
                continue
            if len(result.rows) == MAX_ROWS:
                result.file_problems.append(Problem(0, None, "too-many-rows", {"max": MAX_ROWS}))
                return result
            values = {name: value for name, value in zip(header, cells, strict=False)}
            extra = sum(1 for cell in cells[len(header) :] if cell.strip())
            result.rows.append(_check_row(start, values, extra))
    except csv.Error:
        result.file_problems.append(Problem(reader.line_num, None, "not-csv"))
        return result
    if header is None:
        result.file_problems.append(Problem(0, None, "empty"))
    elif not result.rows:
        result.file_problems.append(Problem(0, None, "no-rows"))
    _mark_duplicate_cards(result.rows)
    return result


def _mark_duplicate_cards(rows: list[CsvRow]) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.card_number:
            continue
        if row.card_number in first_line:
            row.problems.append(
                Problem(
                    row.line,
                    "card_number",
                    "card-duplicate-in-file",
                    {"first": first_line[row.card_number]},
                )
            )
        else:
            first_line[row.card_number] = row.line


TEMPLATE_CSV = "name,card_number,email,branch\r\nMaría López,,,\r\n"
