"""Guideline citation lines → Citation values (one per cited document).

Handles the 2016+ 'Decision based on MTUS X 2004, Section(s): A, B.' lines (several documents per
line), 'Non-MTUS Citation Official Disability Guidelines (ODG) Chapter, Topic', the 2015
'MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 74-96, 124.' lines, the 2013 'based
his/her decision on the X Guidelines, Section, pages 74-96, which is part of the MTUS.' sentences,
and 'did not cite any medical evidence' (source 'none').
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline.clean import fold
from pipeline import patterns as rx
from schemas.codes import read_rows

MAX_PAGE_RANGE = 400
ODG_CANONICAL = "Official Disability Guidelines (ODG)"


@dataclass(frozen=True, slots=True)
class Citation:
    source: str                    # MTUS | ODG | ACOEM | other | none
    document: str | None
    sections: tuple[str, ...]
    pages: tuple[int, ...]
    text: str


def none_cited(line: str) -> Citation:
    """The reviewer cited nothing ('did not cite any medical evidence')."""
    return Citation("none", None, (), (), line)


@cache
def comma_titles() -> dict[str, str]:
    """Section titles that contain commas, lowercase → as listed (schemas/codes/guideline_sections.csv)."""
    return {row["title"].lower(): row["title"] for row in read_rows("guideline_sections")}


@cache
def title_span() -> int:
    """Comma pieces worth joining when looking for a known title: its pieces, plus one it may end inside."""
    return max(title.count(",") for title in comma_titles()) + 2


def expand_pages(text: str) -> tuple[int, ...]:
    """'74-96, 124' → (74, ..., 96, 124); absurd ranges keep their ends only."""
    pages: list[int] = []
    for m in rx.PAGE_RANGE.finditer(text):
        a = int(m["a"])
        b = int(m["b"]) if m["b"] else a
        if a <= b <= a + MAX_PAGE_RANGE:
            pages.extend(range(a, b + 1))
        else:
            pages.extend((a, b) if m["b"] else (a,))
    return tuple(dict.fromkeys(pages))


def _known_title_prefix(text: str) -> int:
    """Length of the longest comma-containing title (guideline_sections.csv) that text starts with,
    followed by the end, a space or a comma ('Forearm, Wrist, and Hand Complaints Chapter'); 0 when none."""
    low = text.lower()
    best = 0
    for title in comma_titles():
        if low.startswith(title) and (len(low) == len(title) or low[len(title)] in " ,") and len(title) > best:
            best = len(title)
    return best


def split_sections(text: str) -> tuple[str, ...]:
    """'Muscle relaxants (for pain), Cyclobenzaprine (Flexeril)' → two sections.

    Titles that contain commas stay whole: titles listed in guideline_sections.csv are kept
    together ('NSAIDs, GI symptoms & cardiovascular risk', 'Forearm, Wrist, and Hand Complaints
    Chapter'); a piece opening with 'and ' starts the last title of a list ('A, and B'); any other
    piece starting in lowercase or with '&' continues the previous title ('Opioids, criteria for use').
    Words of the document's name are not a section ('Section(s): Guidelines').
    """
    text = fold(text).strip(" .;,")
    if not text:
        return ()
    pieces = [p for p in _top_level_split(text, ",") if p]
    out: list[str] = []
    i = 0
    span = title_span()
    while i < len(pieces):
        for j in range(min(len(pieces), i + span), i + 1, -1):   # no title spans more pieces: linear time
            joined = ", ".join(pieces[i:j])
            if _known_title_prefix(joined) == len(joined) or (
                    (n := _known_title_prefix(joined)) and n > len(", ".join(pieces[i:j - 1]))):
                out.append(joined)
                i = j
                break
        else:
            piece = pieces[i]
            if out and piece.lower().startswith("and ") and len(piece) > 4:
                out.append(piece[4:].strip())
            elif out and (piece[0].islower() or piece[0] in "&(") and not piece[0].isdigit():
                out[-1] = f"{out[-1]}, {piece}"
            else:
                out.append(piece)
            i += 1
    return tuple(s for s in out if not rx.NOT_A_SECTION.match(s))


def _top_level_split(text: str, seps: str, maxsplit: int = -1) -> list[str]:
    """Split on any char of seps outside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        if ch in seps and depth == 0 and (maxsplit < 0 or len(parts) < maxsplit):
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return parts


def chapter_topic(text: str) -> tuple[str, ...]:
    """ODG/ACOEM 'Chapter, Topic[, Topic]' → (chapter, topics...): the chapter ends at the first
    top-level ',' or '/', else at a trailing '(topic)' that is not a chapter qualifier like
    '(Acute & Chronic)'; topics split like MTUS sections ('A, and B' → A, B)."""
    text = fold(text).strip(" .;,")
    if not text:
        return ()
    if n := _known_title_prefix(text):     # 'Forearm, Wrist, & Hand, Splints', '... (Acute & Chronic)/Splints'
        head, rest = text[:n], text[n:]
        if rest.startswith("/") or (rest.startswith(" (") and "/" in rest):
            rest = rest.replace("/", ", ", 1)
        return split_sections(head + rest)
    parts = _top_level_split(text, ",/", maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return (parts[0], *split_sections(parts[1]))
    if text.endswith(")"):
        depth = 0
        for k in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[k], 0)
            if depth == 0:
                head, tail = text[:k].strip(), text[k:]
                if head and not rx.CHAPTER_QUALIFIER.match(tail):
                    return head, tail[1:-1].strip()
                break
    return (text,)


def _pages_and_rest(text: str) -> tuple[str, tuple[int, ...]]:
    m = rx.PAGES.search(text)
    if m is None:
        return text, ()
    return (text[:m.start()] + " " + text[m.end():]).strip(" ,.;"), expand_pages(m["pages"])


def _sections_and_pages(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """'Opioids, criteria for use, Page(s): 76-80, 91' → the sections before 'Page(s):' and the
    pages after it: a 'Page(s):' label ends the section list, wherever a comma put it."""
    m = rx.SECTION_PAGES.search(text)
    if m is None:
        return split_sections(text), ()
    return split_sections(text[:m.start()]), expand_pages(m["pages"])


def _mtus_group(text: str) -> list[Citation]:
    """'Shoulder Complaints 2004, Section(s): Special Studies, and Knee Complaints 2004.' or the
    2015 form 'Chronic Pain Treatment Guidelines Opioids Page(s): 74-96.'"""
    docs = list(rx.MTUS_DOCUMENT.finditer(text)) if rx.MTUS_DOCUMENT.match(text) else []
    if docs:
        return [Citation("MTUS", fold(m["document"]), *_sections_and_pages(m["sections"] or ""), fold(m.group(0)).strip(" ,."))
                for m in docs]
    rest, pages = _pages_and_rest(text)
    if (m := rx.ACOEM_DOCUMENT.match(rest)) and not rx.GUIDELINES_WORD.match(rest):   # 'ACOEM Low Back Complaints Chapter, Special Studies'
        return [Citation("MTUS", fold(m["document"]), chapter_topic(rest[m.end():]), pages, fold(text).strip(" .,"))]
    if m := rx.GUIDELINES_WORD.match(rest):
        document, rest = fold(m["document"]), m["rest"]
        pieces = _top_level_split(rest, ",")
        while len(pieces) > 1 and rx.EDITION_PIECE.match(pieces[0]):   # 'ACOEM Practice Guidelines, 2nd Edition (2004)'
            document = f"{document}, {pieces.pop(0)}"
        rest = ", ".join(pieces)
    else:
        document, rest = fold(rest).strip(" .,") or None, ""
    rest = rx.SECTIONS_LABEL.sub(", ", rest).strip(" ,.")
    return [Citation("MTUS", document, split_sections(rest), pages, fold(text).strip(" .,"))]


def _non_mtus_group(text: str) -> list[Citation]:
    """'Official Disability Guidelines (ODG) Knee & Leg, Durable medical equipment (DME)',
    'ACOEM Hip and Groin Chapter/Diagnostic ...' (a named chapter and topic, split like ODG's),
    'Low Back (Hyperstimulation analgesia)'; any other ACOEM or other publication is one document as
    written ('ACOEM Practice Guidelines, 3rd Edition, Low Back Disorders, Ergonomic Interventions')."""
    parts = rx.OTHER_GUIDELINES.split(text, maxsplit=1)
    text = parts[0].strip(" .")
    out: list[Citation] = []
    rest, pages = _pages_and_rest(text)
    if m := rx.ODG_DOCUMENT.match(rest):
        topic = rx.ODG_SUBTITLE.sub("", rest[m.end():])
        out.append(Citation("ODG", ODG_CANONICAL, chapter_topic(topic), pages, fold(text)))
    elif (m := rx.ACOEM_DOCUMENT.match(rest)) and rx.NAMED_CHAPTER.match(rest[m.end():]):
        out.append(Citation("ACOEM", fold(m["document"]), chapter_topic(rest[m.end():]), pages, fold(text)))
    elif rx.ODG_MARK.search(rest) or rx.ODG_CHAPTER_START.match(rest):
        out.append(Citation("ODG", None, chapter_topic(rest), pages, fold(text)))
    else:   # a publication as written, commas and all: it has no Section(s): slot to split off
        source = "ACOEM" if rx.ACOEM_MARK.search(rest) else "other"
        out.append(Citation(source, fold(rest).strip(" .,") or None, (), pages, fold(text)))
    if len(parts) == 2 and parts[1].strip(" ."):
        other = fold(parts[1]).strip(" .")
        out.append(Citation("other", other, (), (), other))
    return out


def _group(text: str) -> list[Citation]:
    text = fold(text).strip()
    if m := rx.NON_MTUS.match(text):
        return _non_mtus_group(text[m.end():])
    if m := rx.MTUS_PREFIX.match(text):
        return _mtus_group(text[m.end():])
    if rx.ODG_DOCUMENT.match(text) or rx.ACOEM_DOCUMENT.match(text):
        return _non_mtus_group(text)
    return _mtus_group(text)


def _notice_sentence(text: str) -> list[Citation]:
    """2013: 'the ACOEM Practice Guidelines, ..., pages 207-209, which is part of the MTUS, and the Official
    Disability Guidelines (ODG), Shoulder Chapter, MR arthrogram, which is not part of the MTUS.'"""
    text = fold(text)
    out: list[Citation] = []
    start = 0
    for m in rx.NOTICE_PART_OF_MTUS.finditer(text):
        out.append(_notice_citation(text[start:m.start()], m))
        start = m.end()
    rest = text[start:].strip(" .")
    if rest or not out:
        out.append(_notice_citation(rest, None))
    return out


def _notice_citation(text: str, tail: re.Match | None) -> Citation:
    """One document of a 2013 sentence; `tail` is its 'which is (not) part of the MTUS' clause."""
    body = rx.NOTICE_AND_THE.sub("", text)
    if tail and "not" not in tail["not"].lower():
        source = "MTUS"
    elif rx.ODG_MARK.search(body):
        source = "ODG"
    elif rx.ACOEM_MARK.search(body):
        source = "ACOEM"
    else:
        source = "other" if tail else "MTUS"
    pieces = [p for p in _top_level_split(fold(body).strip(" ."), ",") if p]
    pages: tuple[int, ...] = ()
    kept = []
    for piece in pieces:
        m = rx.PAGES.match(piece)
        if m:
            pages += expand_pages(m["pages"])
        else:
            kept.append(piece)
    if not kept:
        return Citation(source, None, (), pages, fold(text))
    n = 1
    while n < len(kept) and rx.EDITION_PIECE.match(kept[n]):
        n += 1
    document = ", ".join(kept[:n])
    return Citation(source, document, split_sections(", ".join(kept[n:])), pages, fold(text).strip(" ."))


@lru_cache(maxsize=1 << 16)
def parse_citations(line: str) -> tuple[Citation, ...]:
    """All documents cited in one guideline line; (none_cited(line),) when the line cites nothing."""
    line = fold(line)
    if not line or rx.NOT_CITED.search(line):
        return (none_cited(line),)
    if m := rx.NOTICE_BASED_ON.search(line):
        return tuple(_notice_sentence(m["citation"]))
    groups = rx.DECISION_BASED_ON.split(line)
    groups = groups[1:] if len(groups) > 1 else groups
    out: list[Citation] = []
    for group in groups:
        if group.strip(" ."):
            out.extend(_group(group))
    return tuple(out) or (none_cited(line),)
