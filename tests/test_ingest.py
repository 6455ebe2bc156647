"""The letter id's word-character key: the fast ASCII path must agree with the regex it replaces."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.ingest import NON_WORD, word_characters


def _by_regex(text: str) -> bytes:
    return NON_WORD.sub("", text.lower()).encode("utf-8")


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_equals_the_regex(text):
    assert word_characters(text) == _by_regex(text)


@given(st.text())
def test_any_text_equals_the_regex(text):
    assert word_characters(text) == _by_regex(text)


@pytest.mark.parametrize("text, key", [
    ("Norco 10/325 mg #140", b"norco10325mg140"),
    ("snake_case and-dash", b"snake_caseanddash"),
    ("Ibuprofène 800 mg", "ibuprofène800mg".encode()),
    ("", b""),
])
def test_word_characters(text, key):
    assert word_characters(text) == key
