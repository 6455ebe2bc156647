"""Letter layouts: each module recognises its layout and cuts the text into LetterParts.

The parts are still raw text (dates as written, state names, headings); pipeline.extract turns them
into typed fields, the same way for every layout.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pipeline import patterns as rx


@dataclass(frozen=True, slots=True)
class ItemBlock:
    """One decision of a letter, as written."""

    number: int
    heading: str                 # whitespace-folded heading before ': Upheld'
    outcome: str | None          # 'upheld' | 'overturned' | None when it cannot be read
    claims_line: str             # the claims administrator's guideline text
    reviewer_line: str           # the expert reviewer's (MAXIMUS) guideline text
    rationale: str


@dataclass(frozen=True, slots=True)
class LetterParts:
    """A letter cut into its sections, values still as written."""

    layout: str
    header: dict[str, str]       # field name → raw value ('decision_date' → '12/09/2016')
    states: tuple[str, ...]      # reviewer licensure as written ('California', 'North Carolina')
    specialties: tuple[str, ...]
    summary: str
    blocks: tuple[ItemBlock, ...]


def detect(text: str):
    """The layout module whose detect() accepts the text, or None for an unknown layout."""
    from pipeline.layouts import final, notice

    for module in (final, notice):   # final's title check is the cheaper one
        if module.detect(text):
            return module
    return None


# re.IGNORECASE matches 'ı' to 'i' and 'ſ' to 's' (sre's case equivalences); lower-casing leaves them as they are
NOT_LOWERED = ("\u0131", "\u017f")
_last: tuple[str | None, str | None] = (None, None)     # the last text lowered and its lower-cased form


def lowered(text: str) -> str | None:
    """The text lower-cased when its positions are the text's and the lower-case patterns (rx.LOWER_CASE)
    find in it what re.IGNORECASE finds in the text, else None: every ASCII text; another when each of
    its characters lowers to one ('°', 'é') and none is a case equivalent that lowering keeps (NOT_LOWERED).
    The last text's form is kept: a letter's layout is detected and then parsed on the same text."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    if text.isascii():
        low: str | None = text.lower()
    elif any(c in text for c in NOT_LOWERED):
        low = None
    else:
        low = text.lower()
        low = low if len(low) == len(text) else None     # a character never lowers to none: same length, same places
    _last = (text, low)
    return low


# pattern of rx.LOWER_CASE → (its lower-case form, its cues or None), keyed by id: hashing a compiled
# pattern hashes its code (0.1–0.5 µs, twice a search), and rx's patterns live as long as the process.
_LOWER = {id(p): (lower, rx.CUES.get(p)) for p, lower in rx.LOWER_CASE.items()}


def find(pattern: re.Pattern[str], text: str, low: str | None, pos: int = 0,
         endpos: int = sys.maxsize) -> re.Match[str] | None:
    """pattern.search(text, pos, endpos) for a pattern of rx.LOWER_CASE: on the lower-cased text when there is one
    (a group's value is then in lower case: written() gives it as written)."""
    if low is None:
        return pattern.search(text, pos, endpos)
    lower, cues = _LOWER[id(pattern)]
    if cues is not None:
        return next(_cued(lower, cues, low, pos, endpos), None)
    return lower.search(low, pos, endpos)


def find_all(pattern: re.Pattern[str], text: str, low: str | None, pos: int = 0,
             endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
    """pattern.finditer(text, pos, endpos), as find() searches."""
    if low is None:
        return pattern.finditer(text, pos, endpos)
    lower, cues = _LOWER[id(pattern)]
    if cues is not None:
        return _cued(lower, cues, low, pos, endpos)
    return lower.finditer(low, pos, endpos)


def _cued(lower: re.Pattern[str], cued: tuple, low: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
    """lower.finditer(low, pos, endpos) for the lower-case form of a pattern of rx.CUES, tried only where a
    match can start (by a cue, `cued` its entry there), not at every position."""
    cues, back = cued
    end = pos                     # where the next match may start
    tried = line_stop = -1        # the last start tried; the end of its line (line mode)
    for at in sorted(m.start() for cue in cues for m in cue.finditer(low, pos, endpos)):
        if back is None:
            if at < line_stop:    # on the line tried last
                continue
            starts: Iterable[int] = (low.rfind("\n", max(line_stop, 0), at) + 1,)
            line_stop = low.find("\n", at)
            if line_stop < 0:     # the last line
                line_stop = len(low)
        else:
            starts = range(at - back, at + 1)
        for start in starts:
            if start < end or start <= tried:
                continue
            tried = start
            if m := lower.match(low, start, endpos):
                yield m
                end = m.end()
                break


def written(text: str, m: re.Match[str], group: str) -> str | None:
    """The group's value as the text writes it (a match of find() may be on the lower-cased text)."""
    start, end = m.span(group)
    return text[start:end] if start >= 0 else None
