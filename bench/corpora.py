"""Benchmark corpora cached under ROOT, each rewritten when what made it changes.

A corpus directory holds a `.complete` stamp with its key: kind, size, seed and a fingerprint of
the code and data that wrote it (the synthetic generator's files; the copier and the real letters it
copies). A stamp with another key, or none, means the directory is written again.
"""
from __future__ import annotations

import ast
import hashlib
import importlib.util
import inspect
import json
import multiprocessing
import shutil
import sys
import time
from pathlib import Path
from typing import Callable

from bench import copies

ADDED = "added"          # RAW subdirectory of the letters a rebuild measurement adds
STAMP = ".complete"
COPY_CHUNK = 500


def cached(raw: Path, key: dict, write: Callable[[Path], int]) -> Path:
    """raw as write(raw) left it (it returns the number of letters written), unless raw's stamp already
    holds `key`."""
    stamp = raw / STAMP
    if stamp.exists() and json.loads(stamp.read_text()) == key:
        shutil.rmtree(raw / ADDED, ignore_errors=True)   # left by an interrupted rebuild measurement
        return raw
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    t = time.perf_counter()
    written = write(raw)
    print(f"  wrote {written} {key['kind']} letters in {time.perf_counter() - t:.1f}s -> {raw}", flush=True)
    stamp.write_text(json.dumps(key) + "\n")
    return raw


def files_digest(paths: list[Path]) -> str:
    """16 hex digits of the SHA-256 of the files' names and bytes, in the order given."""
    h = hashlib.sha256()
    for path in paths:
        data = path.read_bytes()
        h.update(f"{path.name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()[:16]


def generator_files(func: Callable) -> list[Path]:
    """The files that decide what `func` writes: the source of its module and of the modules that one
    imports from its own directory (recursively), and the other files in that directory and below it
    (its data): for synth.corpus, the synth package's modules it reaches and synth/data."""
    module = sys.modules[func.__module__]
    first = Path(inspect.getsourcefile(module)).resolve()
    home = first.parent
    sources, todo = set(), [(first, module.__name__ if first.name == "__init__.py" else module.__package__)]
    while todo:
        path, package = todo.pop()
        if path in sources:
            continue
        sources.add(path)
        for name in _imported_names(path, package):
            origin = _origin(name)
            if origin is not None and origin.is_relative_to(home):
                todo.append((origin, name if origin.name == "__init__.py" else name.rpartition(".")[0]))
    data = {p.resolve() for p in home.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    return sorted(sources | data)


def generator_fingerprint(func: Callable) -> str:
    return files_digest(generator_files(func))


def _imported_names(path: Path, package: str) -> list[str]:
    """Absolute names of the modules a source file imports, and of the names its from-imports take
    (which may be submodules)."""
    names = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package) if node.level \
                else node.module
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def _origin(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):       # a from-imported name that is not a module
        return None
    return Path(spec.origin).resolve() if spec and spec.origin and spec.has_location else None


# ---------------------------------------------------------------- copies of real letters
COPIERS = {".txt": copies.text_copy, ".pdf": copies.pdf_copy}


def copy_name(index: int, source: Path) -> str:
    return f"{index:06d}-{source.name}"


def _write_chunk(args: tuple) -> int:
    """Copies start..stop-1 (copy i of sources[i % len(sources)]); the first copy of each source is checked."""
    sources, start, stop, raw = args
    letters = [p.read_bytes() for p in sources]
    for i in range(start, stop):
        source = sources[i % len(sources)]
        copy = COPIERS[source.suffix](letters[i % len(sources)], i)
        if i < len(sources) and source.suffix == ".pdf":
            _check_stamp(copy, i, source)
        (Path(raw) / copy_name(i, source)).write_bytes(copy)
    return stop - start


def _check_stamp(pdf: bytes, index: int, source: Path) -> None:
    from pipeline.ingest import pdf_text

    if not pdf_text(pdf).rstrip().endswith(copies.stamp_text(index)):
        raise SystemExit(f"the stamp of copy {index} of {source} is not the end of its text")


def real_copies(sources: list[Path], n: int, root: Path, jobs: int) -> Path:
    """ROOT/real-<suffix>-<n>/raw: n copies of the sources (all .txt or all .pdf), each a letter of its own."""
    suffix = sources[0].suffix
    raw = root / f"real-{suffix[1:]}-{n}" / "raw"
    key = {"kind": f"real-{suffix[1:]}", "n": n, "sources": files_digest([Path(copies.__file__), *sources])}

    def write(raw: Path) -> int:
        chunks = [(sources, s, min(s + COPY_CHUNK, n), str(raw)) for s in range(0, n, COPY_CHUNK)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return sum(pool.imap_unordered(_write_chunk, chunks))

    return cached(raw, key, write)
