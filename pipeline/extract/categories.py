"""Item heading → DWC treatment category, from the ordered rules in schemas/codes/categories.csv.

A drug request is pharmaceutical (also as an associated surgical service: GOLD_SPEC puts only post-op
items that are not drugs under surgery; an injection is no drug request); everything else
takes the category of the first rule whose pattern matches, and 'other' when none does.

A rule's pattern is searched only when the heading contains one of the words every match of it
contains (read off the parsed pattern): most rules are then passed over for the cost of a substring test.
"""
from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from functools import cache

from schemas.codes import read_rows, vocabulary

ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}    # \b, ^, lookarounds: the characters around them are adjacent


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


def required(parsed) -> tuple[str, ...] | None:
    """Lowercase ASCII strings one of which every match of a parsed pattern contains; None when none is
    known. '\\bhome care\\b|\\btaxi\\b' → ('home care', 'taxi'); of several, the one whose shortest string is longest."""
    found: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, arg in parsed:
        if op is sre.LITERAL and arg < 128:
            run.append(chr(arg).lower())
            continue
        if op in ZERO_WIDTH:
            continue
        if run:
            found.append(("".join(run),))
            run = []
        if op is sre.BRANCH:
            alternatives = [required(a) for a in arg[1]]
            if all(alternatives):
                found.append(tuple(w for a in alternatives for w in a))
        elif op is sre.SUBPATTERN:
            found.append(required(arg[3]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            found.append(required(arg[2]))
    if run:
        found.append(("".join(run),))
    return max(filter(None, found), key=lambda words: min(map(len, words)), default=None)


@cache
def screened_rules() -> tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]:
    """(pattern, category, words one of which a match contains, () when unknown) in file order."""
    return tuple((pattern, category, required(sre_parse.parse(pattern.pattern, pattern.flags)) or ())
                 for pattern, category in rules())


def categorise(heading: str, is_drug: bool) -> str:
    if is_drug:    # drugs.find_drug finds no drug in an injection ('Toradol 60mg IM injection')
        return "pharmaceutical"
    # Under re.I an ASCII text matches a lowercase ASCII word exactly when its lowercase contains it.
    low = heading.lower() if heading.isascii() else None
    for pattern, category, words in screened_rules():
        if low is not None and words and not any(w in low for w in words):
            continue
        if pattern.search(heading):
            return category
    return "other"
