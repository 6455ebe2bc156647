"""Versions that say what a dataset holds and which tools read it (`imr --version`, the data package)."""
from __future__ import annotations

import hashlib
import json
from functools import cache

from pipeline import EXTRACTOR_VERSION, __version__


@cache
def schema_version() -> str:
    """12 hex digits of the tables' column names and types: changes exactly when the data contract does."""
    from schemas.tables import TABLES, polars_schema

    columns = {table: [[name, str(dtype)] for name, dtype in polars_schema(model).items()]
               for table, model in TABLES.items()}
    return hashlib.sha256(json.dumps(columns, sort_keys=True).encode()).hexdigest()[:12]


def versions() -> dict[str, str]:
    import duckdb
    import polars

    return {"imr-dataset": __version__, "extractor": EXTRACTOR_VERSION, "schema": schema_version(),
            "duckdb": duckdb.__version__, "polars": polars.__version__}
