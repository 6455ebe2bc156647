"""What a quantity counts ('#60 grams' → gram, 'Twelve sessions' → session) and a bottle's volume.

The words and their units are data (schemas/codes/quantity_units.csv); a drug heading only looks
at drug words (tablets, patches, grams, …) and a service heading only at service words (visits,
sessions, hours, days), so '30 day supply' never makes a drug's unit 'day'.
"""
from __future__ import annotations

import re
from functools import cache

from pipeline import patterns as rx
from pipeline.extract import screen
from schemas.codes import read_rows

DEFAULT_UNIT = "unit"


@cache
def _words(applies_to: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """(a pattern of the unit words of 'drug' or 'service' headings, word → quantity_unit)."""
    rows = {r["word"]: r["quantity_unit"] for r in read_rows("quantity_units") if r["applies_to"] == applies_to}
    words = sorted(rows, key=len, reverse=True)
    return re.compile(r"(?<![\w/])(?:\d+\s*)?(?P<word>" + "|".join(map(re.escape, words)) + r")\b", re.I), rows


def quantity_unit(text: str, quantity: int | None, is_drug: bool, strength_unit: str | None) -> str | None:
    """The unit of `quantity` in a (request) text: the first unit word written; else a patch for a
    mcg/hr strength, visits for a 'N times a week for M weeks' count, 'unit' otherwise; None without a quantity."""
    if quantity is None:
        return None
    pattern, units = _words("drug" if is_drug else "service")
    if m := screen.search(pattern, text):
        return units[m["word"].lower()]
    if is_drug and strength_unit == "mcg/hr":
        return "patch"
    if not is_drug and screen.search(rx.FREQUENCY_DURATION, text):
        return "visit"
    return DEFAULT_UNIT


def volume_ml(text: str) -> float | None:
    """The volume of a liquid written without '#' ('Methadone 10mg/ml 420 ml' → 420.0); None when absent."""
    m = screen.search(rx.VOLUME, text)
    return float(m["ml"]) if m else None
