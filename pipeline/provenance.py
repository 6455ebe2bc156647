"""The versions of Python and of the libraries that decide a dataset's bytes, recorded with the data.

requirements.lock pins them for a build; the manifest (and any data package) records what actually
ran, so `imr check` can say when the running environment is not the one that built the data.
"""
from __future__ import annotations

import json
import platform
from importlib.metadata import version

from pipeline.paths import DataPaths

# parsing (pypdfium2), validation (pandera), Parquet bytes and row order (polars, pyarrow), the database (duckdb)
LIBRARIES = ("polars", "pyarrow", "pandera", "duckdb", "pypdfium2")


def library_versions() -> dict[str, str]:
    """{"python": ..., "polars": ..., ...} of the running interpreter."""
    return {"python": platform.python_version(), **{name: version(name) for name in LIBRARIES}}


def version_drift(recorded: dict[str, str] | None) -> str | None:
    """One line naming what differs between the recorded versions and the running ones, or None."""
    if not recorded:
        return "the manifest records no library versions (built before they were recorded)"
    running = library_versions()
    differ = [f"{name} {recorded.get(name)} (running {now})" for name, now in running.items()
              if recorded.get(name) != now]
    return f"built with other versions: {', '.join(differ)}" if differ else None


def dataset_drift(data) -> str | None:
    """version_drift of the published dataset at DATA (None when there is none to compare, or no usable
    manifest: `imr check` reports that)."""
    try:
        manifest = json.loads(DataPaths.at(data).manifest.read_text())
    except (OSError, ValueError):
        return None
    return version_drift(manifest.get("versions")) if isinstance(manifest, dict) else None
