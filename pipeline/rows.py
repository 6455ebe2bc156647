"""Extracted values → row dicts of the four tables (column names as in schemas/tables.py)."""
from __future__ import annotations

from pipeline.extract.documents import identify
from pipeline.extract.letter import LetterFields
from pipeline.ingest import RawLetter, Reject


def reject_row(r: Reject) -> dict:
    return {"source_path": r.source_path, "letter_id": r.letter_id, "item_number": r.item_number,
            "field": None, "stage": r.stage, "reason": r.reason, "detail": r.detail}


def letter_rows(raw: RawLetter, f: LetterFields) -> tuple[dict, list[dict], list[dict], list[dict]]:
    """(letter row, item rows, citation rows, reject rows for items whose outcome cannot be read)."""
    letter_id = raw.letter_id
    year = f.decision_date.year if f.decision_date else None
    letter = {
        "letter_id": letter_id, "source_path": raw.source_path, "sha256": raw.sha256, "layout": f.layout,
        "case_number": f.case_number, "date_assigned": f.date_assigned, "date_of_injury": f.date_of_injury,
        "decision_date": f.decision_date, "ur_denial_date": f.ur_denial_date,
        "application_received": f.application_received, "priority": f.priority,
        "reviewer_licensure": list(f.reviewer_licensure), "reviewer_specialties": list(f.reviewer_specialties),
        "patient_age": f.patient_age, "patient_sex": f.patient_sex, "n_items": len(f.items) + len(f.unreadable),
        "decision_year": year,
    }
    items, citations = [], []
    for it in f.items:
        items.append({
            "letter_id": letter_id, "item_number": it.item_number, "item_text": it.item_text,
            "outcome": it.outcome, "category": it.category, "retrospective": it.retrospective,
            "service_date": it.service_date, "drug": it.drug, "drug_generic": it.drug_generic,
            "drug_class": it.drug_class,
            "strength_values": list(it.strength_values) if it.strength_values is not None else None,
            "strength_unit": it.strength_unit,
            "ingredients": [{"name": i.name, "strength": i.strength, "unit": i.unit} for i in it.ingredients]
            if it.ingredients is not None else None,
            "quantity": it.quantity, "quantity_unit": it.quantity_unit, "original_quantity": it.original_quantity,
            "authorized_quantity": it.authorized_quantity, "request_text": it.request_text, "volume_ml": it.volume_ml,
            "refills": it.refills, "frequency": it.frequency, "days_supply": it.days_supply,
            "mme_factor": it.mme_factor, "total_mme": it.total_mme, "daily_mme": it.daily_mme,
            "guideline_source": it.guideline_source, "guideline_document": it.guideline_document,
            "guideline_document_id": it.guideline_document_id, "guideline_chapter": it.guideline_chapter,
            "guideline_sections": list(it.guideline_sections), "guideline_pages": list(it.guideline_pages),
            "rationale": it.rationale, "decision_year": year,
        })
        numbers: dict[str, int] = {}
        for cited_by, c in it.citations:
            numbers[cited_by] = numbers.get(cited_by, 0) + 1
            citations.append({
                "letter_id": letter_id, "item_number": it.item_number, "cited_by": cited_by,
                "citation_number": numbers[cited_by], "source": c.source, "document": c.document,
                **dict(zip(("document_id", "chapter"), identify(c.source, c.document, c.sections))),
                "sections": list(c.sections), "pages": list(c.pages), "text": c.text,
            })
    rejects = [reject_row(Reject(raw.source_path, "extract", "unreadable_outcome",
                                 f"item {n}: no outcome after the heading {heading!r}", letter_id, n))
               for n, heading in f.unreadable]
    return letter, items, citations, rejects
