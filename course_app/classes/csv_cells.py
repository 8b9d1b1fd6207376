"""CSV cells safe to open in a spreadsheet. Pure: no Flask, no database."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def escape_cell(value: object) -> object:
    """The cell as text; text a spreadsheet would read as a formula gets a leading quote.

    Whole numbers and decimals go out as they are: a number is never run as a formula.
    """
    if value is None:
        return ""
    if type(value) in (int, float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_lines(
    header: list[str], rows: Iterable[list[object]], chunk_size: int = 64 * 1024
) -> Iterator[str]:
    """The table as CSV text, BOM first so Excel reads it as UTF-8, in pieces of about
    chunk_size characters: memory stays flat however many rows, with few writes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([escape_cell(c) for c in header])
    for row in rows:
        writer.writerow([escape_cell(c) for c in row])
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    rest = buffer.getvalue()
    if rest:
        yield rest
