"""Text summaries of a build and of a dataset for the terminal."""
from __future__ import annotations

from pathlib import Path

import contextlib

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

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
    console.print(f"Parquet: {data / 'parquet'}\nDuckDB:  {data / 'imr.duckdb'}")
    console.print(f'Try:     duckdb {data / "imr.duckdb"} -c "select drug, strength_values, quantity, '
                  f'outcome from items where drug is not null limit 10"')


def print_stats(data: Path) -> None:
    db = Path(data) / "imr.duckdb"
    if not db.exists():
        raise FileNotFoundError(f"no database at {db}: run `imr build` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        table = Table(title=f"{data}")
        table.add_column("table")
        table.add_column("group")
        table.add_column("rows", justify="right")
        for name in ("letters", "items", "citations", "rejects"):
            table.add_row(name, "", f"{con.execute(f'select count(*) from {name}').fetchone()[0]:,}")
        for outcome, n in con.execute("select outcome, count(*) from items group by 1 order by 1").fetchall():
            table.add_row("items", f"outcome={outcome}", f"{n:,}")
        for reason, n in con.execute("select reason, count(*) from rejects group by 1 order by 1").fetchall():
            table.add_row("rejects", f"reason={reason}", f"{n:,}")
        console.print(table)
    finally:
        con.close()
