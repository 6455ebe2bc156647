"""2013-14 'Notice of Independent Medical Review Determination'.

Numbered determinations ('1) MAXIMUS Federal Services, Inc. has determined the request for X is
notmedically necessary and appropriate.'), then per item 'N) Regarding the request for X:' with
the claims administrator's and the expert reviewer's guidelines and the rationale.
"""
from __future__ import annotations

from pipeline.clean import fold
from pipeline import patterns as rx
from pipeline.layouts import ItemBlock, LetterParts, find, find_all, lowered, written

NAME = "notice_2013"


def detect(text: str) -> bool:
    low = lowered(text)
    return bool(find(rx.NOTICE_TITLE, text, low) or find(rx.NOTICE_DETERMINED, text, low))


def _header(text: str, low: str | None) -> dict[str, str]:
    header = {field: written(text, m, "date") for field, pattern in rx.NOTICE_HEADER_FIELDS.items()
              if (m := find(pattern, text, low))}
    if m := rx.CASE_NUMBER.search(text):
        header["case_number"] = m["case"]
    return header


def _determinations(text: str, low: str | None) -> dict[int, tuple[str, str]]:
    """{n: (heading, outcome)} from the first numbered list (the list is printed twice)."""
    out: dict[int, tuple[str, str]] = {}
    for m in find_all(rx.NOTICE_DETERMINATION, text, low):
        n = int(m["n"])
        if n not in out:
            out[n] = (fold(written(text, m, "heading")), "upheld" if m["negation"] else "overturned")
    return out


def _labelled(text: str, low: str | None, start: int, stop: int) -> dict[str, str]:
    """{label start word: text after it} for the labelled paragraphs of one item block, text[start:stop]
    (start is a line start)."""
    marks = list(find_all(rx.NOTICE_BLOCK_LABEL, text, low, start, stop))
    out = {}
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else stop
        label = fold(m["label"]).lower()
        key = "claims" if "claims" in label else "reviewer" if "expert" in label else "rationale"
        out[key] = fold(text[m.end():end])
    return out


def _blocks(text: str, low: str | None) -> tuple[ItemBlock, ...]:
    determinations = _determinations(text, low)
    closing = find(rx.NOTICE_CLOSING, text, low)
    body_end = closing.start() if closing else len(text)
    starts = [m for m in find_all(rx.NOTICE_REGARDING, text, low) if m.start() < body_end]
    sections: dict[int, dict[str, str]] = {}
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else body_end
        sections.setdefault(int(m["n"]), _labelled(text, low, m.start(), end))
    blocks = []
    for n in sorted(set(determinations) | set(sections)):
        heading, outcome = determinations.get(n, ("", None))
        part = sections.get(n, {})
        blocks.append(ItemBlock(number=n, heading=heading, outcome=outcome,
                                claims_line=part.get("claims", ""),
                                reviewer_line=part.get("reviewer", ""),
                                rationale=part.get("rationale", "")))
    return tuple(blocks)


def parse(text: str) -> LetterParts:
    states: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    low = lowered(text)
    if m := find(rx.NOTICE_BOARD, text, low):
        specialties = tuple(fold(s) for s in (written(text, m, "board"), written(text, m, "sub")) if s)
        states = tuple(s for s in rx.STATE_SEPARATOR.split(fold(written(text, m, "states"))) if s)
    summary = ""
    if m := find(rx.NOTICE_SUMMARY, text, low):
        end = find(rx.NOTICE_DOCUMENTS, text, low, m.end())
        summary = text[m.end():end.start() if end else None]
    return LetterParts(layout=NAME, header=_header(text, low), states=states, specialties=specialties,
                       summary=summary, blocks=_blocks(text, low))
