"""Copies of real letters that are letters of their own, for benchmarks on real text and real PDFs.

A plain copy of a letter is a `duplicate` reject (the build keeps one letter per text and per case
number), so copy i differs from every other copy:
- a text letter: every case number becomes CM<yy>-<i as seven digits> (the letter's id changes with it);
- a PDF: an incremental update (the original bytes, then new objects and a new xref, written by
  pdfium) adds a content stream to the last page drawing 'Copy <i>' in Helvetica (a standard Type1
  font, a new font resource) at the page bottom. pdfium extracts the page's text unchanged, then
  that line; the line ends the last item's rationale and changes no other column
  (tests/test_bench.py builds originals and copies and compares them). The update rewrites the
  document's objects outside object streams, so a copy is about twice the original's size;
  pdfium's text extraction takes about as long on the copies (+4 % on the 65 dev PDFs, within the
  noise of a shared machine). The case number stays (rewriting it means rewriting encrypted content
  streams): every copy is read and extracted as a letter of its own, and the build then keeps the
  first copy of each case number and rejects the others as duplicates; so PDF throughput is
  counted in files.
"""
from __future__ import annotations

import ctypes
import io
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

CASE_NUMBER = re.compile(rb"CM(?P<year>\d\d)-\d{7}")      # b'Case Number: CM16-0213037'
STAMP_FONT, STAMP_SIZE, STAMP_AT = b"Helvetica", 8.0, (36.0, 12.0)   # points from the page's bottom left


def text_copy(letter: bytes, index: int) -> bytes:
    """The letter with every case number rewritten to CM<its yy>-<index, seven digits>; ValueError without one."""
    copy, found = CASE_NUMBER.subn(lambda m: b"CM%s-%07d" % (m["year"], index), letter)
    if not found:
        raise ValueError("the letter has no case number (CMyy-nnnnnnn) to rewrite")
    return copy


def stamp_text(index: int) -> str:
    return f"Copy {index:06d}"


def pdf_copy(pdf_bytes: bytes, index: int) -> bytes:
    """The PDF with an incremental update drawing stamp_text(index) at the bottom of its last page."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        page = pdf[len(pdf) - 1]
        text = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, STAMP_FONT, ctypes.c_float(STAMP_SIZE))
        wide = ctypes.create_string_buffer((stamp_text(index) + "\0").encode("utf-16-le"))
        if not pdfium_c.FPDFText_SetText(text, ctypes.cast(wide, ctypes.POINTER(pdfium_c.FPDF_WCHAR))):
            raise ValueError("pdfium could not set the stamp's text")
        pdfium_c.FPDFPageObj_Transform(text, 1, 0, 0, 1, *STAMP_AT)
        pdfium_c.FPDFPage_InsertObject(page.raw, text)        # the page owns it from here
        if not pdfium_c.FPDFPage_GenerateContent(page.raw):
            raise ValueError("pdfium could not write the page's new content")
        page.close()
        out = io.BytesIO()
        pdf.save(out, flags=pdfium_c.FPDF_INCREMENTAL)
        return out.getvalue()
    finally:
        pdf.close()
