"""DATA/datapackage.json: the dataset described as a Frictionless (Tabular) Data Package, as PUDL publishes.

Generated from the pandera models (fields, types, descriptions, constraints, vocabularies, keys), the
units in schemas/codes/units.csv and the build's manifest. Every path is relative to the descriptor, which
sits beside `parquet/` (in the build directory, and through it in DATA).
"""
from __future__ import annotations

import datetime as dt
import json
import os
from functools import cache
from pathlib import Path

import polars as pl

from pipeline import EXTRACTOR_VERSION, __version__
from pipeline.parts import ORDER
from pipeline.readback import part_files, partition_year
from pipeline.versions import schema_version
from schemas.codes import read_rows, vocabularies
from schemas.tables import PARTITION_COLUMN, PARTITIONED, TABLES, polars_schema

NAME = "datapackage.json"
SOURCE = {"title": "California Division of Workers' Compensation: Independent Medical Review final determinations",
          "path": "https://www.dir.ca.gov/dwc/IMR.htm"}
# Foreign keys: (table, columns) → (referenced table, columns). letters ⟶ items ⟶ citations.
FOREIGN_KEYS = {"items": [(["letter_id"], "letters", ["letter_id"])],
                "citations": [(["letter_id", "item_number"], "items", ["letter_id", "item_number"])]}


@cache
def units() -> dict[tuple[str, str], str]:
    """{(table, column): unit} from schemas/codes/units.csv."""
    return {(r["table"], r["column"]): r["unit"] for r in read_rows("units")}


def _type(dtype: pl.DataType) -> str:
    if dtype == pl.String:
        return "string"
    if dtype == pl.Boolean:
        return "boolean"
    if dtype == pl.Date:
        return "date"
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "number"
    if isinstance(dtype, pl.List):
        return "array"
    raise TypeError(f"no Frictionless type for {dtype}")


def _constraints(column) -> dict:
    """Frictionless constraints of a pandera column (isin → enum, ge → minimum, …)."""
    out: dict = {"required": True} if not column.nullable else {}
    if column.unique:
        out["unique"] = True
    for check in column.checks:
        stats = check.statistics or {}
        match check.name:
            case "isin":
                out["enum"] = [str(v) for v in stats["allowed_values"]]
            case "greater_than_or_equal_to":
                out["minimum"] = _json_value(stats["min_value"])
            case "less_than_or_equal_to":
                out["maximum"] = _json_value(stats["max_value"])
            case "str_matches":
                out["pattern"] = stats["pattern"].removeprefix("^").removesuffix("$")
            case "str_length":
                exact = stats.get("exact_value")
                if exact is not None or stats.get("min_value") is not None:
                    out["minLength"] = exact if exact is not None else stats["min_value"]
                if exact is not None or stats.get("max_value") is not None:
                    out["maxLength"] = exact if exact is not None else stats["max_value"]
    return out


def _json_value(value):
    """A bound as JSON holds it: a date as an ISO string (Frictionless date constraints), a number as is."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _vocabulary_name(codes: list[str]) -> str | None:
    return next((name for name, vocab in vocabularies().items() if list(vocab) == codes), None)


def fields(table: str) -> list[dict]:
    """The Frictionless fields of a table, in declared order."""
    schema = polars_schema(TABLES[table])
    out = []
    for name, column in TABLES[table].to_schema().columns.items():
        field: dict = {"name": name, "type": _type(schema[name]), "description": column.description or ""}
        constraints = _constraints(column)
        if constraints:
            field["constraints"] = constraints
        if "enum" in constraints and (vocab := _vocabulary_name(constraints["enum"])):
            field["vocabulary"] = vocab
            field["codes"] = dict(vocabularies()[vocab])
        if (table, name) in units():
            field["unit"] = units()[(table, name)]
        if table in PARTITIONED and name == PARTITION_COLUMN:
            field["partition"] = ("Hive partition key: not stored in the files, read from the folder "
                                  f"{PARTITION_COLUMN}=<year> directly under the table folder")
        out.append(field)
    return out


def primary_key(table: str) -> list[str]:
    """The columns that identify a row, as validated: a unique column, else the model's Config.unique."""
    schema = TABLES[table].to_schema()
    single = [name for name, col in schema.columns.items() if col.unique]
    unique = schema.unique
    return single or ([unique] if isinstance(unique, str) else list(unique or []))


def row_key(table: str) -> tuple[list[str], str]:
    """(key columns, note): the primary key, or for rejects the key that holds by construction (one
    file-level reject per input file, one item-level reject per item, one per nulled value) though a part of it may be null."""
    if table == "rejects":
        return ["source_path", "item_number", "field"], ("unique; item_number and field are null for a file-level "
                                                         "reject, field for an item-level one")
    return primary_key(table), "unique"


def resource(build_dir: Path, table: str) -> dict:
    parquet = build_dir / "parquet"
    files = part_files(parquet, table)
    schema: dict = {"fields": fields(table)}
    if key := primary_key(table):
        schema["primaryKey"] = key
    elif table == "rejects":
        schema["uniqueKeys"] = [row_key(table)[0]]
    if table in FOREIGN_KEYS:
        schema["foreignKeys"] = [{"fields": own, "reference": {"resource": other, "fields": theirs}}
                                 for own, other, theirs in FOREIGN_KEYS[table]]
    out = {
        "name": table, "profile": "tabular-data-resource",
        "description": (TABLES[table].__doc__ or "").strip(),
        "path": [f.relative_to(build_dir).as_posix() for f in files],
        "format": "parquet", "mediatype": "application/vnd.apache.parquet", "encoding": "utf-8",
        "schema": schema,
    }
    if table in PARTITIONED:
        out["partitions"] = {f.relative_to(build_dir).as_posix(): partition_year(parquet, table, f) for f in files}
    # the row order inside each part file (items: by their letter's decision date first)
    out["sorting"] = (["letters.decision_date"] if table == "items" else []) + ORDER[table]
    return out


def datapackage(build_dir: Path, manifest: dict) -> dict:
    """The data package descriptor of the build in `build_dir` (which holds parquet/)."""
    return {
        "profile": "tabular-data-package",
        "name": "imr-determinations",
        "title": "California workers' compensation IMR final determinations, item level",
        "description": ("One row per determination letter, per disputed item, per cited guideline document and "
                        "per input that could not be used. Built by imr-dataset from the DWC's published letters."),
        "version": __version__,
        "created": manifest.get("finished_at"),
        "keywords": ["workers compensation", "independent medical review", "California", "utilization review"],
        "sources": [SOURCE],
        "imr": {"build_id": manifest.get("build_id"), "extractor_version": manifest.get("extractor_version",
                EXTRACTOR_VERSION), "schema_version": schema_version(), "counts": manifest.get("counts", {})},
        "resources": [resource(build_dir, table) for table in TABLES],
    }


def write_datapackage(build_dir: Path, manifest: dict | None = None) -> Path:
    """Write build_dir/datapackage.json (beside build_dir/parquet; the manifest is read from there unless
    given); its path."""
    if manifest is None:
        manifest = json.loads((build_dir / "parquet" / "manifest.json").read_text(encoding="utf-8"))
    path = build_dir / NAME
    path.write_text(json.dumps(datapackage(build_dir, manifest), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


def link_datapackage(root: Path, build_dir: Path) -> None:
    """DATA/datapackage.json → the published build's descriptor, a relative symlink swapped atomically."""
    link = root / f".{NAME}.{os.getpid()}.link"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(build_dir / NAME, root), link)
    os.replace(link, root / NAME)
