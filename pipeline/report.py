"""Text summaries of a build and of a dataset for the terminal."""
from __future__ import annotations

from pathlib import Path

import contextlib

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from pipeline.shell import pasteable, query_command

console = Console()


@contextlib.contextmanager
def build_progress():
    """A rich progress bar over input files on a terminal; a no-op in CI and pipes."""
    if not console.is_terminal:
        yield None
        return
    with Progress(TextColumn("ingest + extract"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("files", total=None)
        yield lambda n: bar.advance(task, n)


def print_summary(summary) -> None:
    table = Table(title="imr build", show_header=False)
    table.add_row("build", summary.mode)
    for name in ("processed", "files", "letters", "items", "citations", "rejects"):
        table.add_row(name, f"{getattr(summary, name):,}")
    for reason, n in sorted(summary.reject_reasons.items()):
        table.add_row(f"  rejects: {reason}", f"{n:,}")
    console.print(table)
    data = summary.data
    sql = "select drug, strength_values, quantity, outcome from items where drug is not null limit 10"
    for label, text in (("Parquet:", pasteable(data / "parquet")), ("DuckDB: ", pasteable(data / "imr.duckdb")),
                        ("Try:    ", query_command(data / "imr.duckdb", sql))):
        console.print(f"{label} {text}", markup=False, highlight=False, soft_wrap=True)


def dataset_stats(data: Path) -> dict:
    """Rows per table, items per outcome and rejects per reason, from DATA/imr.duckdb."""
    db = Path(data) / "imr.duckdb"
    if not db.is_file():
        raise FileNotFoundError(f"no database at {db}: run `imr build` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "tables": {name: con.execute(f"select count(*) from {name}").fetchone()[0]
                       for name in ("letters", "items", "citations", "rejects")},
            "items_by_outcome": dict(con.execute("select outcome, count(*) from items group by 1 order by 1").fetchall()),
            "rejects_by_reason": dict(con.execute("select reason, count(*) from rejects group by 1 order by 1").fetchall()),
        }
    finally:
        con.close()


def print_stats(data: Path) -> None:
    stats = dataset_stats(data)
    table = Table(title=f"{data}")
    table.add_column("table")
    table.add_column("group")
    table.add_column("rows", justify="right")
    for name, n in stats["tables"].items():
        table.add_row(name, "", f"{n:,}")
    for outcome, n in stats["items_by_outcome"].items():
        table.add_row("items", f"outcome={outcome}", f"{n:,}")
    for reason, n in stats["rejects_by_reason"].items():
        table.add_row("rejects", f"reason={reason}", f"{n:,}")
    console.print(table)
