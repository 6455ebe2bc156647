"""The scorer on the real letters in ../shared (skipped when ../shared is absent): a score drop fails."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.build import build
from tests.conftest import shared

CASES = [
    # raw letters, gold, minimum (items_f1, field_f1, letter_acc)
    (("letters", "dev-pdf"), ("eval", "gold"), (1.0, 0.99, 0.99)),
    (("letters", "dev-txt"), ("eval", "gold"), (1.0, 0.99, 0.99)),
    (("seeds",), ("eval", "gold-seeds"), (1.0, 1.0, 1.0)),
    (("letters", "layout-examples"), ("eval", "gold-layout-examples"), (0.98, 0.98, 0.98)),
]


@pytest.mark.parametrize("raw, gold, minimum", CASES, ids=["dev-pdf", "dev-txt", "seeds", "layout-examples"])
def test_scores_hold(tmp_path, raw, gold, minimum):
    raw_dir, gold_dir, scorer = shared(*raw), shared(*gold), shared("eval", "score.py")
    build(raw_dir, tmp_path / "data", jobs=1)
    out = tmp_path / "score.json"
    subprocess.run([sys.executable, str(scorer), "--db", str(tmp_path / "data" / "imr.duckdb"),
                    "--gold", str(gold_dir), "--json", str(out)], check=True, capture_output=True)
    headline = json.loads(out.read_text())["headline"]
    got = (headline["items_f1"], headline["field_f1"], headline["letter_acc"])
    assert all(g >= m - 1e-9 for g, m in zip(got, minimum)), got
