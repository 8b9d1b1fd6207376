"""QR codes for a certificate's verification address: inline SVG for pages, PNG for the PDF."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup, escape


def _qr(url: str) -> segno.QRCode:
    # Level M survives a crease or a smudge on a printed page and keeps the code small.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, label: str) -> Markup:
    """An inline SVG of the QR code for url; label is its text alternative for screen readers."""
    svg = _qr(url).svg_inline(scale=1, border=4, svgclass="qr", omitsize=True, light="#fff")
    attributes = f' role="img" aria-label="{escape(label)}" focusable="false"'
    # segno writes the SVG itself and the only outside text, the label, is escaped above.
    return Markup(svg.replace("<svg", "<svg" + attributes, 1))  # noqa: S704


def qr_png(url: str, scale: int = 10) -> bytes:
    """PNG bytes of the QR code for url, black on white with the standard quiet zone."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return buffer.getvalue()
