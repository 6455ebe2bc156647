"""The extract cache: each file's extracted rows keyed by the SHA-256 of its bytes, one SQLite
database per extractor version (DATA/cache/<version>.sqlite).

A rebuild re-extracts only new or changed files; bumping pipeline.EXTRACTOR_VERSION re-extracts
everything. Workers only read (in batches); the build process writes each batch's new entries in
one transaction, so a killed build loses at most the batch in flight and never leaves a torn entry.
"""
from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

SCHEMA = "CREATE TABLE IF NOT EXISTS entries (sha256 TEXT PRIMARY KEY, rows BLOB NOT NULL)"


class ExtractCache:
    def __init__(self, path: Path):
        self.path = path

    def get_many(self, shas: list[str]) -> dict[str, tuple]:
        """{sha: rows} for the shas present; {} when the cache does not exist yet."""
        if not shas or not self.path.exists():
            return {}
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            marks = ",".join("?" * len(shas))
            found = con.execute(f"SELECT sha256, rows FROM entries WHERE sha256 IN ({marks})", shas).fetchall()
        except sqlite3.Error:
            return {}
        finally:
            con.close()
        return {sha: pickle.loads(blob) for sha, blob in found}

    @staticmethod
    def pack(rows: tuple) -> bytes:
        """Serialise one file's rows (done in the worker that extracted them)."""
        return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)

    def put_many(self, entries: dict[str, bytes]) -> None:
        """Store {sha: packed rows} in one transaction."""
        if not entries:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(SCHEMA)
            with con:
                con.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", list(entries.items()))
        finally:
            con.close()
