"""Letter-level fields: header tables, credentials, case summaries, dates, cleaning."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import patterns as rx
from pipeline.clean import fold, normalise, undouble_newlines
from pipeline.extract.dates import parse_date
from pipeline.extract.letter import age_sex, usps_codes
from schemas.codes import words_value
from pipeline.layouts.final import header_fields

SCRAMBLED = ("Case Number: CM16-0213037\nDate Assigned: 11/09/2016 Date of Injury:  10/13/2016\n"
             "Decision Date: 12/09/2016 UR Denial Date:  11/03/2016\nPriority:  Standard Application\n"
             "Received:\n11/04/2016\n")
LABELS_FIRST = ("Case Number: CM16-0213037\nDate Assigned: Date of Injury: Decision Date:\n"
                "11/09/2016 10/13/2016 12/09/2016\nUR Denial Date: Priority: Expedited Application Received:\n"
                "11/03/2016 11/04/2016\n")


@pytest.mark.parametrize("header", [SCRAMBLED, LABELS_FIRST])
def test_header_pairs_labels_with_dates(header):
    got = header_fields(header)
    assert {k: got[k] for k in ("date_assigned", "date_of_injury", "decision_date", "ur_denial_date",
                                "application_received")} == {
        "date_assigned": "11/09/2016", "date_of_injury": "10/13/2016", "decision_date": "12/09/2016",
        "ur_denial_date": "11/03/2016", "application_received": "11/04/2016"}
    assert got["case_number"] == "CM16-0213037"


@pytest.mark.parametrize("text, date", [
    ("11/09/2016", dt.date(2016, 11, 9)), ("10-13-16", dt.date(2016, 10, 13)), ("2/26/86", dt.date(1986, 2, 26)),
    ("July 12, 2013", dt.date(2013, 7, 12)), ("2016-11-09", dt.date(2016, 11, 9)), ("13/45/2016", None), ("", None),
])
def test_parse_date(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("summary, age, sex", [
    ("The injured worker is a 48 year old male who sustained", 48, "male"),
    ("The 66 year old male injured worker suffered", 66, "male"),
    ("The injured worker is a 39-year-old female, who reported", 39, "female"),
    ("This 52 year old injured worker ... She reported pain in her knee", 52, "female"),
    ("This 52 year old injured worker ... He/She reported pain", 52, None),
    ("no age here", None, None),
])
def test_age_sex(summary, age, sex):
    assert age_sex(summary) == (age, sex)


@pytest.mark.parametrize("words, number", [("fifty-two", 52), ("Sixty", 60), ("twenty one", 21), ("ninety-nine", 99),
                                           ("twice", 2), ("twenty-four", 24), ("a", 1), ("several", None), ("", None)])
def test_words_value(words, number):
    assert words_value(words) == number


@pytest.mark.parametrize("states, codes", [
    (("California", "North Carolina"), ("CA", "NC")), (("New York", "california"), ("NY", "CA")),
    (("Atlantis",), ()), (("TX",), ("TX",)),
])
def test_usps_codes(states, codes):
    assert usps_codes(states) == codes


def test_undouble_newlines():
    doubled = "".join(f"line {i} \n\n" for i in range(10))
    assert undouble_newlines(doubled) == "".join(f"line {i} \n" for i in range(10))
    single = "".join(f"line {i}\n" for i in range(10))
    assert undouble_newlines(single) == single


@pytest.mark.parametrize("text, clean", [
    ("a\r\nb\rc\fd\te\r\n", "a\nb\nc\nd e\n"),       # CRLF, CR, form feed → LF; tab → space
    ("a \r\n\r\nb  \n", "a\n\nb\n"),                   # trailing spaces go, a blank line stays
    ("\n\nPage 1 of 2\nbody\n", "body\n"),
    ("a\n\nb\n\nc\n\nd\n\ne\n\nf\n\ng\n\nh\n\n", "a\nb\nc\nd\ne\nf\ng\nh\n"),   # every newline doubled
])
def test_normalise(text, clean):
    assert normalise(text) == clean


def test_page_furniture_removed():
    text = "first part of a sentence\nPage 2 of 3\nCM13-0004318\nsecond part\n"
    assert normalise(text) == "first part of a sentence\nsecond part\n"


@given(st.text(alphabet=st.sampled_from("ab- \n\t\r\xa0\u2003\u200b\x1c"), max_size=60) | st.text(max_size=60))
def test_fold_is_split_and_join(text):
    """fold's shortcut for text whose only whitespace is spaces and newlines changes nothing."""
    joined = rx.LINE_END_HYPHEN.sub("-", text) if "-\n" in text or "- \n" in text else text
    assert fold(text) == " ".join(joined.split())


@given(st.text(max_size=500))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@pytest.mark.parametrize("summary, date", [
    ("who sustained an industrial injury on 10-13-16. The", dt.date(2016, 10, 13)),
    ("with a date of injury of 3/14/2011.", dt.date(2011, 3, 14)),
    ("was injured at work on July 3, 2012 while lifting", dt.date(2012, 7, 3)),
    ("DOI: 1/5/10", dt.date(2010, 1, 5)),
])
def test_injury_date_from_the_summary(summary, date):
    from pipeline import patterns as rx

    assert parse_date(rx.INJURY_DATE.search(summary)["date"]) == date


@pytest.mark.parametrize("doubled", [
    "".join(f"line {i} \n \n" for i in range(10)),          # blank lines holding a space
    "\n" + "".join(f"line {i}\n\n" for i in range(10)),     # a leading newline shifts the pairs
])
def test_undouble_newlines_variants(doubled):
    assert undouble_newlines(doubled).split() == " ".join(f"line {i}" for i in range(10)).split()
