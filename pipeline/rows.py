"""Extracted values → the four tables' columns, driven by the schema (schemas/tables.py).

A column takes the attribute of the same name of the record a row comes from (LetterFields, ItemFields,
Citation, Reject), unless the row's context gives it (ids, the partition key, counts); a schema column
that neither gives is an error, so the models stay the one declaration of the columns. A batch keeps
its records and builds each column once, straight into Arrow: no dict per row.
"""
from __future__ import annotations

from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Callable

import polars as pl
import pyarrow as pa

from pipeline.extract.documents import identify
from pipeline.ingest import RawLetter
from pipeline.inputs import Reject
from pipeline.validate import arrow_schema
from schemas.tables import TABLES

if TYPE_CHECKING:
    from pipeline.extract.letter import LetterFields

# The columns each table's rows take from their context rather than from their record.
CONTEXT = {
    "letters": ("letter_id", "source_path", "sha256", "n_items", "decision_year"),
    "items": ("letter_id", "decision_year"),
    "citations": ("letter_id", "item_number", "cited_by", "citation_number", "document_id", "chapter"),
    "rejects": ("field",),
}


class TableRows:
    """One table's rows: the records (read by attribute) and their context columns."""

    __slots__ = ("table", "records", "context")

    def __init__(self, table: str):
        self.table = table
        self.records: list = []
        self.context: dict[str, list] = {name: [] for name in CONTEXT[table]}

    def add(self, record, *context) -> None:
        """One row: its record and its context values in CONTEXT order."""
        self.records.append(record)
        for column, value in zip(self.context.values(), context, strict=True):
            column.append(value)

    def frame(self) -> pl.DataFrame:
        """The rows as a frame of the table's declared schema, built column by column through Arrow."""
        schema = arrow_schema(self.table)
        columns = [pa.array(self.context[f.name] if f.name in self.context else _values(self.records, f), type=f.type)
                   for f in schema]
        return pl.from_arrow(pa.Table.from_arrays(columns, schema=schema))


def _values(records: list, f: pa.Field) -> list:
    """The values of column f from the records' attributes; a list of structs from the struct's field names."""
    values = list(map(attrgetter(f.name), records))
    if (pa.types.is_list(f.type) or pa.types.is_large_list(f.type)) and pa.types.is_struct(f.type.value_type):
        get = _struct_getter(f.type.value_type)
        values = [None if v is None else list(map(get, v)) for v in values]
    return values


@cache
def _struct_getter(struct: pa.StructType) -> Callable[[object], tuple]:
    """A record → the tuple of its attributes named like the struct's fields."""
    names = [struct.field(i).name for i in range(struct.num_fields)]
    get = attrgetter(*names)
    return get if len(names) > 1 else lambda record: (get(record),)


class BatchRows:
    """The rows of a batch of letters, for all four tables."""

    def __init__(self):
        self.tables = {table: TableRows(table) for table in TABLES}

    def add_reject(self, r: Reject) -> None:
        self.tables["rejects"].add(r, None)

    def add_letter(self, raw: RawLetter, f: LetterFields) -> None:
        """A letter's row, its items' and their citations' rows, and a reject per item whose outcome cannot be read."""
        letter_id = raw.letter_id
        year = f.decision_date.year if f.decision_date else None
        self.tables["letters"].add(f, letter_id, raw.source_path, raw.sha256, len(f.items) + len(f.unreadable), year)
        items, citations = self.tables["items"], self.tables["citations"]
        for it in f.items:
            items.add(it, letter_id, year)
            numbers: dict[str, int] = {}
            for cited_by, c in it.citations:
                numbers[cited_by] = numbers.get(cited_by, 0) + 1
                citations.add(c, letter_id, it.item_number, cited_by, numbers[cited_by],
                              *identify(c.source, c.document, c.sections))
        for n, heading in f.unreadable:
            self.add_reject(Reject(raw.source_path, "extract", "unreadable_outcome",
                                   f"item {n}: no outcome after the heading {heading!r}", letter_id, n))

    def frames(self) -> dict[str, pl.DataFrame]:
        return {table: rows.frame() for table, rows in self.tables.items()}


