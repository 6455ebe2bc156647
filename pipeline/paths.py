"""Where RAW, DATA, the published Parquet, builds, the lock and the database live."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class DataPaths:
    """The layout of a DATA directory.

    DATA/parquet is a symlink to builds/<build id>/parquet, swapped atomically when a build
    publishes; DATA/imr.duckdb is replaced atomically; DATA/.lock serialises builds.
    """

    root: Path

    @classmethod
    def at(cls, data: str | Path) -> "DataPaths":
        return cls(Path(data).absolute())

    @property
    def parquet(self) -> Path:
        return self.root / "parquet"

    @property
    def database(self) -> Path:
        return self.root / "imr.duckdb"

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    @property
    def lock(self) -> Path:
        return self.root / ".lock"

    @property
    def manifest(self) -> Path:
        """Build metadata, published together with the Parquet it describes."""
        return self.parquet / "manifest.json"

    def build_dir(self, build_id: str) -> Path:
        return self.builds / build_id
