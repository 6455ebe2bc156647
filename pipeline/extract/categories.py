"""Item heading → DWC treatment category, from the ordered rules in schemas/codes/categories.csv.

A drug request is pharmaceutical (also as an associated surgical service: GOLD_SPEC puts only post-op
items that are not drugs under surgery; an injection is no drug request); everything else
takes the category of the first rule whose pattern matches, and 'other' when none does.

A rule's pattern is searched only when the heading contains one of the words every match of it
contains (pipeline.extract.screen): most rules are passed over for the cost of a substring test.
"""
from __future__ import annotations

import re
from functools import cache

from pipeline.extract import screen
from schemas.codes import read_rows, vocabulary



@cache
def rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(compiled pattern, category) in file order; an unknown category is an error."""
    allowed = set(vocabulary("category"))
    out = []
    for row in read_rows("categories"):
        if row["category"] not in allowed:
            raise ValueError(f"categories.csv: unknown category {row['category']!r}")
        out.append((re.compile(row["pattern"], re.I), row["category"]))
    return tuple(out)


@cache
def screened_rules() -> tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]:
    """(pattern, category, words one of which a match contains, () when unknown) in file order."""
    return tuple((pattern, category, screen.words(pattern))
                 for pattern, category in rules())


def categorise(heading: str, is_drug: bool) -> str:
    if is_drug:    # drugs.find_drug finds no drug in an injection ('Toradol 60mg IM injection')
        return "pharmaceutical"
    low = heading.lower() if heading.isascii() else None
    for pattern, category, words in screened_rules():
        if low is not None and screen.lacks(low, words):
            continue
        if pattern.search(heading):
            return category
    return "other"
