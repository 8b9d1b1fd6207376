"""Small Jinja filters for display only."""

from __future__ import annotations

import re

from flask import Flask
from markupsafe import Markup

_ONE_PARAGRAPH = re.compile(r"^\s*<p>(?P<inner>(?:(?!<p[ >]).)*?)</p>\s*$", re.S)


def unwrap_paragraph(html: str) -> Markup:
    """Drops the <p> around a one-paragraph prompt, so it can sit inside a <legend>."""
    match = _ONE_PARAGRAPH.match(html or "")
    return Markup(match.group("inner") if match else html)  # noqa: S704 - sanitised at import


def init_templating(app: Flask) -> None:
    app.add_template_filter(unwrap_paragraph, "unwrap_paragraph")
