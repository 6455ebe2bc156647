"""Compare extracted letters with gold-format expectations (GOLD_SPEC.md), field by field."""
from __future__ import annotations

from pipeline.extract.letter import LetterFields

LETTER_KEYS = ("case_number", "date_assigned", "date_of_injury", "decision_date", "ur_denial_date",
               "application_received", "priority", "reviewer_licensure", "reviewer_specialties",
               "patient_age", "patient_sex")


def _plain(value):
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _ingredients(generic: str | None) -> frozenset[str] | None:
    """drug_generic compared as a set of ingredients, as GOLD_SPEC scores it."""
    return None if generic is None else frozenset(generic.split("/"))


def differences(fields: LetterFields, expected: dict) -> list[str]:
    """Human-readable mismatches between extracted fields and one gold JSON document."""
    out = []
    for key in LETTER_KEYS:
        got, want = _plain(getattr(fields, key)), expected["letter"][key]
        if got != want:
            out.append(f"letter.{key}: expected {want!r}, got {got!r}")
    if len(fields.items) != expected["letter"]["n_items"]:
        out.append(f"letter.n_items: expected {expected['letter']['n_items']}, got {len(fields.items)}")
    items = {it.item_number: it for it in fields.items}
    for want in expected["items"]:
        it = items.get(want["item_number"])
        if it is None:
            out.append(f"item {want['item_number']} missing: {want['item_text']!r}")
            continue
        g = want["reviewer_guideline"]
        s = want["strength"]
        pairs = {
            "item_text": (want["item_text"], it.item_text), "outcome": (want["outcome"], it.outcome),
            "category": (want["category"], it.category), "retrospective": (want["retrospective"], it.retrospective),
            "service_date": (want["service_date"], _plain(it.service_date)), "drug": (want["drug"], it.drug),
            "drug_generic": (_ingredients(want["drug_generic"]), _ingredients(it.drug_generic)),
            "drug_class": (want["drug_class"], it.drug_class),
            "strength": (s and ([float(v) for v in s["values"]], s["unit"]),
                         it.strength_values and (list(it.strength_values), it.strength_unit)),
            "quantity": (want["quantity"], it.quantity), "original_quantity": (want["original_quantity"], it.original_quantity),
            "refills": (want["refills"], it.refills), "guideline_source": (g["source"], it.guideline_source),
            "guideline_document": (g["document"], it.guideline_document),
            "guideline_sections": (g["sections"], list(it.guideline_sections)),
            "guideline_pages": (g["pages"], list(it.guideline_pages)),
        }
        out.extend(f"item {want['item_number']}.{k}: expected {w!r}, got {got!r}"
                   for k, (w, got) in pairs.items() if w != got)
    return out
