"""Publishing a finished build: one atomic rename makes its Parquet, database and descriptor live.

A staging build directory is complete before it is published (part files, manifest.json,
imr.duckdb, datapackage.json). It is renamed to DATA/builds/<build id>-<nonce> (a new name every
time, so the live build is never renamed away), then DATA/current is swapped to it with one
os.replace. A build killed at any moment leaves the previous build live and whole; its debris (staging
folders, temporary links, unpublished build folders) is removed by the next build, under the lock.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

from pipeline.paths import DataPaths

STAGING_PREFIX = ".staging-"


class PublishError(RuntimeError):
    """DATA holds something a build would have to destroy to publish (a one-line message for the user)."""


@contextlib.contextmanager
def data_lock(paths: DataPaths):
    """An OS-level lock on the DATA directory itself (it needs no write permission, so a no-op build on
    a read-only DATA works); a second build fails fast, a killed build leaves no stale lock."""
    if not paths.root.is_dir():
        paths.root.mkdir(parents=True)
    fd = os.open(paths.root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"another build is running on {paths.root}") from None
        yield
    finally:
        os.close(fd)     # closing the descriptor releases the lock


def live_build(paths: DataPaths) -> Path | None:
    """The published build directory (DATA/current resolved once), or None."""
    if paths.current.is_symlink():
        target = paths.current.resolve()
        return target if target.is_dir() else None
    if paths.parquet.is_symlink():            # the layout of earlier versions: DATA/parquet → builds/<id>/parquet
        target = paths.parquet.resolve().parent
        return target if target.is_dir() else None
    return None


def clean_leftovers(paths: DataPaths) -> None:
    """Remove what killed or failed builds left behind (the caller holds the lock)."""
    live = live_build(paths)
    if paths.builds.is_dir():
        for entry in paths.builds.iterdir():
            if entry != live:
                shutil.rmtree(entry, ignore_errors=True)
    for entry in paths.root.glob(".*"):
        if entry.name.endswith((".link", ".tmp")) and (entry.is_symlink() or entry.is_file()):
            entry.unlink(missing_ok=True)


def refuse_foreign(paths: DataPaths) -> None:
    """Refuse to publish over a DATA/parquet folder or other file this tool did not make."""
    ours = paths.builds.is_dir()
    for path in paths.published:
        if path.is_symlink() or not path.exists():
            continue
        if path.is_dir() or not ours or path != paths.database:
            raise PublishError(f"{path} exists and was not made by imr: move it away first")


def staging_dir(paths: DataPaths) -> Path:
    return paths.builds / f"{STAGING_PREFIX}{os.getpid()}"


def publish(paths: DataPaths, staging: Path, build_id: str) -> Path:
    """Make the complete build in `staging` the live one, atomically; the old build is removed after."""
    old = live_build(paths)
    final = paths.build_dir(f"{build_id}-{os.urandom(4).hex()}")
    staging.rename(final)
    _swap(paths.current, Path(os.path.relpath(final, paths.root)))
    link_published(paths)
    if old is not None and old != final:
        shutil.rmtree(old, ignore_errors=True)
    return final


def link_published(paths: DataPaths) -> None:
    """DATA/parquet, DATA/imr.duckdb and DATA/datapackage.json as fixed links through DATA/current
    (made once; a DATA of an earlier layout, without DATA/current, is converted)."""
    live = live_build(paths)
    if live is not None and not paths.current.is_symlink():
        _swap(paths.current, Path(os.path.relpath(live, paths.root)))
    for path in paths.published:
        target = Path(paths.current.name) / path.name
        if path.is_symlink() and Path(os.readlink(path)) == target:
            continue
        _swap(path, target)


def _swap(path: Path, target: Path) -> None:
    """Point the symlink `path` at `target` with one atomic rename."""
    link = path.with_name(f".{path.name}.{os.getpid()}.link")
    link.unlink(missing_ok=True)
    os.symlink(target, link)
    os.replace(link, path)
