"""A letter's lines as a PDF (fpdf2, a test extra), byte-stable for the same lines."""
from __future__ import annotations

import datetime as dt

PDF_FONT_SIZE = 9
PDF_LINE_HEIGHT = 11
PDF_DATE = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)   # fixed: the same seed gives the same bytes


def pdf_bytes(lines: tuple[str, ...] | list[str]) -> bytes:
    """The lines as a letter-size PDF in core Helvetica (a fixed creation date keeps the bytes stable)."""
    from fpdf import FPDF

    pdf = FPDF(format="letter", unit="pt")
    pdf.set_creation_date(PDF_DATE)
    pdf.set_margins(40, 40, 40)
    pdf.set_auto_page_break(True, 40)
    pdf.add_page()
    pdf.set_font("Helvetica", size=PDF_FONT_SIZE)
    for line in lines:
        pdf.cell(0, PDF_LINE_HEIGHT, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
