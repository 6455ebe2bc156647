"""pandera's polars API, imported without pandas.

pandera imports pandas whenever it is installed (the project installs it for the notebooks), though
the pipeline validates polars frames only: about half a second of CPU in the build process and again
in the worker server. While pandera loads, pandas looks absent (pandera's own polars-only mode);
afterwards it imports normally. When pandas is already loaded, nothing changes.
"""
from __future__ import annotations

import importlib.abc
import sys


class _PandasAbsent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)   # the message pandera expects
        return None


_finder = _PandasAbsent() if "pandas" not in sys.modules else None
if _finder:
    sys.meta_path.insert(0, _finder)
try:
    import pandera.errors as errors
    import pandera.polars as pa
finally:
    if _finder:
        sys.meta_path.remove(_finder)

__all__ = ["errors", "pa"]
