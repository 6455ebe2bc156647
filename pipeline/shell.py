"""The pinned DuckDB shell and the commands we print for users to paste."""
from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path


def duckdb_shell() -> Path | None:
    """The `duckdb` shell installed beside this Python (PyPI duckdb-cli, same storage format as the
    duckdb package), else the first on PATH; None when there is none."""
    pinned = Path(sys.executable).with_name("duckdb")
    if pinned.is_file():
        return pinned
    found = shutil.which("duckdb")
    return Path(found) if found else None


def pasteable(path: Path) -> str:
    """A path for a printed command: relative to the working directory when under it, shell-quoted."""
    path = Path(path).absolute()
    try:
        text = os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        text = str(path)
    return shlex.quote(text)


def query_command(database: Path, sql: str) -> str:
    """A command line that runs `sql` on `database` in the pinned shell, read-only."""
    shell = duckdb_shell()
    return " ".join([pasteable(shell) if shell else "duckdb", "-readonly", pasteable(database), "-c", shlex.quote(sql)])
