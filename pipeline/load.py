"""The DuckDB database of views over the published Parquet (one view per table, with comments)."""
from __future__ import annotations

import os
from pathlib import Path

from pipeline.parts import table_glob
from schemas.tables import PARTITION_COLUMN, PARTITIONED, TABLES, descriptions, polars_schema


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def view_sql(parquet: Path, table: str) -> list[str]:
    """CREATE VIEW + COMMENT ON COLUMN statements for one table (paths absolute: any cwd works)."""
    glob = _sql_string(str(table_glob(parquet, table)))
    columns = ", ".join(polars_schema(TABLES[table]).names())
    hive = (f", hive_partitioning = true, hive_types = {{'{PARTITION_COLUMN}': BIGINT}}"
            if table in PARTITIONED else ", hive_partitioning = false")
    stmts = [f"CREATE OR REPLACE VIEW {table} AS SELECT {columns} FROM read_parquet({glob}{hive})",
             f"COMMENT ON VIEW {table} IS {_sql_string((TABLES[table].__doc__ or '').strip())}"]
    for column, text in descriptions(TABLES[table]).items():
        stmts.append(f"COMMENT ON COLUMN {table}.{column} IS {_sql_string(text)}")
    return stmts


def write_database(database: Path, parquet: Path) -> None:
    """(Re)create the DuckDB file of views, atomically: written beside it, then renamed over it."""
    import duckdb   # here, not at the top: a build process would hold its 30 MB while its workers run

    tmp = database.with_name(f".{database.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for table in TABLES:
            for stmt in view_sql(parquet, table):
                con.execute(stmt)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, database)
