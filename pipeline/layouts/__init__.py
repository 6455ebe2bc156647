"""Letter layouts: each module recognises its layout and cuts the text into LetterParts.

The parts are still raw text (dates as written, state names, headings); pipeline.extract turns them
into typed fields, the same way for every layout.
"""
from __future__ import annotations

from dataclasses import dataclass


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
