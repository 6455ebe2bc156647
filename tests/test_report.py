"""The HTML report: every section renders, offline, in one file, on real, empty and synthetic datasets."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from plotly.offline import get_plotlyjs

from pipeline.report_html import SECTIONS, render_report, report

ROOT = Path(__file__).resolve().parents[1]
SECTION_IDS = [s.id for s in SECTIONS]
REMOTE_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']?\s*(https?:)?//""", re.I)


def sections(page: str) -> dict[str, str]:
    """{section id: its HTML} of a rendered report."""
    return dict(re.findall(r'<section><h2 id="([\w-]+)">(.*?)</section>', page, flags=re.S))


@pytest.fixture(scope="module")
def default_page(default_data) -> str:
    return render_report(default_data)


@pytest.mark.parametrize("section_id", SECTION_IDS)
def test_every_section_is_present(default_page, section_id):
    assert f'<h2 id="{section_id}">' in default_page
    assert sections(default_page)[section_id].strip()


def test_section_ids_are_unique_and_stable():
    assert SECTION_IDS == ["counts", "rejects", "categories", "drug-classes", "top-drugs", "mme",
                           "guidelines", "specialties", "timeline"]


def test_no_remote_scripts_and_plotly_js_inlined_once(default_page):
    assert REMOTE_SCRIPT.search(default_page) is None
    assert not re.search(r"""<link\b[^>]*href\s*=\s*["']?(https?:)?//""", default_page, re.I)
    assert default_page.count(get_plotlyjs()[:300]) == 1
    assert "Plotly.newPlot" in default_page


def test_remote_script_pattern_catches_a_cdn_tag():
    assert REMOTE_SCRIPT.search('<script src="https://cdn.plot.ly/plotly-3.0.0.min.js"></script>')
    assert REMOTE_SCRIPT.search("<script type='text/javascript' src='//cdn.example/x.js'></script>")


def test_default_dataset_counts(default_data, default_page):
    import duckdb
    con = duckdb.connect(str(default_data / "imr.duckdb"), read_only=True)
    n_items = con.execute("SELECT count(*) FROM items").fetchone()[0]
    con.close()
    assert f'<tr><td>items</td><td class="num">{n_items:,}</td></tr>' in sections(default_page)["counts"]


def test_rendering_is_deterministic(default_data, default_page):
    assert render_report(default_data) == default_page


def test_empty_dataset_says_no_data(empty_data):
    got = sections(render_report(empty_data))
    assert set(got) == set(SECTION_IDS)
    assert 'id="fig-rejects"' in got["rejects"]
    for section_id in SECTION_IDS[2:]:
        assert "no data" in got[section_id], section_id
        assert "plotly-graph-div" not in got[section_id], section_id


@pytest.mark.parametrize("section_id, expected", [
    ("categories", 'id="fig-categories"'),
    ("drug-classes", "<td>opioid</td>"),
    ("top-drugs", "<td>hydrocodone/acetaminophen</td>"),
    ("mme", '<td class="num">600.0</td>'),
    ("mme", '<td class="num">20.0</td>'),                      # median daily MME
    ("guidelines", "<td>mtus_chronic_pain</td>"),               # counted by document id
    ("guidelines", "<td>Chronic Pain Medical Treatment Guidelines</td>"),
    ("guidelines", "<td>Pain (Chronic)</td>"),
    ("guidelines", "<td>Opioids, criteria for use</td>"),
    ("guidelines", '<td class="num">76</td>'),
    ("specialties", "<td>Family Practice</td>"),
    ("timeline", "<td>2016-12</td>"),
])
def test_example_dataset_fills_every_section(example_data, section_id, expected):
    got = sections(render_report(example_data))
    assert expected in got[section_id]
    assert "no data" not in got[section_id]


def test_cli_writes_one_self_contained_file(default_data, tmp_path):
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(report, [str(default_data), "--out", str(out_dir / "report.html")])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out_dir.iterdir()] == ["report.html"]
    page = (out_dir / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert REMOTE_SCRIPT.search(page) is None


def test_cli_without_a_database_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(report, [str(tmp_path / "nothing"), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no database at")
    assert not (tmp_path / "r.html").exists()
