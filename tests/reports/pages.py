"""Reading report pages and CSV files back in tests, the way a person would compare them."""

from __future__ import annotations

import csv
import html as html_text
import io
import re
from html.parser import HTMLParser


class _TableReader(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.depth, self.rows = table_id, 0, []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []
        elif self.depth and tag == "span" and "visually-hidden" in (attrs.get("class") or ""):
            self.depth += 1  # words for screen readers only: not what the eye reads

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "span" and self.depth > 1:
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.depth = 0

    def handle_data(self, data):
        if self.depth == 1 and self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """Header and body rows of the table, as the text a sighted reader sees."""
    reader = _TableReader(table_id)
    reader.feed(html)
    assert reader.rows, f"no table {table_id} on the page"
    return reader.rows


def figures(html: str) -> dict[str, str]:
    found = re.findall(r'data-figure="(\w+)">([^<]*)<', html)
    return {key: html_text.unescape(value) for key, value in found}


def csv_rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "CSV files start with a byte order mark"
    return list(csv.reader(io.StringIO(text[1:])))


def plain(cell: str) -> str:
    """A screen cell as the CSV writes it: no thousands separators, no % sign."""
    return cell.replace(",", "").removesuffix("%").replace("—", "")
