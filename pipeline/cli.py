"""The `imr` command: thin click wrappers over the library; user errors end as one line."""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click



def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


class LazyGroup(click.Group):
    """Commands whose modules are heavy (pandera, plotly) are imported only when run: `imr build` and
    `imr --help` start fast. LAZY holds each one's module and its help, as its docstring says it."""

    LAZY = {"dictionary": ("pipeline.dictionary", "Generate the data dictionary (Markdown) from the table models."),
            "report": ("pipeline.report_html", "Write a self-contained HTML report (tables and charts) of the dataset in DATA."),
            "synth": ("synth.cli", "Write N synthetic IMR letters with their ground-truth labels.")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            return getattr(importlib.import_module(self.LAZY[name][0]), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click lists the commands, with a lazy command's help taken from LAZY instead of its module."""
        commands = [(name, self.commands.get(name) or click.Command(name, help=self.LAZY[name][1]))
                    for name in self.list_commands(ctx)]
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])


def _print_versions(ctx: click.Context, _param, value: bool) -> None:
    """--version: every version that decides what a dataset holds and who can read it."""
    if not value or ctx.resilient_parsing:
        return
    from pipeline.versions import versions

    for name, version in versions().items():
        click.echo(f"{name} {version}")
    ctx.exit()


@click.group(cls=LazyGroup)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_versions,
              help="Print the package, extractor, schema, DuckDB and polars versions and exit.")
def main() -> None:
    """Build and inspect the IMR determinations dataset."""


@main.command()
@click.option("--raw", default="data/raw", show_default=True, type=click.Path(path_type=Path),
              help="Directory of letters (.pdf, .txt), searched recursively.")
@click.option("--data", default="data", show_default=True, type=click.Path(path_type=Path),
              help="Output directory: parquet/, imr.duckdb.")
@click.option("--jobs", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Reject files larger than this many bytes (default 20 MiB).")
@click.option("--file-seconds", type=click.FloatRange(min=0, min_open=True), default=5.0, show_default=True,
              help="CPU seconds one file may take; a file over it becomes a too_slow reject.")
@click.option("--hard-seconds", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Wall seconds a worker may spend on one file before it is killed (too_slow).")
@click.option("--worker-memory", type=click.IntRange(min=64), default=2048, show_default=True,
              help="MiB of memory a worker may hold; the file it is on becomes a too_large reject.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: worker processes on this machine; dask: one task per batch on a Dask cluster.")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786); default: a LocalCluster.")
@click.option("--full", is_flag=True, help="Process every file, even when RAW only grew since the last build.")
def build(raw: Path, data: Path, jobs: int | None, max_bytes: int | None, file_seconds: float,
          hard_seconds: float, worker_memory: int, engine: str, scheduler: str | None, full: bool) -> None:
    """Run every stage: ingest, extract, validate, load; publish atomically."""
    if engine == "local":
        from pipeline.workers import warm_up

        warm_up()   # before the imports below, which the worker server does in parallel
    from pipeline.build import BuildError
    from pipeline.build import build as run
    from pipeline.inputs import DEFAULT_MAX_BYTES
    from pipeline.report import build_progress, print_summary
    from pipeline.tasks import Limits

    try:
        with build_progress() as advance:
            summary = run(raw, data, jobs=jobs, max_bytes=max_bytes or DEFAULT_MAX_BYTES, engine=engine,
                          scheduler=scheduler, progress=advance, append=not full,
                          limits=Limits(cpu_seconds=file_seconds, hard_seconds=hard_seconds,
                                        max_memory=worker_memory << 20))
    except (BuildError, OSError) as exc:
        raise _fail(exc) from None
    print_summary(summary)


def _read_one(path: Path):
    """The RawLetter of one file, or a one-line error naming the reject reason."""
    from pipeline.ingest import Reject, read_letter

    got = read_letter(path.absolute(), path.absolute().parent)
    if isinstance(got, Reject):
        raise click.ClickException(f"{got.reason}: {got.detail}")
    return got


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def ingest(path: Path) -> None:
    """Print the normalised text of one letter file (what the extractors see)."""
    click.echo(_read_one(path).text, nl=False)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def extract(path: Path) -> None:
    """Print the fields extracted from one letter file as JSON."""
    import dataclasses

    from pipeline.extract.letter import ExtractError, extract_letter

    try:
        fields = extract_letter(_read_one(path).text)
    except ExtractError as exc:
        raise click.ClickException(f"{exc.reason}: {exc}") from None
    click.echo(json.dumps(dataclasses.asdict(fields), indent=1, default=str))


@main.command()
@click.argument("data", default="data", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print {ok, data, problems} as JSON.")
def check(data: Path, as_json: bool) -> None:
    """Validate a built dataset against the schemas and its manifest; exit 1 when something is off."""
    from pipeline.check import check_dataset
    from pipeline.provenance import dataset_drift

    if drift := dataset_drift(data):
        click.echo(f"WARN {drift}")
    problems = check_dataset(data)
    if as_json:
        click.echo(json.dumps({"ok": not problems, "data": str(data), "problems": problems}, indent=1))
    else:
        for p in problems:
            click.echo(f"FAIL {p}")
        if not problems:
            click.echo(f"OK {data}")
    if problems:
        sys.exit(1)


@main.command()
@click.argument("data", default="data", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(data: Path, as_json: bool) -> None:
    """Counts by table, outcome and reject reason."""
    import duckdb

    from pipeline.report import dataset_stats, print_stats

    try:
        if as_json:
            click.echo(json.dumps(dataset_stats(data), indent=1))
        else:
            print_stats(data)
    except (OSError, duckdb.Error) as exc:
        raise _fail(exc) from None


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("data", default="data", type=click.Path(path_type=Path))
@click.argument("duckdb_args", nargs=-1, type=click.UNPROCESSED)
def sql(data: Path, duckdb_args: tuple[str, ...]) -> None:
    """Open the DuckDB shell on DATA/imr.duckdb (read-only); DUCKDB_ARGS go to the shell as they are:
    `imr sql data -json -c "select count(*) from items"`."""
    import subprocess

    from pipeline.shell import duckdb_shell

    if str(data).startswith("-"):   # `imr sql -csv -c ...`: the default DATA, every word for the shell
        data, duckdb_args = Path("data"), (str(data), *duckdb_args)
    db = data / "imr.duckdb"
    if not db.is_file():
        raise click.ClickException(f"no database at {db}: run `imr build` first")
    shell = duckdb_shell()
    if shell is None:
        raise click.ClickException("the duckdb shell is not installed (pip install duckdb-cli)")
    sys.exit(subprocess.call([str(shell), "-readonly", str(db), *duckdb_args]))
