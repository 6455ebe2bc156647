"""The word screen (pipeline.extract.screen) never passes over a pattern that matches: every match of a
pattern of pipeline.patterns and of each category rule contains one of its words. Checked on matches
generated from each pattern (hypothesis); categorise agrees with the plain first-match loop."""
from __future__ import annotations

import re
from re import _parser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract.categories import categorise, rules
from pipeline import patterns as rx
from pipeline.extract import screen
from pipeline.extract.screen import required
from schemas.codes import read_rows

SCREENED = [(f"{k}:{category}", pattern) for k, (pattern, category) in enumerate(rules())] + [
    (name, value) for name, value in vars(rx).items() if isinstance(value, re.Pattern)]
EXAMPLES = [row["example"] for row in read_rows("categories")]


def first_match(heading: str) -> str:
    return next((category for pattern, category in rules() if pattern.search(heading)), "other")


@pytest.mark.parametrize(("text", "words"), [
    (r"\bhome care\b|\btaxi\b", ("home care", "taxi")),
    (r"\bsleep (?:stud(?:y|ies)|tests?)\b|\bMSLT\b", ("sleep ", "mslt")),
    (r"^(?!.*\bmeds\b).*\bpost-?\s?op\b", ("post",)),
    (r"\b\d+\s*(?:mg|g)\b", ("mg", "g")),
    (r"\w+\s+\d", None),
])
def test_required(text, words):
    assert required(_parser.parse(text, re.I)) == words


@pytest.mark.parametrize("pattern", [p for _, p in SCREENED], ids=[name for name, _ in SCREENED])
@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_match_contains_a_word(pattern, data):
    text = data.draw(st.from_regex(pattern, alphabet=st.characters(max_codepoint=127)))
    if m := pattern.search(text):
        assert screen.search(pattern, text).span() == m.span()
        if words := screen.words(pattern):
            assert any(w in m.group(0).lower() for w in words)


@pytest.mark.parametrize("heading", EXAMPLES + [e.upper() for e in EXAMPLES] + ["Physıcal therapy", "ſleep study"])
def test_categorise_is_the_first_match(heading):
    assert categorise(heading, False) == first_match(heading)


@settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.from_regex(rx.REPEATED_UNIT, alphabet=st.characters(max_codepoint=127)))
def test_unit_joiner_finds_every_repeated_unit(text):
    """parse_strength drops repeated units only where UNIT_JOINER matches."""
    if rx.REPEATED_UNIT.search(text):
        assert rx.UNIT_JOINER.search(text)
