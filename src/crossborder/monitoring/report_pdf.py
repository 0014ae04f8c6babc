"""A review report as PDF (fpdf2, the Noto fonts the trade documents use, so every member state's
script shows). Charts are the page's SVG drawn as vectors."""

from __future__ import annotations

import io
import re

from fpdf import FPDF
from fpdf.fonts import FontFace

from crossborder.documents.render_pdf import FAMILIES, font_files
from crossborder.monitoring.charts import pdf_svg
from crossborder.monitoring.report_model import Report, Table

_HEADING = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


_COMPLEX = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")  # Thai, Lao, Myanmar, Khmer


def _needs_shaping(report: Report) -> bool:
    texts = [report.title, report.scope, *report.sources]
    for section in report.sections:
        texts += [section.title, *section.paragraphs]
        for table in section.tables:
            texts += [table.caption, table.note or "", *table.columns, *(cell for row in table.rows for cell in row)]
    return any(_COMPLEX.search(text) for text in texts)


def _pdf(report: Report) -> FPDF:
    pdf = FPDF(orientation="portrait", format="A4")
    for (family, style), path in font_files().items():
        pdf.add_font(family, style, str(path))
    pdf.set_fallback_fonts([f for f in FAMILIES if f != "noto"])
    # HarfBuzz shaping is what Thai, Lao, Khmer and Burmese need, and it costs about ten times the
    # layout time; Latin script (Vietnamese included, precomposed) renders the same without it.
    pdf.set_text_shaping(_needs_shaping(report))
    pdf.set_title(f"{report.title} ({report.period})")
    pdf.set_subject(report.kind.value)
    pdf.set_creator("crossborder")
    pdf.set_creation_date(report.generated_at)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, size: float, style: str = "", height: float = 6) -> None:
    pdf.set_font("noto", style, size)
    pdf.multi_cell(pdf.epw, height, text, new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, table: Table) -> None:
    _line(pdf, table.caption, 10, "B")
    pdf.set_font("noto", "", 8)
    with pdf.table(headings_style=_HEADING, line_height=4.5) as grid:
        grid.row(table.columns)
        for row in table.rows:
            grid.row(row)
    if table.note:
        _line(pdf, table.note, 8, height=4.5)
    pdf.ln(2)


def pdf_bytes(report: Report) -> bytes:
    pdf = _pdf(report)
    _line(pdf, report.title, 16, "B", 8)
    _line(pdf, f"{report.period} · {report.scope} · generated {report.generated_at:%Y-%m-%d %H:%M} UTC", 9)
    for section in report.sections:
        pdf.ln(3)
        _line(pdf, section.title, 13, "B", 7)
        for paragraph in section.paragraphs:
            _line(pdf, paragraph, 10, height=5)
        for table in section.tables:
            _table(pdf, table)
        for chart in section.charts:
            pdf.image(io.BytesIO(pdf_svg(chart)), w=pdf.epw * 0.9)
            pdf.ln(2)
    if report.sources:
        pdf.ln(3)
        _line(pdf, "Sources", 11, "B")
        for source in report.sources:
            _line(pdf, source, 8, height=4.5)
    return bytes(pdf.output())
