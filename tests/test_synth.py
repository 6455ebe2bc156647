"""The synthetic corpus (the synth package): its labels follow GOLD_SPEC, it is deterministic, and the
pipeline recovers what the generator wrote."""
from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build import build
from pipeline.readback import read_table
from pipeline.paths import DataPaths
from pipeline.extract.drugs import _key, lexicon
from synth import tables
from synth.cli import synth
from synth.corpus import generate
from synth.drug_items import drug_pool, topicals
from synth.guidelines import expand_pages, guides
from synth.letters import build_letter
from synth.service_items import headings, therapies
from synth.wording import wrap, written_name

SEED = 20240611
N_LETTERS = 300
PDF_FRACTION = 0.05
MIN_AGREEMENT = 0.99
# The generator draws names from its own list (synth/data/drug_names.csv), misspellings and drugs the
# lexicon lacks included, so drug_generic and drug_class are measured, not copied: at SEED with 300
# letters the round trip scored 965/968 on both (0.997; 'Norcco', 'Naprosen' are not recognised).
# sha256 over the names and bytes of generate(20, ..., seed=STABLE_SEED): any change to the code or to a
# table in synth/data that changes what a seed writes shows here (update it only on purpose).
STABLE_SEED = 11
STABLE_DIGEST = "fcb714efc61d3ad9088ccdbc8f3fbe0af40aa4fa8692841581dac7ab134a2f94"
FIXTURES = Path(__file__).with_name("letters")
SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"
ITEM_FIELDS = ("outcome", "category", "drug", "drug_generic", "drug_class", "strength", "quantity", "original_quantity", "refills",
               "retrospective", "service_date", "guideline_source", "guideline_pages")
LETTER_FIELDS = ("case_number", "date_assigned", "date_of_injury", "decision_date", "ur_denial_date",
                 "application_received", "priority", "reviewer_licensure", "reviewer_specialties", "patient_age",
                 "patient_sex", "n_items")


# ---------------------------------------------------------------- the corpus, built once
@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(raw dir, data dir) of N_LETTERS synthetic letters built by the pipeline."""
    root = tmp_path_factory.mktemp("synth")
    raw, data = root / "raw", root / "data"
    generate(N_LETTERS, raw, seed=SEED, pdf_fraction=PDF_FRACTION)
    build(raw, data, jobs=1)
    return raw, data


def _ingredients(value: str | None) -> frozenset[str] | None:
    return frozenset(value.split("/")) if value else None


def _gold_item(g: dict) -> dict:
    rg, st = g["reviewer_guideline"], g["strength"]
    return {
        "outcome": g["outcome"], "category": g["category"], "drug": g["drug"],
        "drug_generic": _ingredients(g["drug_generic"]), "drug_class": g["drug_class"],
        "strength": (tuple(round(float(v), 4) for v in st["values"]), st["unit"]) if st else None,
        "quantity": g["quantity"], "original_quantity": g["original_quantity"], "refills": g["refills"],
        "retrospective": g["retrospective"], "service_date": g["service_date"],
        "guideline_source": rg["source"], "guideline_pages": frozenset(rg["pages"]),
    }


def _built_item(r: dict) -> dict:
    values = r["strength_values"]
    return {
        "outcome": r["outcome"], "category": r["category"], "drug": r["drug"],
        "drug_generic": _ingredients(r["drug_generic"]), "drug_class": r["drug_class"],
        "strength": (tuple(round(float(v), 4) for v in values), r["strength_unit"]) if values else None,
        "quantity": r["quantity"], "original_quantity": r["original_quantity"], "refills": r["refills"],
        "retrospective": r["retrospective"],
        "service_date": r["service_date"].isoformat() if r["service_date"] else None,
        "guideline_source": r["guideline_source"], "guideline_pages": frozenset(r["guideline_pages"] or ()),
    }


def _built_letter(r: dict) -> dict:
    out = {k: r[k] for k in LETTER_FIELDS}
    for k in ("date_assigned", "date_of_injury", "decision_date", "ur_denial_date", "application_received"):
        out[k] = out[k].isoformat() if out[k] else None
    return out


def agreement(raw: Path, data: Path) -> tuple[Counter, Counter, list[tuple]]:
    """(fields right, fields compared, mismatches) of the built dataset against the generated gold.
    Letters are matched by source-path stem, items by item_number; a missing letter or item counts as wrong."""
    parquet = DataPaths.at(data).parquet
    letters = {Path(r["source_path"]).stem: r for r in read_table(parquet, "letters").to_dicts()}
    items: dict[str, dict[int, dict]] = {}
    for r in read_table(parquet, "items").to_dicts():
        items.setdefault(r["letter_id"], {})[r["item_number"]] = r
    right, total, wrong = Counter(), Counter(), []
    for path in sorted((raw / "gold").glob("*.json")):
        gold = json.loads(path.read_text())
        built = letters.get(path.stem)
        got = _built_letter(built) if built else {}
        for k in LETTER_FIELDS:
            total[f"letter.{k}"] += 1
            if got.get(k, "MISSING") == gold["letter"][k]:
                right[f"letter.{k}"] += 1
            else:
                wrong.append((path.stem, "letter", k, gold["letter"][k], got.get(k, "MISSING")))
        built_items = items.get(built["letter_id"], {}) if built else {}
        for g in gold["items"]:
            want = _gold_item(g)
            row = built_items.get(g["item_number"])
            have = _built_item(row) if row else {}
            for k in ITEM_FIELDS:
                total[k] += 1
                if have.get(k, "MISSING") == want[k]:
                    right[k] += 1
                else:
                    wrong.append((path.stem, g["item_text"], k, want[k], have.get(k, "MISSING")))
    return right, total, wrong


def test_pipeline_recovers_the_generated_labels(corpus):
    raw, data = corpus
    right, total, wrong = agreement(raw, data)
    low = {k: f"{right[k]}/{total[k]}" for k in total if right[k] < MIN_AGREEMENT * total[k]}
    assert not low, f"fields below {MIN_AGREEMENT:.0%} agreement: {low}; first mismatches: {wrong[:10]}"
    assert sum(right.values()) >= MIN_AGREEMENT * sum(total.values())


def test_every_letter_lands_in_every_layout(corpus):
    raw, data = corpus
    letters = read_table(DataPaths.at(data).parquet, "letters")
    assert letters.height == N_LETTERS
    assert set(letters["layout"]) == {"notice_2013", "final_2015", "final_2016"}
    pdfs = [p for p in raw.glob("*.pdf")]
    assert pdfs, "the corpus should hold a few PDFs"
    assert set(letters.filter(letters["source_path"].str.ends_with(".pdf"))["source_path"]) == {p.name for p in pdfs}


def test_shared_scorer_agrees(corpus, tmp_path):
    """The project's scorer (../shared/eval/score.py), when it is there, sees the same agreement."""
    if not SCORER.exists():
        pytest.skip(f"no scorer at {SCORER}")
    raw, data = corpus
    out = subprocess.run([sys.executable, str(SCORER), "--db", str(data / "imr.duckdb"), "--gold", str(raw / "gold")],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"SCORE items_f1=(?P<items>[\d.]+) field_f1=(?P<fields>[\d.]+) letter_acc=(?P<letters>[\d.]+)", out)
    assert m, out
    assert float(m["items"]) >= MIN_AGREEMENT and float(m["fields"]) >= MIN_AGREEMENT, out
    assert float(m["letters"]) >= MIN_AGREEMENT, out


def test_drug_names_are_the_generators_own():
    """Not the extractor's lexicon: the list holds misspellings and drugs the lexicon lacks, the latter
    labelled as GOLD_SPEC labels an unknown drug (drug kept, generic and class null)."""
    lex = lexicon()
    pool = [n for _, names in drug_pool() for n in names]
    unknown = [n for n in pool if n.generic is None]
    assert len([n for n in pool if _key(n.name) not in lex]) >= 15
    assert unknown and all(n.drug_class is None and _key(n.name) not in lex for n in unknown)


# ---------------------------------------------------------------- determinism and format
def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path):
    generate(40, tmp_path / "a", seed=7, pdf_fraction=0.25)
    generate(40, tmp_path / "b", seed=7, pdf_fraction=0.25)
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert len(a) == 80 and any(name.endswith(".pdf") for name in a)
    assert a == b


def test_a_letter_regenerates_alone(tmp_path):
    generate(12, tmp_path / "all", seed=3, pdf_fraction=0.3)
    generate(1, tmp_path / "one", seed=3, pdf_fraction=0.3, start=9)
    one = _tree(tmp_path / "one")
    assert one and all(_tree(tmp_path / "all")[name] == data for name, data in one.items())


def test_a_seed_writes_what_it_always_wrote(tmp_path):
    generate(20, tmp_path, seed=STABLE_SEED)
    digest = hashlib.sha256()
    for name, data in _tree(tmp_path).items():
        digest.update(name.encode() + b"\0" + data)
    assert len(_tree(tmp_path)) == 40
    assert digest.hexdigest() == STABLE_DIGEST


def test_seeds_give_different_letters():
    assert build_letter(1, 0).text != build_letter(0, 1).text


def test_gold_has_the_shape_of_the_fixture_labels(tmp_path):
    fixture = json.loads((FIXTURES / "y2016_basic.expected.json").read_text())
    for i in range(60):
        gold = build_letter(SEED, i).gold
        assert gold.keys() == fixture.keys()
        assert gold["letter"].keys() == fixture["letter"].keys()
        assert gold["letter"]["n_items"] == len(gold["items"])
        for number, item in enumerate(gold["items"], start=1):
            assert item.keys() == fixture["items"][0].keys()
            assert item["item_number"] == number
            assert item["reviewer_guideline"].keys() == fixture["items"][0]["reviewer_guideline"].keys()


@pytest.mark.parametrize("text, pages", [
    ("74-96, 124", list(range(74, 97)) + [124]),
    ("46", [46]),
    ("", []),
])
def test_expand_pages(text, pages):
    assert expand_pages(text) == pages


@pytest.mark.parametrize("name, written", [
    ("hydrocodone/apap", "Hydrocodone/APAP"),
    ("ms contin", "MS Contin"),
    ("norco", "Norco"),
    ("tramadol and acetaminophen", "Tramadol and acetaminophen"),
])
def test_written_name(name, written):
    assert written_name(name) == written


def test_wrap_keeps_width_and_never_breaks_after_a_hyphen():
    text = "sustained an industrial injury on 10- 13-16 when " * 20
    lines = wrap(text, 40)
    assert all(len(line) <= 41 or "- " in line for line in lines)     # a word after '10-' may overflow
    assert not any(line.rstrip().endswith("-") for line in lines)
    assert " ".join(line.strip() for line in lines) == " ".join(text.split())


def test_synth_command(tmp_path):
    result = CliRunner().invoke(synth, ["--n", "3", "--out", str(tmp_path / "out"), "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("SYN-5-*")) == [f"SYN-5-{i:07d}.txt" for i in range(3)]
    assert len(list((tmp_path / "out" / "gold").glob("*.json"))) == 3
    assert CliRunner().invoke(synth, ["--out", str(tmp_path / "x")]).exit_code != 0


# ---------------------------------------------------------------- the data tables
@pytest.mark.parametrize("name", sorted(tables.COLUMNS))
def test_table_loads_with_its_columns(name):
    rows = tables.rows(name)
    assert rows, f"{name}.csv is empty"
    assert all(tuple(row) == tables.COLUMNS[name] and None not in row.values() for row in rows)


def test_every_data_file_is_read():
    on_disk = {p.stem for p in tables.DATA.glob("*.csv")}
    assert on_disk == set(tables.COLUMNS)


@pytest.mark.parametrize("name", sorted(p.stem for p in tables.DATA.glob("*.txt")))
def test_template_loads(name):
    assert tables.template(name).strip()


def test_a_wrong_header_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "words.csv").write_text("list,text\nsides,left\n")
    monkeypatch.setattr(tables, "DATA", tmp_path)
    tables.rows.cache_clear()
    try:
        with pytest.raises(ValueError, match="words.csv"):
            tables.rows("words")
    finally:
        tables.rows.cache_clear()


def test_every_guide_key_is_cited():
    """Items name their guide by key: each key the tables use has a row in guidelines.csv."""
    used = {spec.guide for spec, _ in drug_pool()} | {t.guide for t in topicals()} | {g for _, g, _ in therapies()}
    used |= {guide for maker in ("dme", "injection", "visit", "surgery") for _, _, guide, _ in headings(maker)}
    assert used <= set(guides())


def test_pipeline_never_imports_synth():
    root = Path(__file__).resolve().parents[1] / "pipeline"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "synth" or n.startswith("synth.") for n in names), path
