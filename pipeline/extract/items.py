"""ItemBlock (a decision as written) → ItemFields (typed columns of one items row) + citations."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from functools import lru_cache

from pipeline.extract import drugs, screen
from pipeline import patterns as rx
from pipeline.extract.categories import categorise
from pipeline.extract.dates import parse_date
from pipeline.extract.documents import identify
from pipeline.extract.guidelines import Citation, parse_citations
from pipeline.extract.units import quantity_unit, volume_ml
from pipeline.layouts import ItemBlock


@dataclass(frozen=True, slots=True)
class ItemFields:
    item_number: int
    item_text: str
    outcome: str
    category: str
    retrospective: bool
    service_date: dt.date | None
    drug: str | None
    drug_generic: str | None
    drug_class: str | None
    strength_values: tuple[float, ...] | None
    strength_unit: str | None
    quantity: int | None
    quantity_unit: str | None
    original_quantity: int | None
    authorized_quantity: int | None
    request_text: str
    volume_ml: float | None
    refills: int | None
    frequency: str | None
    days_supply: int | None
    mme_factor: float | None
    total_mme: float | None
    daily_mme: float | None
    ingredients: tuple[drugs.Ingredient, ...] | None
    guideline_source: str
    guideline_document: str | None
    guideline_document_id: str | None
    guideline_chapter: str | None
    guideline_sections: tuple[str, ...]
    guideline_pages: tuple[int, ...]
    rationale: str | None
    citations: tuple[tuple[str, Citation], ...]    # (cited_by, citation)


def quantities(heading: str, is_drug: bool) -> tuple[int | None, int | None]:
    """(quantity under review, original quantity) — partial authorizations review the remaining portion."""
    original = screen.search(rx.PARTIAL_ORIGINAL, heading)
    remaining = screen.search(rx.PARTIAL_REMAINING, heading)
    if original and remaining:
        return drugs.count(remaining["remaining"], is_drug), drugs.count(original["original"], is_drug)
    if original:   # 'leaving the original request IMR eligible': the original request is under review
        n = drugs.count(original["original"], is_drug)
        return n, n
    return drugs.count(heading, is_drug), None


def request_text(heading: str) -> str:
    """The request under review in a few words: a partial authorization's remaining portion
    ('Norco 10/325mg #35'), the original request when it stays eligible as a whole, else the heading."""
    if m := screen.search(rx.PARTIAL_REMAINING, heading):
        return m["remaining"].strip(" ,.")
    if m := screen.search(rx.PARTIAL_ORIGINAL, heading):
        return m["original"].strip(" ,.")
    return heading


def authorized(quantity: int | None, original: int | None, heading: str) -> int | None:
    """Partial authorizations: the count the claims administrator authorized (original = authorized + remaining)."""
    if quantity is None or original is None or not screen.search(rx.PARTIAL_REMAINING, heading) or original < quantity:
        return None
    return original - quantity


def service(heading: str) -> tuple[bool, dt.date | None]:
    """(retrospective, date of service): 'Retrospective ... DOS: 11/14/16' → (True, 2016-11-14)."""
    m = rx.SERVICE_DATE.search(heading)
    date = parse_date(m["date"] or m["order"]) if m else None
    return bool(screen.search(rx.RETROSPECTIVE, heading) or date), date


# ItemFields in field order: item_number, item_text, outcome, HEADING_FIELDS, GUIDELINE_FIELDS, rationale,
# citations; extract_item passes them by position, which costs a third less than by keyword.
FIELDS = [f.name for f in fields(ItemFields)]
HEADING_FIELDS = tuple(FIELDS[FIELDS.index("category"):FIELDS.index("guideline_source")])
GUIDELINE_FIELDS = tuple(FIELDS[FIELDS.index("guideline_source"):FIELDS.index("rationale")])
assert FIELDS == ["item_number", "item_text", "outcome", *HEADING_FIELDS, *GUIDELINE_FIELDS, "rationale", "citations"]


@lru_cache(maxsize=1 << 16)
def heading_fields(heading: str) -> tuple[object, ...]:
    """The values of HEADING_FIELDS, which a heading alone decides (drug, counts, category, service
    date, ...): headings repeat across letters, so each distinct heading is read once."""
    drug = drugs.find_drug(heading)
    is_drug = drug is not None
    quantity, original = quantities(heading, is_drug)
    retrospective, service_date = service(heading)
    request = request_text(heading)
    volume = volume_ml(request) if is_drug else None
    mme = drugs.mme(drug, quantity, volume)
    strength = drug.strength if drug else None
    values = dict(
        category=categorise(heading, is_drug), retrospective=retrospective, service_date=service_date,
        drug=drug.name if drug else None,
        drug_generic="/".join(drug.generic) if drug and drug.generic else None,
        drug_class=drug.drug_class if drug else None,
        strength_values=strength.values if strength else None,
        strength_unit=strength.unit if strength else None,
        quantity=quantity, original_quantity=original, refills=drugs.refills(request),
        quantity_unit=quantity_unit(request, quantity, is_drug, strength.unit if strength else None),
        authorized_quantity=authorized(quantity, original, heading), request_text=request, volume_ml=volume,
        frequency=drug.frequency if drug else None, days_supply=drug.days_supply if drug else None,
        mme_factor=mme.factor, total_mme=mme.total, daily_mme=mme.daily,
        ingredients=drug.ingredients or None if drug else None,
    )
    return tuple(values[f] for f in HEADING_FIELDS)


@lru_cache(maxsize=1 << 14)
def citation_fields(claims_line: str, reviewer_line: str) -> tuple[tuple[object, ...], tuple[tuple[str, Citation], ...]]:
    """(values of GUIDELINE_FIELDS, citations): what the two guideline lines decide; pairs of lines
    repeat as much as the lines."""
    claims = parse_citations(claims_line) if claims_line else ()
    adopted = claims and rx.ADOPTS_CLAIMS_GUIDELINE.search(reviewer_line)
    reviewer = claims if adopted else parse_citations(reviewer_line)
    first = reviewer[0]
    document_id, chapter = identify(first.source, first.document, first.sections)
    values = dict(
        guideline_source=first.source, guideline_document=first.document,
        guideline_document_id=document_id, guideline_chapter=chapter,
        guideline_sections=first.sections, guideline_pages=first.pages,
    )
    citations = tuple(("claims_administrator", c) for c in claims) + tuple(("reviewer", c) for c in reviewer)
    return tuple(values[f] for f in GUIDELINE_FIELDS), citations


def extract_item(block: ItemBlock) -> ItemFields:
    """Typed fields of one decision whose outcome is known."""
    guideline, citations = citation_fields(block.claims_line, block.reviewer_line)
    return ItemFields(block.number, block.heading, block.outcome or "", *heading_fields(block.heading), *guideline,
                      block.rationale or None, citations)
