"""The CSV lookup tables under schemas/codes/, read once at import.

Vocabularies live in vocabularies.csv (one row per allowed code); the drug lexicon, the
category rules, the opioid MME factors and the state codes each have a CSV of their own.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

CODES_DIR = Path(__file__).with_name("codes")


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of schemas/codes/<name>.csv as dicts (header names as keys)."""
    with (CODES_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def vocabularies() -> dict[str, dict[str, str]]:
    """{vocabulary: {code: description}} in file order."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in read_rows("vocabularies"):
        out[row["vocabulary"]][row["code"]] = row["description"]
    return dict(out)


def vocabulary(name: str) -> list[str]:
    """The allowed codes of one vocabulary; an unknown name is a KeyError, not an empty list."""
    return list(vocabularies()[name])


@cache
def document_ids() -> list[str]:
    """The ids of schemas/codes/guideline_documents.csv (the canonical cited documents)."""
    return [row["id"] for row in read_rows("guideline_documents")]


@cache
def usps_states() -> list[str]:
    """The USPS codes of schemas/codes/states.csv (reviewer_licensure's elements)."""
    return [row["code"] for row in read_rows("states")]


@cache
def number_words() -> dict[str, int]:
    """'fifty' → 50, 'twice' → 2 (number_words.csv)."""
    return {row["word"]: int(row["value"]) for row in read_rows("number_words")}


def words_value(words: str) -> int | None:
    """A number in words: 'fifty-two' → 52, 'twice' → 2; None when a word is not a number word."""
    values = number_words()
    parts = words.lower().replace("-", " ").split()
    return sum(values[p] for p in parts) if parts and all(p in values for p in parts) else None
