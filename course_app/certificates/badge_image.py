"""Each course's badge, drawn as SVG from its title and topic, and baking an Open Badges 2.0
assertion into it (the 2.0 baking specification: an <openbadges:assertion> element right
after the opening <svg> tag, with the assertion's URL in `verify` and its JSON inside)."""

from __future__ import annotations

import hashlib
import json
import textwrap
from xml.sax.saxutils import escape, quoteattr

OPENBADGES_NS = "http://openbadges.org"
SIZE = 400
TITLE_WIDTH = 16  # characters per line that fit inside the circle at this font size
TITLE_LINES = 4


def topic_hue(topic: str) -> int:
    """A steady colour per topic, so badges of one topic look alike."""
    return int(hashlib.sha256(topic.encode("utf-8")).hexdigest()[:4], 16) % 360


def _title_lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, TITLE_WIDTH, break_long_words=True) or [""]
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        lines[-1] = lines[-1][: TITLE_WIDTH - 1].rstrip() + "…"
    return lines


def draw_badge_svg(title: str, topic: str, issuer_name: str) -> str:
    """A square badge: a ring in the topic's colour, the topic above, the course title in the
    middle and the issuer below; dark text on light colours (contrast above 7:1)."""
    hue = topic_hue(topic)
    lines = _title_lines(title)
    line_height = 34
    first_y = SIZE / 2 - (len(lines) - 1) * line_height / 2 + 10
    title_spans = "".join(
        f'<tspan x="200" y="{first_y + n * line_height:.0f}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    label = escape(f"{title} ({topic})")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label={quoteattr(label)}>'
        f"<title>{label}</title>"
        f'<circle cx="200" cy="200" r="196" fill="hsl({hue},55%,28%)"/>'
        f'<circle cx="200" cy="200" r="170" fill="hsl({hue},70%,94%)"/>'
        f'<circle cx="200" cy="200" r="160" fill="none" stroke="hsl({hue},55%,28%)" '
        'stroke-width="4" stroke-dasharray="2 8"/>'
        f'<text x="200" y="92" text-anchor="middle" font-family="sans-serif" font-size="22" '
        f'font-weight="bold" fill="hsl({hue},60%,20%)">{escape(topic.upper()[:24])}</text>'
        '<text text-anchor="middle" font-family="sans-serif" font-size="30" font-weight="bold" '
        f'fill="#1a1a1a">{title_spans}</text>'
        f'<text x="200" y="330" text-anchor="middle" font-family="sans-serif" font-size="18" '
        f'fill="hsl({hue},60%,20%)">{escape(issuer_name[:32])}</text>'
        "</svg>"
    )


def bake_svg(svg: str, assertion_url: str, assertion: dict) -> str:
    """The badge with the hosted assertion baked in, ready to upload to a backpack."""
    body = json.dumps(assertion, ensure_ascii=False, separators=(",", ":"))
    body = body.replace("]]>", "]]\\u003e")  # a JSON string holding "]]>" would end the CDATA
    opening_end = svg.index(">") + 1
    opening = svg[: opening_end - 1] + f' xmlns:openbadges="{OPENBADGES_NS}">'
    element = (
        f"<openbadges:assertion verify={quoteattr(assertion_url)}>"
        f"<![CDATA[{body}]]></openbadges:assertion>"
    )
    return opening + element + svg[opening_end:]
