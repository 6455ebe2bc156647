"""A generated table of strength forms: every joiner × unit × value set must read the same values
(GOLD_SPEC: however the figures are joined or repeated, they are the same values)."""
from __future__ import annotations

import itertools

import pytest

from pipeline.extract.drugs import parse_strength

# How two or more figures are joined: once-written unit at the end, or the unit repeated after each.
JOINERS = {
    "slash": ("{}", "/", "{u}"), "slash_spaced": ("{}", " / ", " {u}"), "hyphen": ("{}", "-", "{u}"),
    "unit_slash": ("{}{u}", "/", "{u}"), "unit_spaced_slash": ("{} {u}", "/", " {u}"),
    "unit_hyphen": ("{}{u}", "-", "{u}"), "unit_spaced_hyphen": ("{} {u}", "-", " {u}"),
}
# written unit → the unit strength_unit carries
UNITS = {"mg": "mg", "MG": "mg", "mcg": "mcg", "IU": "IU", "iu": "IU", "units": "units", "mEq": "mEq",
         "%": "%", "units/ml": "units/ml", "mg/ml": "mg/ml"}
VALUES = {"combination": ("7.5", "325"), "suboxone": ("8", "2"), "three": ("50", "325", "40"),
          "thousands": ("50,000", "1,000")}
SINGLES = {"plain": "{}{u}", "spaced": "{} {u}"}
SINGLE_VALUES = ("0.5", "10", "50,000", "1,000.5")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _joined(joiner: tuple[str, str, str], values: tuple[str, ...], unit: str) -> str:
    each, sep, last = joiner
    if "{u}" in each:     # the unit after every figure: '7.5mg/325mg'
        return sep.join(each.format(v, u=unit) for v in values[:-1]) + sep + each.format(values[-1], u=unit)
    return sep.join(values) + last.format(u=unit)


CASES = [pytest.param(f"Drugname {_joined(JOINERS[j], VALUES[v], u)} #60", tuple(map(_number, VALUES[v])), UNITS[u],
                      id=f"{j}-{u}-{v}")
         for j, u, v in itertools.product(JOINERS, UNITS, VALUES)
         if not ("/" in u and JOINERS[j][1].strip() == "/")]   # '8/2units/ml', '8mg/ml/2mg/ml' are no forms
CASES += [pytest.param(f"Drugname {SINGLES[s].format(v, u=u)} #60", (_number(v),), UNITS[u], id=f"{s}-{u}-{v}")
          for s, u, v in itertools.product(SINGLES, UNITS, SINGLE_VALUES)]


@pytest.mark.parametrize("heading, values, unit", CASES)
def test_every_form_reads_the_same_values(heading, values, unit):
    s = parse_strength(heading)
    assert s is not None
    assert (s.values, s.unit) == (values, unit)
