"""The benchmark's goals (project issue 13), each checked on the largest build of its corpus kind."""
from __future__ import annotations

import operator
from dataclasses import dataclass

COMPARE = {">=": operator.ge, "<=": operator.le}


@dataclass(frozen=True, slots=True)
class Goal:
    name: str
    figure: str                  # a key of a build's results
    kinds: tuple[str, ...]       # corpus kinds it is measured on, the first one built wins
    op: str                      # '>=' or '<='
    target: float
    stated_for: int = 0          # letters the goal is stated for; a smaller corpus's row says so


GOALS = (
    Goal("synthetic letters/s/core", "letters_per_s_per_core", ("txt",), ">=", 2_500, 50_000),
    Goal("synthetic per-core floor ratio", "per_core_floor_ratio", ("txt",), "<=", 5, 50_000),
    Goal("real-copy letters/s/core", "letters_per_s_per_core", ("real-txt",), ">=", 2_500, 20_000),
    Goal("real-copy per-core floor ratio", "per_core_floor_ratio", ("real-txt",), "<=", 5, 20_000),
    Goal("PDF ratio", "pdf_ratio", ("real-pdf", "pdf"), ">=", 0.9),
    Goal("peak tree RSS MB", "peak_tree_rss_mb", ("txt",), "<=", 1_024, 100_000),
)


def evaluate(builds: dict[str, dict], goals: tuple[Goal, ...] = GOALS) -> list[dict]:
    """One row per goal: the figure of the largest build of the goal's first built kind, PASS or FAIL
    ('not measured' when no such build ran), and a note when that corpus is smaller than the goal's."""
    rows = []
    for goal in goals:
        row = {"goal": goal.name, "target": f"{goal.op} {goal.target:g}", "corpus": "", "value": None,
               "status": "not measured", "note": ""}
        for kind in goal.kinds:
            built = [(r["letters"], name) for name, r in builds.items() if r["kind"] == kind and goal.figure in r]
            if built:
                letters, name = max(built)
                value = builds[name][goal.figure]
                row.update(corpus=name, value=value, status="PASS" if COMPARE[goal.op](value, goal.target) else "FAIL",
                           note=f"stated for >= {goal.stated_for} letters" if letters < goal.stated_for else "")
                break
        rows.append(row)
    return rows
