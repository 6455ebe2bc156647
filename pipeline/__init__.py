"""imr-dataset: California IMR final-determination letters → item-level Parquet + DuckDB."""

import hashlib
from pathlib import Path

__version__ = "0.1.0"

# Modules that read, present or schedule a dataset but cannot change a row of it; every other module of
# the package (a new one too) counts as deciding the rows.
NOT_ROW_DECIDING = frozenset({"__main__.py", "check.py", "cli.py", "dictionary.py", "load.py", "paths.py",
                              "provenance.py", "report.py", "report_html.py", "workers.py"})


def extractor_sources() -> list[Path]:
    """The files whose bytes decide the rows: the package less NOT_ROW_DECIDING, the schemas, the lookups."""
    root = Path(__file__).resolve().parent
    code = [p for p in root.rglob("*.py") if not (p.parent == root and p.name in NOT_ROW_DECIDING)]
    return sorted([*code, *root.parent.glob("schemas/*.py"), *root.parent.glob("schemas/codes/*.csv")])


def _extractor_version() -> str:
    """The package version plus a digest of everything that decides the rows (extraction, row building,
    validation, batching, dedupe, part files, schemas and lookup tables), so a rebuild never appends to
    rows made by other code."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in extractor_sources():
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


EXTRACTOR_VERSION = _extractor_version()
