"""The report's charts read on their own: titled axes, whole-number counts, one colour per series, dates on a date axis."""
from __future__ import annotations

import json
import re

import pytest

from pipeline.report_html import COLORS, _document_label, render_report


def figures(page: str) -> dict[str, dict]:
    """{div id: {'data': traces, 'layout': layout}} of every plotly chart in a page."""
    out = {}
    for div_id, data, layout in re.findall(
            r'Plotly\.newPlot\(\s*"([\w-]+)",\s*(\[.*?\]),\s*(\{.*?\}),\s*\{"displaylogo"', page, flags=re.S):
        out[div_id] = {"data": json.loads(data), "layout": json.loads(layout)}
    return out


@pytest.fixture(scope="module")
def example_figures(example_data) -> dict[str, dict]:
    return figures(render_report(example_data))


def test_every_chart_was_found(example_figures):
    assert {"fig-categories", "fig-timeline", "fig-mme", "fig-guideline-documents"} <= set(example_figures)


def test_axes_are_titled_and_counts_are_whole(example_figures):
    for div_id, fig in example_figures.items():
        axes = {k: v for k, v in fig["layout"].items() if re.fullmatch(r"[xy]axis", k)}
        assert all(axis.get("title", {}).get("text") for axis in axes.values()), div_id
        if div_id != "fig-timeline":
            count_axis = axes["xaxis"] if fig["data"][0].get("orientation") == "h" else axes["yaxis"]
            assert count_axis["tickformat"] == ",d", div_id


def test_a_series_has_one_colour_everywhere(example_figures):
    for div_id, fig in example_figures.items():
        for trace in fig["data"]:
            assert trace["marker"]["color"] == COLORS.get(trace["name"], COLORS["letters"]), (div_id, trace["name"])
    assert list(COLORS.values()).count(COLORS["upheld"]) == 1


def test_months_are_dates(example_figures):
    timeline = example_figures["fig-timeline"]
    assert timeline["layout"]["xaxis"]["type"] == "date"
    assert all(re.fullmatch(r"\d{4}-\d{2}-01", x) for x in timeline["data"][0]["x"])


def test_the_mme_histogram_is_split_by_outcome(example_figures):
    assert {t["name"] for t in example_figures["fig-mme"]["data"]} <= {"upheld", "overturned"}


@pytest.mark.parametrize("document, source, label", [
    ("Official Disability Guidelines (ODG)", "ODG", "Official Disability Guidelines (ODG)"),
    ("Chronic Pain Medical Treatment Guidelines", "MTUS", "Chronic Pain Medical Treatment Guidelines (MTUS)"),
])
def test_document_labels_do_not_repeat_the_source(document, source, label):
    assert _document_label(document, source) == label


def test_no_rejects_is_said_once(default_data):
    page = render_report(default_data)
    rejects = re.search(r'<h2 id="rejects">.*?</section>', page, flags=re.S).group(0)
    assert "No file, letter or item was rejected." in rejects and "no data" not in rejects
