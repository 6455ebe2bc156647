"""Where RAW, DATA, the published build, staging builds, the lock and the database live."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class PathError(ValueError):
    """RAW and DATA overlap in a way a build could destroy files (a one-line message for the user)."""


@dataclass(frozen=True, slots=True)
class DataPaths:
    """The layout of a DATA directory.

    DATA/builds/<dir>/ holds one complete build: parquet/ (part files and manifest.json),
    imr.duckdb and datapackage.json. DATA/current is a relative symlink to the published build,
    swapped atomically with one rename, and DATA/parquet, DATA/imr.duckdb and DATA/datapackage.json are
    fixed relative symlinks through DATA/current: the Parquet, the database and the descriptor of one
    build are published together, in one step, or not at all. The DATA directory itself is locked
    (flock) by a build, so a second build fails fast and a read-only DATA can still be checked.
    """

    root: Path

    @classmethod
    def at(cls, data: str | Path) -> "DataPaths":
        return cls(Path(data).absolute())

    @property
    def current(self) -> Path:
        return self.root / "current"

    @property
    def parquet(self) -> Path:
        return self.root / "parquet"

    @property
    def database(self) -> Path:
        return self.root / "imr.duckdb"

    @property
    def datapackage(self) -> Path:
        return self.root / "datapackage.json"

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    @property
    def manifest(self) -> Path:
        """Build metadata, published together with the Parquet it describes."""
        return self.parquet / "manifest.json"

    def build_dir(self, name: str) -> Path:
        return self.builds / name

    @property
    def published(self) -> tuple[Path, ...]:
        """The fixed links through DATA/current, each with the name of its target inside a build."""
        return (self.parquet, self.database, self.datapackage)

    def managed(self) -> tuple[Path, ...]:
        """Everything under DATA that a build writes, replaces or removes."""
        return (self.current, self.builds, *self.published)

    def refuse_overlap(self, raw: Path) -> None:
        """Refuse a RAW that a build could write into or delete from: RAW == DATA, DATA inside RAW, or
        RAW inside (or reached through) anything a build manages. RAW may be an ordinary folder of DATA
        (the default data/raw beside data/parquet)."""
        real_raw, real_data = Path(os.path.realpath(raw)), Path(os.path.realpath(self.root))
        if real_raw == real_data or real_raw in real_data.parents:
            raise PathError(f"DATA ({self.root}) must not be RAW ({raw}) or lie inside it")
        for path in self.managed():
            for place in {path, Path(os.path.realpath(path))}:
                if real_raw == place or place in real_raw.parents:
                    raise PathError(f"RAW ({raw}) lies inside {path}, which a build replaces: choose another RAW")
