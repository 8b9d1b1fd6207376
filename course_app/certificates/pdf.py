"""The certificate as a one-page landscape PDF with embedded Unicode fonts and a QR code."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from course_app.certificates.models import Certificate
from course_app.certificates.qr import qr_png
from course_app.certificates.services import course_title

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
BRAND = (11, 79, 138)
INK = (26, 26, 26)
MUTED = (74, 74, 74)
BAD = (165, 14, 14)
QR_SIZE = 38  # mm; scans reliably from a printed page


def render_certificate_pdf(
    cert: Certificate,
    verify_url: str,
    *,
    site_name: str | None = None,
    paper: str = "A4",
    library_name: str | None = None,
) -> bytes:
    """The certificate as PDF bytes, worded and dated in the certificate's own language, with
    the holder's library when they have one and the course's length."""
    site_name = site_name or current_app.config["SITE_NAME"]
    with force_locale(cert.language):
        return _build(cert, verify_url, site_name, paper, library_name)


def course_length(minutes: int) -> str:
    """About how long the course takes, in words: "about 1 hour 30 minutes"."""
    hours, rest = divmod(max(minutes, 0), 60)
    if not hours:
        return ngettext("about %(num)d minute", "about %(num)d minutes", rest)
    if not rest:
        return ngettext("about %(num)d hour", "about %(num)d hours", hours)
    return _(
        "about %(hours)s %(minutes)s",
        hours=ngettext("%(num)d hour", "%(num)d hours", hours),
        minutes=ngettext("%(num)d minute", "%(num)d minutes", rest),
    )


def _build(
    cert: Certificate, verify_url: str, site_name: str, paper: str, library_name: str | None
) -> bytes:
    from fpdf import FPDF  # loaded on the first certificate: about 20 MB a worker may never need

    pdf = FPDF(orientation="landscape", unit="mm", format=paper)
    pdf.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.set_margins(25, 20, 25)
    title = course_title(cert, cert.language)  # the PDF is in the certificate's language
    pdf.set_title(_("Certificate: %(course)s, %(name)s", course=title, name=cert.recipient_name))
    pdf.set_subject(_("Certificate of completion"))
    pdf.set_author(site_name)
    pdf.set_creator(site_name)
    pdf.set_lang(cert.language)
    pdf.add_page()
    width, height = pdf.w, pdf.h

    # A double frame, drawn inside the area every printer can reach.
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, width - 26, height - 26)

    if not cert.is_valid:
        pdf.set_y(15)
        _line(
            pdf,
            _("This certificate has been revoked. It is no longer valid."),
            11,
            bold=True,
            color=BAD,
            height=6,
        )
    pdf.set_y(22)
    _line(pdf, site_name, 15, bold=True, color=BRAND, height=8)
    if library_name:
        _line(pdf, library_name, 12, color=BRAND, height=6)
    pdf.ln(4)
    _line(pdf, _("Certificate of completion"), 30, bold=True, height=14)
    pdf.ln(6)
    _line(pdf, _("This certifies that"), 14, color=MUTED, height=8)
    pdf.ln(2)
    _fitted_line(pdf, cert.recipient_name, largest=32, smallest=16)
    pdf.ln(2)
    _line(pdf, _("has completed the course"), 14, color=MUTED, height=8)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 20)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    issued = format_date(cert.issued_at, format="long")
    _line(
        pdf, _("Course length: %(length)s", length=course_length(cert.course.minutes)), 12, height=7
    )
    _line(pdf, _("Issued on %(date)s", date=issued), 13, height=8)

    # Verification block along the bottom: words on the left, the QR code on the right.
    qr_x = width - 25 - QR_SIZE
    qr_y = height - 20 - QR_SIZE
    pdf.image(io.BytesIO(qr_png(verify_url)), x=qr_x, y=qr_y, w=QR_SIZE, h=QR_SIZE)
    text_width = qr_x - 25 - 5
    pdf.set_xy(25, qr_y + 4)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        text_width, 5, _("Anyone can check this certificate at:"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_text_color(*BRAND)
    pdf.multi_cell(text_width, 5, verify_url, link=verify_url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        text_width,
        5,
        _("Certificate code: %(code)s", code=cert.code),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _line(
    pdf: FPDF, text: str, size: float, *, bold: bool = False, color=INK, height: float = 8
) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _fitted_line(pdf: FPDF, text: str, *, largest: int, smallest: int) -> None:
    """Prints text as large as fits on one line; wraps only if the smallest size is too wide."""
    available = pdf.w - pdf.l_margin - pdf.r_margin
    size = largest
    pdf.set_font(FONT, "B", size)
    while size > smallest and pdf.get_string_width(text) > available:
        size -= 1
        pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, size * 0.55, text, align="C", new_x="LMARGIN", new_y="NEXT")
