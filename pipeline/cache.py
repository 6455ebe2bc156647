"""The extract cache: a file's rows keyed by the SHA-256 of its bytes, one directory per extractor version.

A rebuild re-extracts only new or changed files; bumping pipeline.EXTRACTOR_VERSION re-extracts
everything. Entries are written to a temporary name and renamed, so a killed build never leaves a
half-written entry.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path


class ExtractCache:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, sha: str) -> Path:
        return self.root / sha[:2] / f"{sha}.pickle"

    def get(self, sha: str):
        try:
            with open(self._path(sha), "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError):
            return None

    def put(self, sha: str, value) -> None:
        path = self._path(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
