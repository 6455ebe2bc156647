"""A blind table of 300 realistic headings (tests/headings_blind.csv, labelled without reading the
code) through the drug, count and category extractors: every label must match."""
from __future__ import annotations

import csv

import pytest

from pipeline.extract import drugs
from pipeline.extract.categories import categorise
from pipeline.extract.items import quantities
from tests.conftest import ROOT

ROWS = list(csv.DictReader((ROOT / "tests" / "headings_blind.csv").open(encoding="utf-8")))


def _ingredients(generic: str) -> frozenset[str]:
    return frozenset(generic.split("/")) if generic else frozenset()


@pytest.mark.parametrize("row", ROWS, ids=[r["heading"][:60] for r in ROWS])
def test_heading(row):
    heading = row["heading"]
    drug = drugs.find_drug(heading)
    quantity, _ = quantities(heading, drug is not None)
    refills = drugs.refills(heading)
    got = {
        "category": categorise(heading, drug is not None),
        "drug": drug.name if drug else "",
        "drug_generic": _ingredients("/".join(drug.generic) if drug else ""),
        "drug_class": (drug.drug_class or "") if drug else "",
        "quantity": "" if quantity is None else str(quantity),
        "refills": "" if refills is None else str(refills),
    }
    want = {k: row[k] for k in ("category", "drug", "drug_class", "quantity", "refills")}
    want["drug_generic"] = _ingredients(row["drug_generic"])
    assert got == want


CATEGORY_RULES = list(csv.DictReader((ROOT / "schemas" / "codes" / "categories.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("rule", CATEGORY_RULES, ids=[r["example"][:50] for r in CATEGORY_RULES])
def test_each_category_rule_places_its_example(rule):
    """Each rule matches its own example, and the ordered table (first match wins) gives it the rule's category."""
    import re

    assert re.search(rule["pattern"], rule["example"], re.I)
    assert categorise(rule["example"], False) == rule["category"]
