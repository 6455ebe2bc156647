"""The benchmark's pure parts: real-letter copies, the corpus cache and its generator fingerprint, goals.
Tests on the dev letters skip cleanly when ../shared is absent."""
from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import duckdb
import pytest

from bench.bench import median_run
from bench.copies import pdf_copy, stamp_text, text_copy
from bench.corpora import cached, generator_files, generator_fingerprint
from bench.goals import Goal, evaluate
from pipeline.build import build
from pipeline.ingest import letter_from_bytes, pdf_text
from tests.conftest import shared
from tests.pdfs import text_to_pdf

LETTER = b"CM16-0213037\nCase Number: CM16-0213037\nDate Assigned: 11/09/2016\nsee CM17-0000846 (an older case)\n"


@pytest.mark.parametrize("letter, index, expected", [
    (LETTER, 42, b"CM16-0000042\nCase Number: CM16-0000042\nDate Assigned: 11/09/2016\nsee CM17-0000042 (an older case)\n"),
    (b"Case Number:CM13-0004318.", 1_234_567, b"Case Number:CM13-1234567."),
])
def test_text_copy_rewrites_every_case_number(letter, index, expected):
    assert text_copy(letter, index) == expected


def test_text_copy_needs_a_case_number():
    with pytest.raises(ValueError, match="no case number"):
        text_copy(b"Date Assigned: 11/09/2016\n", 1)


def test_dev_text_copies_are_distinct_letters():
    """Two copies of each dev letter: no original case number is left, and every copy has its own id."""
    letters = sorted(shared("letters", "dev-txt").glob("*.txt"))
    ids = set()
    for index in range(2 * len(letters)):
        source = letters[index % len(letters)]
        data = source.read_bytes()
        copy = text_copy(data, index)
        assert source.stem.encode() not in copy
        assert copy.count(b"CM%s-%07d" % (source.stem[2:4].encode(), index)) == data.count(source.stem.encode())
        ids.add(letter_from_bytes(source.name, copy).letter_id)
    assert len(ids) == 2 * len(letters)


def test_pdf_copy_is_an_incremental_update_ending_in_its_stamp(tmp_path):
    original = text_to_pdf(LETTER.decode(), tmp_path / "letter.pdf").read_bytes()
    copy = pdf_copy(original, 7)
    assert copy.startswith(original)
    text = pdf_text(copy)
    assert text.startswith(pdf_text(original).rstrip()) and text.rstrip().endswith(stamp_text(7))


def _rows(db, table: str) -> list[tuple]:
    """Every column but letter_id, source_path and sha256, by source file; the stamp cut off a rationale."""
    con = duckdb.connect(str(db), read_only=True)
    cols = [c for c, *_ in con.execute(f"describe {table}").fetchall() if c not in ("letter_id", "source_path", "sha256")]
    sql = (f"select l.source_path, {', '.join('t.' + c for c in cols)} from {table} t "
           f"join letters l using (letter_id) order by all")
    rows = con.execute(sql).fetchall()
    con.close()
    stamp = re.compile(r" Copy \d{6}$")
    return [tuple(stamp.sub("", v) if isinstance(v, str) else v for v in row) for row in rows]


def test_dev_pdf_copies_extract_as_the_originals(tmp_path):
    """Stamped copies of a spread of dev PDFs give the originals' rows (the stamp ends the last rationale)."""
    sources = sorted(shared("letters", "dev-pdf").glob("*.pdf"))[::8]
    for raw, make in (("orig", lambda data, i: data), ("copies", pdf_copy)):
        (tmp_path / raw).mkdir()
        for i, source in enumerate(sources):
            (tmp_path / raw / source.name).write_bytes(make(source.read_bytes(), i))
        build(tmp_path / raw, tmp_path / f"{raw}-data", jobs=1)
    for table in ("letters", "items", "citations"):
        original = _rows(tmp_path / "orig-data" / "imr.duckdb", table)
        assert original and original == _rows(tmp_path / "copies-data" / "imr.duckdb", table), table


# ---------------------------------------------------------------- the corpus cache
def test_cache_rewrites_when_the_key_changes(tmp_path):
    writes = []

    def write(raw):
        writes.append(raw)
        (raw / "a.txt").write_text(str(len(writes)))
        return 1

    raw = tmp_path / "corpus" / "raw"
    for key, written in (({"n": 1, "generator": "a"}, 1), ({"n": 1, "generator": "a"}, 1),
                         ({"n": 1, "generator": "b"}, 2)):
        assert cached(raw, {"kind": "txt", **key}, write) == raw
        assert len(writes) == written and (raw / "a.txt").read_text() == str(written)


PACKAGES = {
    # a generator module inside a larger package: itself and the data beside it
    "big": ({"bigpkg/__init__.py": "", "bigpkg/gen.py": "import json\nfrom bigpkg_other import x\ndef generate(): ...\n",
             "bigpkg/gen_words.csv": "w\n", "bigpkg/stage.py": "X = 1\n", "bigpkg_other.py": "x = 1\n"},
            "bigpkg.gen", {"bigpkg/gen.py", "bigpkg/gen_words.csv"}),
    # a package of its own: the modules the generator's module reaches (relative, absolute, submodule) and its data
    "own": ({"synthpkg/__init__.py": "from .core import generate\n",
             "synthpkg/core.py": "from . import words\nfrom synthpkg.parts import drugs\ndef generate(): ...\n",
             "synthpkg/words.py": "", "synthpkg/parts/__init__.py": "", "synthpkg/parts/drugs.py": "import synthpkg.unused2\n",
             "synthpkg/unused.py": "", "synthpkg/unused2.py": "", "synthpkg/codes/drugs.csv": "d\n"},
            "synthpkg.core", {"synthpkg/__init__.py", "synthpkg/core.py", "synthpkg/words.py", "synthpkg/parts/__init__.py",
                              "synthpkg/parts/drugs.py", "synthpkg/unused2.py", "synthpkg/codes/drugs.csv"}),
}


@pytest.mark.parametrize("files, module, expected", PACKAGES.values(), ids=PACKAGES.keys())
def test_generator_files(tmp_path, monkeypatch, files, module, expected):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in list(sys.modules) if m.split(".")[0] in ("bigpkg", "bigpkg_other", "synthpkg")]:
        monkeypatch.delitem(sys.modules, name)
    generate = importlib.import_module(module).generate
    assert {p.relative_to(tmp_path.resolve()).as_posix() for p in generator_files(generate)} == expected
    before = generator_fingerprint(generate)
    (tmp_path / sorted(expected)[-1]).write_text("changed\n")
    assert generator_fingerprint(generate) != before


def test_synth_generator_files():
    from synth.corpus import generate

    names = {p.relative_to(Path(generate.__code__.co_filename).parent).as_posix() for p in generator_files(generate)}
    assert {"corpus.py", "letters.py", "tables.py", "data/drug_names.csv"} <= names


# ---------------------------------------------------------------- goals
GOALS = (Goal("speed", "letters_per_s_per_core", ("txt",), ">=", 100, 1_000),
         Goal("pdf", "pdf_ratio", ("real-pdf", "pdf"), ">=", 0.9),
         Goal("memory", "peak_tree_rss_mb", ("txt",), "<=", 1_024))


def _build(kind, letters, **figures):
    return {"kind": kind, "letters": letters, **figures}


@pytest.mark.parametrize("builds, expected", [
    # the largest corpus of the kind counts
    ({"txt-10": _build("txt", 10, letters_per_s_per_core=50, peak_tree_rss_mb=100),
      "txt-2000": _build("txt", 2_000, letters_per_s_per_core=150, peak_tree_rss_mb=1_100)},
     [("txt-2000", 150, "PASS", ""), ("", None, "not measured", ""), ("txt-2000", 1_100, "FAIL", "")]),
    # a corpus smaller than the goal's says so; the preferred kind wins over a later one
    ({"txt-10": _build("txt", 10, letters_per_s_per_core=50, peak_tree_rss_mb=1_024),
      "pdf-9": _build("pdf", 9, pdf_ratio=0.95), "real-pdf-5": _build("real-pdf", 5, pdf_ratio=0.5)},
     [("txt-10", 50, "FAIL", "stated for >= 1000 letters"), ("real-pdf-5", 0.5, "FAIL", ""),
      ("txt-10", 1_024, "PASS", "")]),
    ({"pdf-9": _build("pdf", 9, pdf_ratio=0.9)},
     [("", None, "not measured", ""), ("pdf-9", 0.9, "PASS", ""), ("", None, "not measured", "")]),
])
def test_goals(builds, expected):
    rows = evaluate(builds, GOALS)
    assert [(r["corpus"], r["value"], r["status"], r["note"]) for r in rows] == expected
    assert [r["target"] for r in rows] == [">= 100", ">= 0.9", "<= 1024"]


def _run(seconds: float, rss: float) -> dict:
    return {"seconds": seconds, "peak_tree_rss_mb": rss, "peak_tree_pss_mb": rss / 2, "max_process_rss_mb": rss / 4}


@pytest.mark.parametrize("runs, seconds, rss, listed", [
    ([_run(5.0, 900)], 5.0, 900, False),
    ([_run(9.0, 800), _run(5.0, 700), _run(6.0, 950)], 6.0, 950, True),   # the median time, the largest memory
    ([_run(4.0, 1), _run(8.0, 2)], 8.0, 2, True),                          # of two, the slower
])
def test_median_run(runs, seconds, rss, listed):
    r = median_run(runs)
    assert (r["seconds"], r["peak_tree_rss_mb"], r["max_process_rss_mb"]) == (seconds, rss, rss / 4)
    assert ("seconds_runs" in r) == listed
