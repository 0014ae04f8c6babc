"""PDF of a rendered sheet with fpdf2 (pure Python). Names and addresses may be in Thai, Vietnamese,
Khmer, Lao or Burmese, so the text uses Noto fonts from the Debian package fonts-noto-core, shaped
with HarfBuzz (uharfbuzz): Khmer and Burmese need reordering, Thai needs stacked marks. A missing
font stops rendering with an error naming the file and the package, never a PDF with blank boxes."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from crossborder.core.errors import CrossborderError
from crossborder.documents.render_sheet import Sheet

FONT_DIR_ENV = "CROSSBORDER_PDF_FONT_DIR"
DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/noto")
APT_LINE = "apt-get install -y fonts-noto-core"
# family -> file stem; the first is the body font (Latin incl. Vietnamese), the others are fallbacks.
FAMILIES = {
    "noto": "NotoSans",
    "noto-thai": "NotoSansThai",
    "noto-khmer": "NotoSansKhmer",
    "noto-lao": "NotoSansLao",
    "noto-myanmar": "NotoSansMyanmar",
}
_STYLES = {"": "Regular", "B": "Bold"}


class FontMissing(CrossborderError):
    """The node cannot make PDFs until its operator installs the fonts: a deployment fault, not bad input."""

    status = 503
    title = "PDF fonts missing"


def font_dir() -> Path:
    return Path(os.environ.get(FONT_DIR_ENV) or DEFAULT_FONT_DIR)


def font_files() -> dict[tuple[str, str], Path]:
    """Every (family, style) -> file, or FontMissing naming the first absent file."""
    base = font_dir()
    found = {
        (family, style): base / f"{stem}-{suffix}.ttf"
        for family, stem in FAMILIES.items()
        for style, suffix in _STYLES.items()
    }
    for path in found.values():
        if not path.is_file():
            raise FontMissing(
                f"PDF rendering needs the font {path}: install the Debian package fonts-noto-core "
                f"({APT_LINE}) or point {FONT_DIR_ENV} at a folder holding the Noto Sans TTF files"
            )
    return found


def fonts_available() -> bool:
    try:
        font_files()
    except FontMissing:
        return False
    return True


def _pdf(sheet: Sheet) -> FPDF:
    pdf = FPDF(orientation="portrait", format="A4")
    for (family, style), path in font_files().items():
        pdf.add_font(family, style, str(path))
    pdf.set_fallback_fonts([f for f in FAMILIES if f != "noto"])
    pdf.set_text_shaping(True)
    pdf.set_title(f"{sheet.title} {sheet.number}")  # the document's number is searchable in the file
    pdf.set_subject(sheet.doc_type)
    pdf.set_keywords(sheet.number)
    pdf.set_creator("crossborder")
    pdf.set_creation_date(datetime.now(UTC))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def pdf_bytes(sheet: Sheet) -> bytes:
    pdf = _pdf(sheet)
    width = pdf.epw
    pdf.set_font("noto", "B", 15)
    pdf.multi_cell(width, 8, sheet.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("noto", "", 10)
    pdf.multi_cell(width, 6, f"No. {sheet.number} · {sheet.note}", new_x="LMARGIN", new_y="NEXT")
    verdict = "Validation: valid" if sheet.valid else f"Validation: INVALID ({len(sheet.issues)} finding(s))"
    pdf.set_font("noto", "B", 10)
    pdf.multi_cell(width, 6, verdict, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("noto", "", 9)
    for issue in sheet.issues:
        pdf.multi_cell(width, 5, f"{issue.rule} at {issue.path or '/'}: {issue.message}", new_x="LMARGIN", new_y="NEXT")
    heading = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    for section in sheet.sections:
        pdf.ln(2)
        pdf.set_font("noto", "B", 11)
        pdf.multi_cell(width, 7, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("noto", "", 9)
        with pdf.table(col_widths=(30, 70), first_row_as_headings=False, line_height=5) as table:
            for label, value in section.rows:
                table.row([label, value])
    for grid in sheet.tables:
        pdf.ln(2)
        pdf.set_font("noto", "B", 11)
        pdf.multi_cell(width, 7, grid.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("noto", "", 8)
        with pdf.table(headings_style=heading, line_height=4.5) as table:
            table.row(grid.columns)
            for row in grid.rows:
                table.row(row)
    return bytes(pdf.output())
