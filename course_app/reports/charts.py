"""Server-rendered SVG charts for reports. Pure: no Flask, no database.

    column_chart(data, *, title, description, chart_id, suppressed_text="< 5",
                 empty_text="No data", number_format=str) -> Markup
        an ordered series such as months, left to right, each value above its column
    bar_chart(data, *, ...same...) -> Markup
        categories with long names: one row per label, its bar below it, the value after it
    funnel_chart(data, *, ...same..., percent_format=whole_percent) -> Markup
        the rows of bar_chart, each value followed by its share of the first step: "412 (63%)"

`data` is a sequence of `Datum(label, value)`; the value is a count, or None when it is
suppressed for privacy: then no bar is drawn and `suppressed_text` stands where the value
would be. The largest value spans the full bar length; zero values (or all zeros) draw
zero-length bars; no data at all draws a small chart saying `empty_text`.
`number_format` formats counts and `percent_format` formats a share given as a fraction,
so `flask_babel.format_number` and `flask_babel.format_percent` fit ("63 %" in Spanish).

The result is one `<svg>` element that needs no script, stylesheet, font or image:
- accessible: `role="img"`, named by its `<title>` and `<desc>` through
  `aria-labelledby="{chart_id}-title {chart_id}-desc"` (plus `{chart_id}-empty` when there
  is no data); the caller passes them translated, and the page shows the figures as a table
  too. Every value is printed as text beside its bar, and each datum's group has a `<title>`
  "label: value" shown on hover, whole even when the drawn label is shortened.
- responsive: a `viewBox` 480 units wide, `width="100%"` and no height, so the browser keeps
  the aspect ratio and the chart reflows at 320 px without scrolling. Text scales with the
  chart, so the page stylesheet should cap its width (the svg has `class="chart"`).
- styled by presentation attributes only: the site's CSP forbids style attributes. Text
  #1a1a1a (17:1 on white), bars #1f5f99 (6.7:1), fonts inherited from the page.
- compact: no whitespace between elements, coordinates rounded to one decimal.

Every string drawn (labels, title, description, formatted numbers) is plain text: escaped,
even if it is Markup; characters XML 1.0 cannot carry (control characters, lone surrogates,
U+FFFE, U+FFFF) are dropped, and runs of spaces, tabs and newlines become one space.
Long labels are wrapped onto two lines (bar, funnel) or shortened with an ellipsis (column),
and column labels are thinned to every 2nd, 3rd, 4th, 6th, 12th... when they would collide.

Errors: an unsafe `chart_id` (it must be an ASCII letter, then letters, digits, hyphens), an
empty title or description, or a negative value raise ValueError; a value that is not an
int, or an item that is not a Datum, raise TypeError.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import count

from markupsafe import Markup, escape

WIDTH = 480
PAD = 8
FONT = 16
TEXT_COLOUR = "#1a1a1a"
BAR_COLOUR = "#1f5f99"
COLUMN_HEIGHT = 180
MAX_COLUMN_LABEL = 120  # viewBox units, or the column's width if wider; longer is shortened
ROW_LINE = 20
ROW_BAR = 22
ROW_GAP = 14
MIN_ROW_BAR = 120
LABEL_GAP = 6
ELLIPSIS = "…"
_NARROW = frozenset("fijlrtI.,:;'!|()[] ")
_WIDE = frozenset("mwMW@%")

_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile("[\t\n\r ]+")


@dataclass(frozen=True)
class Datum:
    label: str
    value: int | None  # None: suppressed for privacy
    # Shown instead of the chart's suppressed text when value is None (e.g. "hidden" for a
    # value hidden only so that a small one cannot be worked out).
    note: str | None = None

    def __post_init__(self) -> None:
        if self.value is None:
            return
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise TypeError(f"a chart value must be an int or None, not {self.value!r}")
        if self.value < 0:
            raise ValueError(f"a chart value cannot be negative: {self.value}")


def whole_percent(share: float) -> str:
    """A share as a whole percent, halves rounded up: 0.625 -> "63%"."""
    percent = Decimal(str(share)).scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{percent}%"


def column_chart(
    data: Sequence[Datum],
    *,
    title: str,
    description: str,
    chart_id: str,
    suppressed_text: str = "< 5",
    empty_text: str = "No data",
    number_format: Callable[[int], str] = str,
) -> Markup:
    """Columns in the order given, each with its value above it; labels thinned to fit."""
    _check(data, title, description, chart_id)
    if not data:
        return _empty_chart(chart_id, title, description, empty_text)
    slot = (WIDTH - 2 * PAD) / len(data)
    bar_width = min(slot * 0.7, 48)
    values = [_value_text(datum, number_format, suppressed_text) for datum in data]
    value_size = min(FONT, slot * 0.75)
    widest_value = max(_text_width(value, value_size) for value in values)
    upright = widest_value <= slot - 2
    base = (value_size if upright else widest_value) + 8 + COLUMN_HEIGHT
    label_width = max(MAX_COLUMN_LABEL, slot - LABEL_GAP)
    labels = [_fit(_clean(datum.label), label_width, FONT) for datum in data]
    label_x = _column_label_positions(labels, slot)
    largest = _largest(data)

    body = [f'<path d="M{PAD} {_n(base)}H{WIDTH - PAD}" stroke="{TEXT_COLOUR}"/>']
    for index, (datum, value, label) in enumerate(zip(data, values, labels, strict=True)):
        centre = PAD + slot * (index + 0.5)
        parts = [_hover_title(datum, value)]
        top = base
        if datum.value is not None:
            length = _length(datum.value, largest, COLUMN_HEIGHT)
            top = base - length
            parts.append(_rect(centre - bar_width / 2, top, bar_width, length))
        size = "" if value_size == FONT else f' font-size="{_n(value_size)}"'
        if upright:
            parts.append(f'<text x="{_n(centre)}" y="{_n(top - 4)}"{size}>{escape(value)}</text>')
        else:
            x, y = _n(centre + value_size * 0.35), _n(top - 4)
            parts.append(
                f'<text x="{x}" y="{y}" transform="rotate(-90 {x} {y})" text-anchor="start"'
                f"{size}>{escape(value)}</text>"
            )
        if index in label_x:
            x = label_x[index]
            parts.append(f'<text x="{_n(x)}" y="{_n(base + 20)}">{escape(label)}</text>')
        body.append(f"<g>{''.join(parts)}</g>")
    return _svg(chart_id, WIDTH, base + 26, title, description, "".join(body), middle=True)


def bar_chart(
    data: Sequence[Datum],
    *,
    title: str,
    description: str,
    chart_id: str,
    suppressed_text: str = "< 5",
    empty_text: str = "No data",
    number_format: Callable[[int], str] = str,
) -> Markup:
    """One row per datum in the order given: the label, then a bar with the value after it."""
    _check(data, title, description, chart_id)
    if not data:
        return _empty_chart(chart_id, title, description, empty_text)
    values = [_value_text(datum, number_format, suppressed_text) for datum in data]
    return _row_chart(data, values, chart_id, title, description)


def funnel_chart(
    data: Sequence[Datum],
    *,
    title: str,
    description: str,
    chart_id: str,
    suppressed_text: str = "< 5",
    empty_text: str = "No data",
    number_format: Callable[[int], str] = str,
    percent_format: Callable[[float], str] = whole_percent,
) -> Markup:
    """Steps as rows like bar_chart, each count followed by its share of the first step.

    No shares are shown when the first step is zero or suppressed; a later step that is
    larger than the first (counts from different date ranges) shows over 100%.
    """
    _check(data, title, description, chart_id)
    if not data:
        return _empty_chart(chart_id, title, description, empty_text)
    first = data[0].value
    values = []
    for datum in data:
        value = _value_text(datum, number_format, suppressed_text)
        if datum.value is not None and first:
            value = f"{value} ({_clean(percent_format(datum.value / first))})"
        values.append(value)
    return _row_chart(data, values, chart_id, title, description)


def _row_chart(
    data: Sequence[Datum], values: list[str], chart_id: str, title: str, description: str
) -> Markup:
    widest_value = max(_text_width(value, FONT) for value in values)
    width = max(WIDTH, 2 * PAD + MIN_ROW_BAR + 6 + widest_value)
    full = width - 2 * PAD - 6 - widest_value
    largest = _largest(data)
    body, baseline, y = [], [], 4.0
    for datum, value in zip(data, values, strict=True):
        parts = [_hover_title(datum, value)]
        for line in _wrap(_clean(datum.label), width - 2 * PAD, FONT):
            y += ROW_LINE
            parts.append(f'<text x="{PAD}" y="{_n(y - 5)}">{escape(line)}</text>')
        y += 4
        length = 0.0
        if datum.value is not None:
            length = _length(datum.value, largest, full)
            parts.append(_rect(PAD, y, length, ROW_BAR))
        parts.append(
            f'<text x="{_n(PAD + length + 6)}" y="{_n(y + ROW_BAR / 2 + FONT * 0.35)}">'
            f"{escape(value)}</text>"
        )
        baseline.append(f"M{PAD - 1} {_n(y - 3)}v{ROW_BAR + 6}")
        body.append(f"<g>{''.join(parts)}</g>")
        y += ROW_BAR + ROW_GAP
    axis = f'<path d="{"".join(baseline)}" stroke="{TEXT_COLOUR}" stroke-width="2"/>'
    return _svg(chart_id, width, y, title, description, axis + "".join(body))


def _check(data: Sequence[Datum], title: str, description: str, chart_id: str) -> None:
    if not isinstance(chart_id, str) or not _CHART_ID.fullmatch(chart_id):
        raise ValueError(
            f"chart_id must be an ASCII letter then letters, digits or hyphens: {chart_id!r}"
        )
    if not _clean(title) or not _clean(description):
        raise ValueError("a chart needs a title and a description: they are its accessible name")
    for datum in data:
        if not isinstance(datum, Datum):
            raise TypeError(f"chart data must be Datum items, not {datum!r}")


def _empty_chart(chart_id: str, title: str, description: str, empty_text: str) -> Markup:
    body = f'<text id="{chart_id}-empty" x="{PAD}" y="26">{escape(_clean(empty_text))}</text>'
    return _svg(chart_id, WIDTH, 40, title, description, body, also_named_by="empty")


def _svg(
    chart_id: str,
    width: float,
    height: float,
    title: str,
    description: str,
    body: str,
    *,
    middle: bool = False,
    also_named_by: str = "",
) -> Markup:
    names = f"{chart_id}-title {chart_id}-desc"
    if also_named_by:
        names += f" {chart_id}-{also_named_by}"
    anchor = ' text-anchor="middle"' if middle else ""
    # Every text is escaped where it is placed; the rest is numbers, constants and the checked id.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart"'
        f' viewBox="0 0 {_n(width)} {_n(height)}" width="100%"'
        f' preserveAspectRatio="xMinYMin meet" role="img"'
        f' aria-labelledby="{names}" font-family="inherit" font-size="{FONT}"'
        f' fill="{TEXT_COLOUR}"{anchor}>'
        f'<title id="{chart_id}-title">{escape(_clean(title))}</title>'
        f'<desc id="{chart_id}-desc">{escape(_clean(description))}</desc>{body}</svg>'
    )


def _hover_title(datum: Datum, value: str) -> str:
    return f"<title>{escape(_clean(datum.label))}: {escape(value)}</title>"


def _rect(x: float, y: float, width: float, height: float) -> str:
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"'
        f' fill="{BAR_COLOUR}"/>'
    )


def _value_text(datum: Datum, number_format: Callable[[int], str], suppressed: str) -> str:
    if datum.value is None:
        return _clean(datum.note or suppressed)
    return _clean(number_format(datum.value))


def _largest(data: Sequence[Datum]) -> int:
    return max((datum.value for datum in data if datum.value is not None), default=0)


def _length(value: int, largest: int, full: float) -> float:
    # All zeros (or all suppressed) draw zero-length bars rather than dividing by zero.
    return value / largest * full if largest else 0.0


def _column_label_positions(labels: list[str], slot: float) -> dict[int, float]:
    """Where to centre the labels shown: every step-th, the first step that does not collide.

    Steps are 1, 2, 3, 4, 6 or a multiple of 12, so months land on quarters and years. A label
    is centred under its column but kept inside the chart, which may move the first and last.
    """
    for step in _steps():
        shown: dict[int, float] = {}
        right_of_previous = float("-inf")
        for index in range(0, len(labels), step):
            half = _text_width(labels[index], FONT) / 2
            centre = min(max(PAD + slot * (index + 0.5), PAD + half), WIDTH - PAD - half)
            if centre - half < right_of_previous + LABEL_GAP:
                break
            shown[index] = centre
            right_of_previous = centre + half
        else:
            return shown
    raise AssertionError("unreachable: a step past the last column shows one label")


def _steps() -> Iterator[int]:
    yield from (1, 2, 3, 4, 6)
    yield from count(12, 12)


def _clean(text: object) -> str:
    """Plain text XML 1.0 can carry, on one line."""
    return _SPACES.sub(" ", _NOT_XML.sub("", str(text))).strip()


def _char_width(char: str) -> float:
    """Ems, erring wide: common system fonts draw digits at 0.55 to 0.64 em."""
    if unicodedata.combining(char):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in _NARROW:
        return 0.35
    if char in _WIDE:
        return 0.95
    return 0.75 if char.isupper() else 0.64


def _text_width(text: str, size: float) -> float:
    """A generous estimate (no font metrics on the server) of the drawn width."""
    return sum(_char_width(char) for char in text) * size


def _fit(text: str, width: float, size: float) -> str:
    """The text, or as much of it as fits before an ellipsis."""
    if _text_width(text, size) <= width:
        return text
    room = width - _text_width(ELLIPSIS, size)
    kept = ""
    for char in text:
        if _text_width(kept + char, size) > room:
            break
        kept += char
    return kept.rstrip() + ELLIPSIS


def _wrap(text: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """Lines of at most `width`, broken at spaces (inside a word only if it is too long)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if len(lines) > max_lines:
            break  # a pasted page of text costs no more than a long title
        joined = f"{line} {word}" if line else word
        if _text_width(joined, size) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        while len(lines) <= max_lines and _text_width(word, size) > width:
            head = _fit(word, width, size)[:-1] or word[0]
            lines.append(head)
            word = word[len(head) :]
        line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        # What did not fit is longer than a line, so _fit always ends it with the ellipsis.
        lines[max_lines - 1 :] = [_fit(" ".join(lines[max_lines - 1 :]), width, size)]
    return lines


def _n(number: float) -> str:
    rounded = round(number, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)
