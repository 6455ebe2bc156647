"""Score a blind table of headings (GOLD_SPEC labels) field by field through the heading extractors.

    python -m tests.blind.score_headings tests/blind/headings_500.csv [--errors N]

Prints one accuracy per field and a `HEADINGS` line; used to record pre-fix scores in docs/accuracy.md.
"""
from __future__ import annotations

import argparse
import csv
from collections import Counter

from pipeline.extract import drugs
from pipeline.extract.categories import categorise
from pipeline.extract.items import quantities

FIELDS = ("category", "drug", "drug_generic", "drug_class", "strength", "quantity", "refills")


def _ingredients(generic: str) -> frozenset[str]:
    return frozenset(generic.split("/")) if generic else frozenset()


def predicted(heading: str) -> dict:
    drug = drugs.find_drug(heading)
    quantity, _ = quantities(heading, drug is not None)
    refills = drugs.refills(heading)
    strength = drug.strength if drug else None
    return {
        "category": categorise(heading, drug is not None),
        "drug": drug.name if drug else "",
        "drug_generic": _ingredients("/".join(drug.generic) if drug else ""),
        "drug_class": (drug.drug_class or "") if drug else "",
        "strength": (tuple(strength.values), strength.unit) if strength else None,
        "quantity": "" if quantity is None else str(quantity),
        "refills": "" if refills is None else str(refills),
    }


def expected(row: dict) -> dict:
    values = tuple(float(v) for v in row["strength_values"].split(";") if v.strip())
    return {
        "category": row["category"], "drug": row["drug"], "drug_generic": _ingredients(row["drug_generic"]),
        "drug_class": row["drug_class"], "strength": (values, row["strength_unit"]) if values else None,
        "quantity": row["quantity"], "refills": row["refills"],
    }


def score(rows: list[dict]) -> tuple[dict[str, float], list[tuple]]:
    right: Counter = Counter()
    errors = []
    for row in rows:
        got, want = predicted(row["heading"]), expected(row)
        for f in FIELDS:
            if got[f] == want[f]:
                right[f] += 1
            else:
                errors.append((row["heading"], f, want[f], got[f]))
    return {f: right[f] / len(rows) for f in FIELDS}, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv")
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()
    rows = list(csv.DictReader(open(args.csv, encoding="utf-8")))
    accuracy, errors = score(rows)
    for f, acc in accuracy.items():
        print(f"{f:14} {acc:.3f}")
    for e in errors[:args.errors]:
        print("  ", e)
    rows_all = sum(all(e[0] != r["heading"] for e in errors) for r in rows)
    print(f"HEADINGS n={len(rows)} all_fields_right={rows_all / len(rows):.3f} "
          + " ".join(f"{f}={a:.3f}" for f, a in accuracy.items()))


if __name__ == "__main__":
    main()
