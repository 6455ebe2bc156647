"""Make PDFs for tests and the embedded default data: a text letter rendered with fpdf2."""
from __future__ import annotations

from pathlib import Path


def text_to_pdf(text: str, path: Path, password: str | None = None) -> Path:
    """Write `text` line by line into a Helvetica PDF (optionally encrypted with a user password)."""
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in text.splitlines():
        safe = line.encode("latin-1", "replace").decode("latin-1")
        pdf.cell(0, 5, safe, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    pdf.output(str(path))
    return path


if __name__ == "__main__":   # regenerate the embedded default PDF: python -m tests.pdfs
    here = Path(__file__).resolve().parent
    text_to_pdf((here / "letters" / "y2016_drugs.txt").read_text(), here.parent / "data" / "raw" / "synthetic-2016-drugs.pdf")
