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


class _PandasAbsent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)   # the message pandera expects
        return None


@contextlib.contextmanager
def pandas_absent():
    """Inside: pandas cannot be imported (unless it is loaded already); a library that tries sees it absent."""
    finder = _PandasAbsent() if "pandas" not in sys.modules else None
    if finder:
        sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        if finder:
            sys.meta_path.remove(finder)


with pandas_absent():
    import pandera.errors as errors
    import pandera.polars as pa

__all__ = ["errors", "pa", "pandas_absent"]
