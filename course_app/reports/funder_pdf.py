"""The funder report as a landscape PDF (fpdf2): the same tables as the page, hidden counts
printed as on screen, a column chart drawn with rectangles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import format_date
from flask_babel import gettext as _

from course_app.certificates.pdf import FONT, FONTS_DIR
from course_app.reports.funder import FunderReport
from course_app.reports.tables import Table

if TYPE_CHECKING:
    from fpdf import FPDF

BRAND = (11, 79, 138)
INK = (26, 26, 26)
MUTED = (74, 74, 74)
LINE = (107, 114, 128)


def render_funder_pdf(report: FunderReport, paper: str = "A4") -> bytes:
    from fpdf import FPDF  # loaded when a PDF is asked for, as for certificates

    pdf = FPDF(orientation="landscape", unit="mm", format=paper)
    pdf.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=12)
    title = _("Report for funders")
    pdf.set_title(f"{title}: {report.network}, {report.library}")
    pdf.set_author(report.network)
    pdf.add_page()
    _text(pdf, report.network, 11, bold=True, color=BRAND)
    _text(pdf, title, 20, bold=True, height=10)
    dates = _(
        "From %(start)s to %(end)s",
        start=format_date(report.start, "long"),
        end=format_date(report.end, "long"),
    )
    _text(pdf, f"{report.library} · {dates}", 12, color=MUTED)
    pdf.ln(3)
    _figures(pdf, report.summary)
    pdf.ln(4)
    _chart(pdf, report)
    pdf.ln(3)
    _table(pdf, report.courses, first_width=60)
    pdf.ln(3)
    _table(pdf, report.libraries, first_width=55)
    # The libraries table always hides small counts, so the note is always printed.
    pdf.ln(2)
    _text(
        pdf,
        _(
            "To protect privacy, a figure about fewer than %(n)d learners is shown as “< %(n)d”.",  # noqa: E501 - the msgid the page uses
            n=report.threshold,
        ),
        9,
        color=MUTED,
    )
    return bytes(pdf.output())


def _text(pdf: FPDF, text: str, size: float, *, bold=False, color=INK, height=None) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height or size * 0.5, text, new_x="LMARGIN", new_y="NEXT")


def _figures(pdf: FPDF, summary: Table) -> None:
    """The headline figures as boxes in a row, label over value."""
    row, cells = summary.screen_rows()[0]
    pairs = [(c.label, text) for c, (text, _n) in zip(summary.columns, cells, strict=True)][1:]
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / len(pairs)
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_draw_color(*LINE)
    for label, value in pairs:
        pdf.rect(x, y, width - 2, 20)
        pdf.set_xy(x + 1.5, y + 1.5)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(width - 5, 3.6, label)
        pdf.set_xy(x + 1.5, y + 11)
        pdf.set_font(FONT, "B", 14)
        pdf.set_text_color(*INK)
        pdf.cell(width - 5, 7, value)
        x += width
    pdf.set_xy(pdf.l_margin, y + 22)


def _chart(pdf: FPDF, report: FunderReport) -> None:
    """Completions per month as columns; a hidden month is left empty and labelled."""
    _text(pdf, _("Completions per month"), 11, bold=True)
    points = report.month_points
    if not points:
        return
    top = max([c for _m, c in points if not _hidden(report, c)] or [1]) or 1
    chart_h, left = 30, pdf.l_margin
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / len(points)
    base = pdf.get_y() + chart_h + 4
    pdf.set_draw_color(*LINE)
    pdf.line(left, base, pdf.w - pdf.r_margin, base)
    for n, (month, count) in enumerate(points):
        x = left + n * width
        pdf.set_font(FONT, "", 7)
        pdf.set_text_color(*INK)
        if _hidden(report, count):
            label = f"< {report.threshold}"
        else:
            height = chart_h * count / top
            pdf.set_fill_color(*BRAND)
            if height:
                pdf.rect(x + width * 0.2, base - height, width * 0.6, height, style="F")
            label = str(count)
            pdf.set_xy(x, base - height - 4)
        if _hidden(report, count):
            pdf.set_xy(x, base - 4)
        pdf.cell(width, 3.5, label, align="C")
        pdf.set_xy(x, base + 0.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(width, 3.5, month, align="C")
    pdf.set_xy(pdf.l_margin, base + 6)


def _hidden(report: FunderReport, count: int) -> bool:
    return report.hidden and 0 < count < report.threshold


def _table(pdf: FPDF, table: Table, first_width: float) -> None:
    _text(pdf, table.caption, 11, bold=True)
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    rest = (usable - first_width) / max(1, len(table.columns) - 1)
    widths = [first_width] + [rest] * (len(table.columns) - 1)
    pdf.set_font(FONT, "B", 7.5)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*LINE)
    for column, width in zip(table.columns, widths, strict=True):
        pdf.cell(width, 6, column.label[:40], border="B", align="R" if column.numeric else "L")
    pdf.ln()
    pdf.set_font(FONT, "", 7.5)
    rows = table.screen_rows()
    if not rows:
        pdf.cell(usable, 6, _("Nothing to show for these filters."))
        pdf.ln()
    for _row, cells in rows:
        for (text, numeric), width in zip(cells, widths, strict=True):
            pdf.cell(width, 5, text[:60], border="B", align="R" if numeric else "L")
        pdf.ln()
