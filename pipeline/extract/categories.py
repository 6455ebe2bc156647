"""Item heading → DWC treatment category, from the ordered rules in schemas/codes/categories.csv.

A drug request is pharmaceutical (also as an associated surgical service: GOLD_SPEC puts only post-op
items that are not drugs under surgery; an injection is no drug request); everything else
takes the category of the first rule whose pattern matches, and 'other' when none does.
"""
from __future__ import annotations

import re
from functools import cache

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


def categorise(heading: str, is_drug: bool) -> str:
    if is_drug:    # drugs.find_drug finds no drug in an injection ('Toradol 60mg IM injection')
        return "pharmaceutical"
    for pattern, category in rules():
        if pattern.search(heading):
            return category
    return "pharmaceutical" if is_drug else "other"
