"""One requested item: its heading as written, its gold fields, the guide it is cited from; and the
pieces headings of every kind share (retrospective wrapping, refills)."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from synth.wording import date_text, number_words, plural


@dataclass(slots=True)
class Ctx:
    layout: str                  # 'y2016' | 'y2015' | 'n2013'
    ur: dt.date                  # UR denial date


@dataclass(slots=True)
class Item:
    heading: str                 # as written, one line, before ': Upheld'
    fields: dict                 # gold fields except item_number, item_text, outcome, reviewer_guideline
    guide: str                   # guidelines.csv key
    family: str                  # rationales.csv family


def gold_fields(category: str, quantity=None, *, retro=False, service_date=None, drug=None, generic=None, drug_class=None,
                strength=None, original=None, refills=None) -> dict:
    return {"category": category, "retrospective": retro, "service_date": service_date, "drug": drug,
            "drug_generic": generic, "drug_class": drug_class, "strength": strength, "quantity": quantity,
            "original_quantity": original, "refills": refills}


def gold_strength(values, unit) -> dict | None:
    return None if values is None else {"values": list(values), "unit": unit}


def as_retrospective(rng: random.Random, heading: str, ctx: Ctx, allow_dispensed: bool = True) -> tuple[str, bool, str | None]:
    """Wrap a heading as a retrospective request: (heading, retrospective, ISO service date)."""
    d = ctx.ur - dt.timedelta(days=rng.randint(10, 200))
    ds = date_text(rng, d, "heading")
    r = rng.random()
    if r < 0.3:
        return f"Retrospective {heading} DOS: {ds}", True, d.isoformat()
    if r < 0.5:
        return f"Retrospective {heading} (DOS {ds})", True, d.isoformat()
    if r < 0.7:
        return f"Retrospective {heading}, per {ds} order", True, d.isoformat()
    if r < 0.8 and allow_dispensed:
        return f"Retrospective request for {heading} dispensed on {ds}", True, d.isoformat()
    if r < 0.85:
        return f"{heading} (DOS: {ds})", True, d.isoformat()
    if r < 0.9:
        return f"Retrospective {heading} (date of service {ds})", True, d.isoformat()
    return f"Retrospective {heading}", True, None


def refill_text(rng: random.Random, n: int) -> str:
    """' with 3 refills', ' with three refills', ' x3 refills'."""
    r = rng.random()
    if r < 0.45:
        return f" with {n} {plural(n, 'refill')}"
    if r < 0.7:
        return f" with {number_words()[n]} {plural(n, 'refill')}"
    return f" x{n} {plural(n, 'refill')}"
