"""imr-dataset: California IMR final-determination letters → item-level Parquet + DuckDB."""

import hashlib
from pathlib import Path

__version__ = "0.1.0"


def _extractor_version() -> str:
    """The package version plus a digest of everything that decides extraction output (the
    extractors, layouts, cleaning, row building, schemas and lookup tables), so a rebuild never
    appends to rows made by other code."""
    root = Path(__file__).resolve().parent
    sources = sorted([*root.glob("extract/*.py"), *root.glob("layouts/*.py"), root / "clean.py",
                      root / "ingest.py", root / "rows.py", *root.parent.glob("schemas/*.py"),
                      *root.parent.glob("schemas/codes/*.csv")])
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


EXTRACTOR_VERSION = _extractor_version()
