"""Cited document as written → canonical document id and chapter (schemas/codes/guideline_documents.csv).

'Chronic Pain Medical Treatment 2016', 'MTUS Chronic Pain Medical Treatment Guidelines (May 2009)'
and 'CA MTUS 2009 Chronic Pain ...' are one document. Matching is by words, not strings: the text is
lowercased and cut into words ('&' → 'and'), and a document matches when every word of one of its
aliases is among them; the alias with the most words wins, ties go to the row first in the file.
Years, editions and filler words ('Guidelines', 'Medical', 'Chapter') never need to match. ODG and
the ACOEM Practice Guidelines name their chapter in the first section ('Pain (Chronic)'), which
becomes the chapter and, for ACOEM, picks the chapter's own id.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline import patterns as rx
from schemas.codes import read_rows



@dataclass(frozen=True, slots=True)
class Document:
    id: str
    sources: frozenset[str]            # citation sources under which the row may match
    chapter_in_sections: bool          # the chapter is the first section (ODG, ACOEM without a chapter)
    aliases: tuple[frozenset[str], ...]


@cache
def documents() -> tuple[Document, ...]:
    return tuple(Document(r["id"], frozenset(r["sources"].split("|")), r["chapter_in_sections"] == "yes",
                          tuple(frozenset(_words(a)) for a in r["aliases"].split("|")))
                 for r in read_rows("guideline_documents"))


def _words(text: str) -> list[str]:
    return rx.WORD.findall(text.lower().replace("&", " and "))


def _best(text: str, source: str) -> Document | None:
    words = set(_words(text))
    best, size = None, 0
    for doc in documents():
        if source not in doc.sources:
            continue
        for alias in doc.aliases:
            if alias <= words and len(alias) > size:
                best, size = doc, len(alias)
    return best


def _chapter(section: str) -> str:
    return rx.CHAPTER_TAIL.sub("", section).strip(" -:,") or section


@lru_cache(maxsize=1 << 14)
def identify(source: str, document: str | None, sections: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(document id, chapter) of one citation; (None, None) for a document the table does not know.

    'other' citations that name ACOEM ('American College of Occupational and Environmental
    Medicine (ACOEM) Pain, Suffering, ... Chapter') are matched as ACOEM."""
    if source == "other" and document and rx.ACOEM_PUBLISHER.search(document):
        source = "ACOEM"
    if source == "ODG":       # 'Non-MTUS Citation ... Low Back (Hyperstimulation analgesia)' names no document
        doc = next(d for d in documents() if "ODG" in d.sources)
    else:
        doc = _best(document or "", source)
    if doc is None or not doc.chapter_in_sections:
        return (doc.id if doc else None), None
    if not sections:
        return doc.id, None
    chapter = _chapter(sections[0])
    if "ODG" in doc.sources:
        return doc.id, chapter
    own = _best(chapter, source)
    return (own.id, chapter) if own and not own.chapter_in_sections else (doc.id, None)
