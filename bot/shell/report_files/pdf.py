"""The monthly report as a PDF for the archive: the office's name and the SOP's number
at the top of every page, its page number at the foot, the charts, then every table.

fpdf2 is pure Python and the font is matplotlib's own DejaVu Sans, embedded in the file,
so a fresh machine needs nothing but the package registry, and every reader shows the
same letters.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from bot.core import timefmt
from bot.core.report_tables import Cell, ReportTables, Table

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FAMILY = "DejaVu"
_HEADINGS = FontFace(emphasis="B", fill_color=(232, 238, 246))
_GREY = (90, 90, 90)


class _ReportPDF(FPDF):
    def __init__(self, office: str, sop_line: str, page_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.office = office
        self.sop_line = sop_line
        # "Page {page} of {pages}": fpdf2 writes the page count in at the end ({nb}).
        self.page_text = page_text
        self.add_font(_FAMILY, "", _FONTS / "DejaVuSans.ttf")
        self.add_font(_FAMILY, "B", _FONTS / "DejaVuSans-Bold.ttf")
        self.add_font(_FAMILY, "I", _FONTS / "DejaVuSans-Oblique.ttf")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)

    def header(self) -> None:
        self.set_font(_FAMILY, "B", 9)
        self.cell(0, 5, self.office, new_x="LMARGIN", new_y="NEXT")
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 4, self.sop_line, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(5)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, self.page_text.replace("{page}", str(self.page_no())), align="C")
        self.set_text_color(0)


def _text(cell: Cell, tables: ReportTables) -> str:
    if cell is None:
        return "—"
    if isinstance(cell, timedelta):
        return tables.duration(cell)
    if isinstance(cell, datetime):
        return timefmt.short(cell, tables.zone, tables.language)
    if isinstance(cell, float):
        return f"{cell:.0%}"
    return str(cell)


def _table(pdf: _ReportPDF, table: Table, tables: ReportTables) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.set_font(_FAMILY, "B", 11)
    pdf.multi_cell(0, 6, table.title, align="L", new_x="LMARGIN", new_y="NEXT")
    if table.note:
        pdf.set_font(_FAMILY, "I", 8)
        pdf.set_text_color(*_GREY)
        pdf.multi_cell(0, 4, table.note, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
    pdf.ln(1)
    pdf.set_font(_FAMILY, "", 8)
    if not table.rows:
        pdf.cell(0, 6, tables.t("report.pdf.empty"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        return
    with pdf.table(
        col_widths=table.widths or None,
        headings_style=_HEADINGS,
        line_height=4.5,
        text_align="LEFT",
        padding=1,
    ) as grid:
        heading = grid.row()
        for title in table.headers:
            heading.cell(title)
        for values in table.rows:
            row = grid.row()
            for value in values:
                row.cell(
                    _text(value, tables),
                    align="RIGHT" if isinstance(value, int | float | timedelta) else "LEFT",
                )
    pdf.ln(5)


def report_pdf(
    tables: ReportTables,
    charts: tuple[bytes, ...],
    *,
    office: str,
    sop: str,
    made_at: datetime,
) -> bytes:
    report = tables.report
    pdf = _ReportPDF(
        office,
        tables.t("report.pdf.sop", sop=sop),
        tables.t("report.pdf.page", page="{page}", pages="{nb}"),
    )
    pdf.set_title(tables.t("report.pdf.title", month=tables.month_label()))
    pdf.set_lang(tables.language)
    pdf.set_author(office)
    pdf.set_creator("warta")
    pdf.add_page()
    pdf.set_font(_FAMILY, "B", 15)
    title = tables.t("report.pdf.title", month=tables.month_label())
    pdf.multi_cell(0, 8, title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FAMILY, "", 9)
    pdf.set_text_color(*_GREY)
    made = timefmt.full(made_at, tables.zone, tables.language)
    pdf.multi_cell(0, 5, tables.t("report.pdf.made", when=made), new_x="LMARGIN", new_y="NEXT")
    if not report.complete:
        until = timefmt.full(report.cutoff, tables.zone, tables.language)
        pdf.multi_cell(
            0, 5, tables.t("report.pdf.running", until=until), new_x="LMARGIN", new_y="NEXT"
        )
    pdf.set_text_color(0)
    pdf.ln(3)
    for chart in charts:
        if pdf.will_page_break(100):
            pdf.add_page()
        pdf.image(io.BytesIO(chart), w=pdf.epw)
        pdf.ln(3)
    for table in tables.all():
        _table(pdf, table, tables)
    return bytes(pdf.output())
