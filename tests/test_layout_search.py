"""pipeline.layouts.find / find_all (lower-cased text, cues) find what the re.I patterns find."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import patterns as rx
from pipeline.layouts import find, find_all, lowered
from pipeline.layouts.final import _date_spans

# Pieces of the letters the patterns read, in mixed case, with the separators that trip line starts
PIECES = ["1", "12", "x", "\n", " ", "\t", ":", ") MAXIMUS Federal Services, Inc. has determined the request for Norco #60 is "
          "notmedically necessary and appropriate.", ") maximus federal services inc has determined the request for X is "
          "medically necessary and appropriate", ") Regarding the request for", ") REGARDING THE REQUEST FOR ",
          "Case Summary:", "case\nsummary:", "Documents Reviewed for Determination:", "Dated: 8/29/2013",
          "Medical Treatment Guideline(s) Used by the Claims Administrator:", "Medical Treatment Guideline(s) Used by the "
          "Expert Reviewer", "Rationale for the Decision:", "HOW THE IMR FINAL DETERMINATION WAS MADE",
          "IMR ISSUES, DECISIONS AND RATIONALES", "July 12, 2013", "11/09/2016", "Date of Injury: 3/14/2011",
          "a 48 year old male", "Mr. ", "She", "DOI: 1/5/10", "Board Certified in X and is licensed to practice in Ohio.",
          # characters whose lower case is another length, or that re.I matches to an ASCII letter
          "90\u00b0 flexion", "\u00d7", "Caf\u00e9", "\u0130", "M\u0131", "Ca\u017fe Summary:", "\u212a", "\u1e9e",
          "DATE OF \u0130NJURY:", "Dated: 8/29/2\u0660\u0661\u0663"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


NAMED = {name: value for name, value in vars(rx).items() if isinstance(value, re.Pattern) and value in rx.LOWER_CASE}
NAMED.update({f"NOTICE_HEADER_FIELDS[{k}]": v for k, v in rx.NOTICE_HEADER_FIELDS.items()})


@pytest.mark.parametrize(("text", "low"), [
    ("Norco #60", "norco #60"),
    ("90\u00b0 Flexion", "90\u00b0 flexion"),        # each character lowers to one: positions kept
    ("\u0130njury", None),                            # 'İ' lowers to two characters
    ("M\u0131 Summary", None),                        # re.I matches 'ı' to 'i', the lower-cased text would not
    ("Ca\u017fe", None),                              # nor 'ſ' to 's'
])
def test_lowered(text, low):
    assert lowered(text) == low


@pytest.mark.parametrize("name", NAMED)
@settings(max_examples=150, deadline=None)
@given(text=TEXTS, pos=st.integers(0, 40))
def test_lower_case_search_finds_the_same(name, text, pos):
    pattern = NAMED[name]
    low = lowered(text)
    spans = [m.span() for m in pattern.finditer(text, pos)]
    assert [m.span() for m in find_all(pattern, text, low, pos)] == spans
    first = find(pattern, text, low, pos)
    assert (first.span() if first else None) == (spans[0] if spans else None)


DATE_PIECES = st.sampled_from(PIECES + ["10-13-16", "2016-11-09", "1/2/3/4", "12/09/2016/", "Jan 5, 2014", "june 1 2015",
                                        "-3/4/15", "Sept. 30, 2016", "May", "Mar 3 ", "0", "/", "-"])


@settings(max_examples=400, deadline=None)
@given(text=st.lists(DATE_PIECES, max_size=30).map("".join))
def test_date_spans_are_the_dates_finditer_finds(text):
    assert _date_spans(text, lowered(text)) == [m.span() for m in rx.DATE.finditer(text)]
