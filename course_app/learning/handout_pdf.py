"""A module's handout as a PDF: one or two A4/Letter pages in the lesson's language, for
library classes and for patrons to take home. Made with fpdf2, like the certificates."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from flask_babel import force_locale
from flask_babel import gettext as _

from course_app.content.handout import Handout, HandoutLesson, Sheet

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS_DIR = Path(__file__).resolve().parent.parent / "certificates" / "fonts"
FONT = "DejaVu"
BRAND = (11, 79, 138)
INK = (26, 26, 26)
MUTED = (74, 74, 74)
PICTURE_WIDTH = 62  # mm: big enough to read a label, small enough for two pages
PICTURE_MAX_HEIGHT = 48
WRITE_IN_LINES = 3
MEDICINE_ROWS = 5


def render_handout_pdf(
    handout: Handout, load_media: Callable[[str], bytes | None], paper: str = "A4"
) -> bytes:
    """The handout as PDF bytes; load_media gives a picture file's bytes by its name."""
    with force_locale(handout.language):
        return _build(handout, load_media, paper)


def _build(handout: Handout, load_media, paper: str) -> bytes:
    from fpdf import FPDF  # loaded on the first handout, as for certificates

    pdf = FPDF(orientation="portrait", unit="mm", format=paper)
    pdf.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(_("Handout: %(module)s", module=handout.module_title))
    pdf.set_author(handout.site_name)
    pdf.set_creator(handout.site_name)
    pdf.set_lang(handout.language)
    pdf.add_page()

    _text(pdf, f"{handout.site_name} · {handout.course_title}", 9, color=MUTED, height=5)
    _text(pdf, handout.module_title, 17, bold=True, color=BRAND, height=9)
    pdf.ln(1)
    for lesson in handout.lessons:
        _lesson(pdf, lesson, load_media)
    if handout.glossary:
        _heading(pdf, _("Words to know"))
        for term, definition in handout.glossary:
            pdf.set_font(FONT, "B", 10)
            pdf.set_text_color(*INK)
            pdf.multi_cell(
                0, 5, f"**{term}**: {definition}", markdown=True, new_x="LMARGIN", new_y="NEXT"
            )
    for lesson in handout.lessons:
        for sheet in lesson.sheets:
            _sheet(pdf, sheet)
    return bytes(pdf.output())


def _text(pdf: FPDF, text: str, size: float, *, bold=False, color=INK, height=6.0) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    _text(pdf, text, 12.5, bold=True, color=BRAND, height=7)


def _lesson(pdf: FPDF, lesson: HandoutLesson, load_media) -> None:
    if pdf.get_y() + PICTURE_MAX_HEIGHT > pdf.page_break_trigger:
        pdf.add_page()  # a lesson's picture never runs off the bottom of a page
    _heading(pdf, lesson.title)
    if lesson.main_message:
        _text(pdf, lesson.main_message, 10.5, bold=True, height=5.5)
    top = pdf.get_y()
    picture = _picture(lesson, load_media)
    text_width = pdf.epw - (PICTURE_WIDTH + 4 if picture else 0)
    if lesson.key_points:
        pdf.set_font(FONT, "", 10.5)
        pdf.set_text_color(*INK)
        for point in lesson.key_points:
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(text_width, 5.5, f"•  {point}", new_x="LMARGIN", new_y="NEXT")
    if picture is not None:
        data, alt = picture
        x = pdf.l_margin + pdf.epw - PICTURE_WIDTH
        try:
            info = pdf.image(
                io.BytesIO(data),
                x=x,
                y=top,
                w=PICTURE_WIDTH,
                h=PICTURE_MAX_HEIGHT,
                keep_aspect_ratio=True,
                alt_text=alt,
            )
            height = min(info.rendered_height, PICTURE_MAX_HEIGHT)
        except Exception:  # noqa: BLE001 - a picture fpdf2 cannot draw is left out, not fatal
            height = 0
        pdf.set_y(max(pdf.get_y(), top + height) + 1)


def _picture(lesson: HandoutLesson, load_media) -> tuple[bytes, str] | None:
    if lesson.picture is None:
        return None
    name, alt = lesson.picture
    data = load_media(name)
    return (data, alt) if data else None


def _sheet(pdf: FPDF, sheet: Sheet) -> None:
    """A section to fill in on paper: the lesson's questions, or a medicine list."""
    _heading(pdf, sheet.title)
    pdf.set_font(FONT, "", 10.5)
    pdf.set_text_color(*INK)
    if sheet.kind == "medicines":
        headers = [_("Medicine"), _("How much"), _("When"), _("What it is for")]
        width = pdf.epw / len(headers)
        pdf.set_font(FONT, "B", 10)
        for header in headers:
            pdf.cell(width, 7, header, border=1)
        pdf.ln()
        for _row in range(MEDICINE_ROWS):
            for _header in headers:
                pdf.cell(width, 9, "", border=1)
            pdf.ln()
        return
    for item in sheet.items:
        pdf.multi_cell(0, 5.5, f"☐  {item}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    _text(pdf, _("Your own questions:"), 10, color=MUTED, height=6)
    for _line in range(WRITE_IN_LINES):
        y = pdf.get_y() + 7
        pdf.set_draw_color(*MUTED)
        pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
        pdf.set_y(y + 1)
