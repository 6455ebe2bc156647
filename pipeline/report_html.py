"""A one-file HTML report of a built dataset: tables and plotly charts, readable offline.

Every number comes from a SQL query against DATA/imr.duckdb (read-only). plotly.js is embedded once
in the page head; each chart is a <div> with a stable id, so the same dataset gives the same file.
A section whose query returns nothing says 'no data' instead of drawing an empty chart.
"""
from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
import duckdb
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from pipeline.paths import DataPaths
from schemas.codes import read_rows

TOP = 20
NO_DATA = '<p class="no-data">no data</p>'
CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; } h3 { margin-top: 1.4em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; } th { background: #f4f4f4; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.no-data { color: #888; font-style: italic; } .note { color: #555; font-size: 0.9em; }
nav a { margin-right: 1em; }
"""
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
# One colour per series name in every chart: red only ever means 'upheld'.
COLORS = {"upheld": "#e45756", "overturned": "#54a24b", "letters": "#4c78a8", "items": "#72b7b2",
          "requests": "#4c78a8", "citations": "#4c78a8", "rejects": "#9d755d"}


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    render: Callable[[duckdb.DuckDBPyConnection], str]


# ---------------------------------------------------------------- HTML pieces
def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return html.escape(str(value))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def table(headers: list[str], rows: list[tuple], pct: frozenset[int] = frozenset()) -> str:
    """An HTML table; the columns at the indexes in `pct` are fractions shown as percentages."""
    if not rows:
        return NO_DATA
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            numeric = isinstance(v, (int, float)) and not isinstance(v, bool)
            text = _pct(v) if i in pct else _fmt(v)
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure(fig: go.Figure, div_id: str, title: str = "", height: int = 380) -> str:
    """A chart <div> (plotly.js is in the page head, not here)."""
    fig.update_layout(template="plotly_white", title=title or None, height=height,
                      margin={"l": 60, "r": 20, "t": 50 if title else 20, "b": 60})
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOT_CONFIG)


def count_axis(largest: float) -> dict:
    """Axis settings for counts: whole-number ticks (a step of 1 for small counts), starting at 0."""
    return {"tickformat": ",d", "rangemode": "tozero", **({"tick0": 0, "dtick": 1} if largest <= 10 else {})}


def _bars(labels: list, series: dict[str, list], div_id: str, *, count_title: str, label_title: str,
          horizontal: bool = False, stacked: bool = True, title: str = "") -> str:
    fig = go.Figure()
    for name, values in series.items():
        color = {"marker_color": COLORS.get(name, COLORS["letters"])}
        if horizontal:
            fig.add_trace(go.Bar(name=name, y=[str(x) for x in labels], x=values, orientation="h", **color))
        else:
            fig.add_trace(go.Bar(name=name, x=[str(x) for x in labels], y=values, **color))
    fig.update_layout(barmode="stack" if stacked else "group", showlegend=len(series) > 1)
    totals = [sum(v) for v in zip(*series.values())] if stacked else [max(v) for v in zip(*series.values())]
    counts, names = (fig.update_xaxes, fig.update_yaxes) if horizontal else (fig.update_yaxes, fig.update_xaxes)
    counts(title_text=count_title, **count_axis(max(totals, default=0)))
    names(title_text=label_title, automargin=True)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    height = max(300, 24 * len(labels) + 100) if horizontal else 380
    return figure(fig, div_id, title, height)


def _note(text: str) -> str:
    return f'<p class="note">{text}</p>'


# ---------------------------------------------------------------- sections
def _counts(con) -> str:
    rows = [(name, con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
            for name in ("letters", "items", "citations", "rejects")]
    first, last, undated = con.execute(
        "SELECT min(decision_date), max(decision_date), count(*) FILTER (WHERE decision_date IS NULL) FROM letters"
    ).fetchone()
    n_items, overturned, drugs = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE outcome = 'overturned'), count(DISTINCT drug_generic) FROM items"
    ).fetchone()
    rows += [("first decision date", first), ("last decision date", last),
             ("letters without a decision date", undated),
             ("items overturned", overturned), ("distinct drugs (generic)", drugs)]
    out = table(["", "count"], rows)
    if n_items:
        out += _note(f"Overall overturn rate: {_pct(overturned / n_items)} of {n_items:,} items.")
    return out


def _rejects(con) -> str:
    rows = con.execute("""
        SELECT reason, stage, count(*) AS n FROM rejects GROUP BY ALL ORDER BY n DESC, reason, stage
    """).fetchall()
    if not rows:
        return _note("No file, letter or item was rejected.")
    by_reason: dict[str, int] = {}
    for reason, _, n in rows:
        by_reason[reason] = by_reason.get(reason, 0) + n
    return (table(["reason", "stage", "rejects"], rows)
            + _bars(list(by_reason), {"rejects": list(by_reason.values())}, "fig-rejects", horizontal=True,
                    count_title="rejects", label_title="reason"))


def _outcome_breakdown(con, key_sql: str, where: str, label: str, div_id: str) -> str:
    rows = con.execute(f"""
        SELECT {key_sql} AS k, count(*) AS n,
               count(*) FILTER (WHERE outcome = 'upheld') AS upheld,
               count(*) FILTER (WHERE outcome = 'overturned') AS overturned,
               count(*) FILTER (WHERE outcome = 'overturned') / count(*) AS rate
        FROM items WHERE {where} GROUP BY k ORDER BY n DESC, k
    """).fetchall()
    if not rows:
        return NO_DATA
    labels = [r[0] for r in rows]
    chart = _bars(labels, {"upheld": [r[2] for r in rows], "overturned": [r[3] for r in rows]}, div_id,
                  horizontal=True, count_title="items", label_title=label)
    return table([label, "items", "upheld", "overturned", "overturn rate"], rows, pct=frozenset({4})) + chart


def _categories(con) -> str:
    return _outcome_breakdown(con, "category", "true", "category", "fig-categories")


def _drug_classes(con) -> str:
    return (_note("Items naming a drug; a drug missing from the lexicon has no class.")
            + _outcome_breakdown(con, "coalesce(drug_class, '(unclassified)')", "drug IS NOT NULL",
                                 "drug class", "fig-drug-classes"))


def _top_drugs(con) -> str:
    rows = con.execute(f"""
        SELECT coalesce(drug_generic, lower(drug)) AS d, min(drug_class) AS drug_class, count(*) AS n,
               count(*) FILTER (WHERE outcome = 'overturned') / count(*) AS rate,
               median(quantity) AS median_quantity
        FROM items WHERE drug IS NOT NULL GROUP BY d ORDER BY n DESC, d LIMIT {TOP}
    """).fetchall()
    if not rows:
        return NO_DATA
    return (_note(f"The {TOP} most requested drugs, by generic ingredients (the name as written when the "
                  "lexicon does not know it).")
            + table(["drug", "class", "requests", "overturn rate", "median quantity"], rows, pct=frozenset({3}))
            + _bars([r[0] for r in rows], {"requests": [r[2] for r in rows]}, "fig-top-drugs", horizontal=True,
                    count_title="requests", label_title="drug (generic ingredients)"))


def _mme(con) -> str:
    n_opioid, n_mme, n_daily = con.execute("""
        SELECT count(*), count(total_mme), count(daily_mme) FROM items WHERE drug_class = 'opioid'
    """).fetchone()
    note = _note(f"Opioid requests: {n_opioid:,}; with a total MME: {n_mme:,}; with a daily MME: {n_daily:,}. "
                 "MME = strength × the formulation's factor (schemas/codes/opioid_mme.csv: CDC 2022) × the "
                 "days a patch is worn (fentanyl 3, buprenorphine 7) × the quantity (× ml for a per-ml solution).")
    if not n_mme:
        return note + NO_DATA
    stats = con.execute("""
        SELECT outcome, count(total_mme), min(total_mme), quantile_cont(total_mme, 0.25), median(total_mme),
               quantile_cont(total_mme, 0.75), max(total_mme), median(daily_mme)
        FROM items WHERE drug_class = 'opioid' AND total_mme IS NOT NULL GROUP BY outcome ORDER BY outcome
    """).fetchall()
    factors = con.execute("""
        SELECT drug_generic, strength_unit, mme_factor, count(*) AS n, median(total_mme)
        FROM items WHERE drug_class = 'opioid' AND total_mme IS NOT NULL GROUP BY ALL ORDER BY n DESC, drug_generic
    """).fetchall()
    fig = go.Figure()
    for outcome in [s[0] for s in stats]:
        values = [v for (v,) in con.execute("""
            SELECT total_mme FROM items WHERE drug_class = 'opioid' AND total_mme IS NOT NULL AND outcome = ?
            ORDER BY total_mme""", [outcome]).fetchall()]
        fig.add_trace(go.Histogram(x=values, name=outcome, marker_color=COLORS.get(outcome), nbinsx=30,
                                   offsetgroup=outcome))
    fig.update_layout(barmode="group", xaxis_title="total MME of the request", yaxis_title="requests",
                      legend_title_text="outcome")
    fig.update_yaxes(**count_axis(max(s[1] for s in stats)))
    return (note + table(["outcome", "requests", "min", "p25", "median", "p75", "max", "median daily MME"], stats)
            + "<h3>By ingredient and formulation</h3>"
            + table(["generic", "strength unit", "MME factor", "requests", "median total MME"], factors)
            + figure(fig, "fig-mme"))


def _guidelines(con) -> str:
    titles = {r["id"]: r["title"] for r in read_rows("guideline_documents")}
    by_id = con.execute(f"""
        SELECT coalesce(document_id, '(not in the table)') AS id, min(source) AS source, count(*) AS n,
               count(DISTINCT letter_id) AS letters, count(DISTINCT document) AS spellings
        FROM citations WHERE cited_by = 'reviewer' AND source <> 'none'
        GROUP BY ALL ORDER BY n DESC, id LIMIT {TOP}
    """).fetchall()
    docs = [(i, titles.get(i, ""), src, n, letters, spellings) for i, src, n, letters, spellings in by_id]
    chapters = con.execute(f"""
        SELECT document_id, chapter, count(*) AS n
        FROM citations WHERE cited_by = 'reviewer' AND chapter IS NOT NULL
        GROUP BY ALL ORDER BY n DESC, document_id, chapter LIMIT {TOP}
    """).fetchall()
    sections = con.execute(f"""
        SELECT coalesce(document_id, document) AS doc, section, count(*) AS n
        FROM (SELECT document_id, document, unnest(sections) AS section FROM citations WHERE cited_by = 'reviewer')
        GROUP BY ALL ORDER BY n DESC, doc, section LIMIT {TOP}
    """).fetchall()
    pages = con.execute(f"""
        SELECT coalesce(document_id, document) AS doc, page, count(*) AS n
        FROM (SELECT document_id, document, unnest(pages) AS page FROM citations WHERE cited_by = 'reviewer')
        GROUP BY ALL ORDER BY n DESC, doc, page LIMIT {TOP}
    """).fetchall()
    out = _note("Guideline documents cited by the expert reviewers (citations.cited_by = 'reviewer'), counted by "
                "canonical document id (schemas/codes/guideline_documents.csv): every spelling of one document counts once.")
    out += "<h3>Documents</h3>" + table(["document id", "title", "source", "citations", "letters", "spellings"], docs)
    if docs:
        out += _bars([_document_label(d[1] or d[0], d[2]) for d in docs], {"citations": [d[3] for d in docs]},
                     "fig-guideline-documents", horizontal=True, count_title="citations by reviewers",
                     label_title="document (source)")
    out += "<h3>Chapters (ODG, ACOEM)</h3>" + table(["document id", "chapter", "citations"], chapters)
    out += "<h3>Sections</h3>" + table(["document", "section", "citations"], sections)
    out += "<h3>Pages</h3>" + table(["document", "page", "citations"], pages)
    return out


def _document_label(document: str, source: str) -> str:
    """'Chronic Pain (MTUS)'; a document that already names its source keeps its name as it is."""
    return document if source.lower() in document.lower() else f"{document} ({source})"


def _specialties(con) -> str:
    rows = con.execute("""
        SELECT specialty, count(*) AS n
        FROM (SELECT unnest(reviewer_specialties) AS specialty FROM letters)
        GROUP BY ALL ORDER BY n DESC, specialty
    """).fetchall()
    (none,) = con.execute("SELECT count(*) FROM letters WHERE len(reviewer_specialties) = 0").fetchone()
    note = _note(f"Letters per specialty of the expert reviewer (one reviewer may list several); "
                 f"letters naming none: {none:,}.")
    if not rows:
        return note + NO_DATA
    return (note + table(["specialty", "letters"], rows)
            + _bars([r[0] for r in rows], {"letters": [r[1] for r in rows]}, "fig-specialties", horizontal=True,
                    count_title="letters", label_title="reviewer specialty"))


def _timeline(con) -> str:
    rows = con.execute("""
        SELECT strftime(date_trunc('month', l.decision_date), '%Y-%m') AS month,
               count(DISTINCT l.letter_id) AS letters, count(i.letter_id) AS items,
               count(i.letter_id) FILTER (WHERE i.outcome = 'overturned') AS overturned,
               count(i.letter_id) FILTER (WHERE i.outcome = 'overturned') / nullif(count(i.letter_id), 0) AS rate
        FROM letters l LEFT JOIN items i USING (letter_id)
        WHERE l.decision_date IS NOT NULL GROUP BY month ORDER BY month
    """).fetchall()
    (undated,) = con.execute("SELECT count(*) FROM letters WHERE decision_date IS NULL").fetchone()
    note = _note(f"Letters without a decision date (not shown): {undated:,}.") if undated else ""
    if not rows:
        return note + NO_DATA
    months = [f"{r[0]}-01" for r in rows]   # a date axis: months apart in time are apart on the chart
    fig = go.Figure([go.Bar(name=name, x=months, y=[r[k] for r in rows], marker_color=COLORS[name])
                     for name, k in (("letters", 1), ("items", 2))])
    fig.update_layout(barmode="group", xaxis_title="month of decision", yaxis_title="letters or items decided")
    fig.update_xaxes(type="date", tickformat="%Y-%m")
    fig.update_yaxes(**count_axis(max(r[2] for r in rows)))
    return (note + table(["month", "letters", "items", "overturned", "overturn rate"], rows, pct=frozenset({4}))
            + figure(fig, "fig-timeline"))


SECTIONS: tuple[Section, ...] = (
    Section("counts", "Dataset counts", _counts),
    Section("rejects", "Rejects by reason", _rejects),
    Section("categories", "Items and overturn rate by category", _categories),
    Section("drug-classes", "Items and overturn rate by drug class", _drug_classes),
    Section("top-drugs", f"Top {TOP} drugs", _top_drugs),
    Section("mme", "MME of opioid requests", _mme),
    Section("guidelines", "Most-cited guideline documents, sections and pages", _guidelines),
    Section("specialties", "Reviewer specialties", _specialties),
    Section("timeline", "Decisions by month", _timeline),
)


# ---------------------------------------------------------------- the page
def _manifest(paths: DataPaths) -> str:
    if not paths.manifest.is_file():
        return ""
    m = json.loads(paths.manifest.read_text(encoding="utf-8"))
    parts = [f"{k.replace('_', ' ')} {m[k]}" for k in ("build_id", "extractor_version", "finished_at") if k in m]
    return html.escape(" · ".join(parts))


def render_report(data: Path) -> str:
    """The HTML report of the dataset in DATA (DATA/imr.duckdb must exist)."""
    paths = DataPaths.at(data)
    if not paths.database.is_file():
        raise FileNotFoundError(f"no database at {paths.database}: run `imr build` first")
    con = duckdb.connect(str(paths.database), read_only=True)
    try:
        bodies = [(s, s.render(con)) for s in SECTIONS]
    finally:
        con.close()
    nav = "".join(f'<a href="#{s.id}">{html.escape(s.title)}</a>' for s in SECTIONS)
    main = "\n".join(f'<section><h2 id="{s.id}">{html.escape(s.title)}</h2>\n{body}\n</section>'
                     for s, body in bodies)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>IMR dataset report</title>
<style>{CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<h1>IMR dataset report</h1>
<p class="note">{html.escape(str(data))} {_manifest(paths)}</p>
<nav>{nav}</nav>
{main}
</body>
</html>
"""


@click.command("report")
@click.argument("data", default="data", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", default="report.html", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write.")
def report(data: Path, out: Path) -> None:
    """Write a self-contained HTML report (tables and charts) of the dataset in DATA."""
    try:
        text = render_report(data)
    except (OSError, duckdb.Error) as exc:
        raise click.ClickException(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out} ({len(text.encode()) // 1024:,} KiB)")
