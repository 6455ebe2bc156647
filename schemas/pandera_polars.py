"""pandera's polars API, imported without pandas.

pandera imports pandas whenever it is installed (the project installs it for the notebooks), though
the pipeline validates polars frames only: about half a second of CPU in the build process and again
in the worker server. While pandera loads, pandas looks absent (pandera's own polars-only mode);
afterwards it imports normally. When pandas is already loaded, nothing changes.
"""
from __future__ import annotations

import contextlib
import importlib.abc
import sys


class _Absent(importlib.abc.MetaPathFinder):
    def __init__(self, names: frozenset[str]):
        self.names = names

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)   # the message pandera expects
        return None


@contextlib.contextmanager
def absent(*packages: str):
    """Inside: these packages cannot be imported (unless loaded already); a library that tries sees them absent."""
    finder = _Absent(frozenset(p for p in packages if p not in sys.modules))
    if finder.names:
        sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        if finder.names:
            sys.meta_path.remove(finder)


with absent("pandas"):
    import pandera.errors as errors
    import pandera.polars as pa

__all__ = ["absent", "errors", "pa"]
