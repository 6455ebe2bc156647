"""The generator's vocabularies and prose, read once from synth/data (CSV tables, .txt templates).

Multi-valued cells hold '|'-separated values in the order the generator draws from them; file order is
draw order, so editing a table changes the letters a seed gives (tests/test_synth.py pins a digest).
"""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")

# Every table and the columns the code reads, checked when the table is read.
COLUMNS: dict[str, tuple[str, ...]] = {
    "compound_ingredients": ("written", "generic", "strengths"),
    "date_styles": ("written_in", "below", "format"),
    "drug_names": ("name", "generic", "drug_class", "kind", "prescribed_like"),
    "guidelines": ("guide", "kind", "document", "notice_document", "sections", "pages"),
    "headings": ("maker", "template", "category", "guide", "quantity"),
    "licensure_states": ("state", "weight"),
    "name_case": ("name", "written"),
    "notice_boards": ("board", "subspecialty"),
    "number_words": ("number", "word"),
    "oral_drugs": ("generic", "drug_class", "strengths", "unit", "salts", "counts", "guide", "weight", "form"),
    "rationales": ("family", "outcome", "sentence"),
    "regions": ("region", "part"),
    "second_documents": ("document", "sections"),
    "specialties": ("specialty",),
    "therapies": ("name", "guide", "weight"),
    "topicals": ("text", "drug", "generic", "strengths", "unit", "counts", "guide"),
    "words": ("list", "word"),
}


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of synth/data/<name>.csv; ValueError when its header is not COLUMNS[name]."""
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS[name]:
            raise ValueError(f"{name}.csv: columns {reader.fieldnames}, expected {list(COLUMNS[name])}")
        return tuple(reader)


def values(cell: str) -> tuple[str, ...]:
    """'a|b' → ('a', 'b'); an empty cell holds no value."""
    return tuple(cell.split("|")) if cell else ()


def ints(cell: str) -> tuple[int, ...]:
    return tuple(int(v) for v in values(cell))


@cache
def words(name: str) -> tuple[str, ...]:
    """One list of words.csv, in file order."""
    out = tuple(row["word"] for row in rows("words") if row["list"] == name)
    if not out:
        raise KeyError(f"words.csv has no list {name!r}")
    return out


@cache
def template(name: str) -> str:
    """synth/data/<name>.txt: fixed lines of a letter, or a paragraph (wrapped, so its line breaks do not count)."""
    return (DATA / f"{name}.txt").read_text(encoding="utf-8")


def template_lines(name: str, **fields: object) -> list[str]:
    """The lines of a template with its {fields} filled in."""
    return template(name).format(**fields).splitlines()
