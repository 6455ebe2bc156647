"""How the letters write things: line wrapping, dates, numbers in words, drug names' capitals."""
from __future__ import annotations

import datetime as dt
import random
from functools import cache

from synth.tables import rows, words


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap like the letters' own: each line ends with one space; never after a '-'."""
    lines: list[str] = []
    cur: list[str] = []
    size = 0
    for w in text.split():
        if cur and size + 1 + len(w) > width and not cur[-1].endswith("-"):
            lines.append(" ".join(cur) + " ")
            cur, size = [w], len(w)
        else:
            size += len(w) + (1 if cur else 0)
            cur.append(w)
    if cur:
        lines.append(" ".join(cur) + " ")
    return lines


def wrap_bare(text: str, width: int) -> list[str]:
    """wrap() without the trailing spaces: the 2013 notices' lines."""
    return [line.rstrip() for line in wrap(text, width)]


def padded_date(d: dt.date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def mdy(d: dt.date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


@cache
def date_styles(written_in: str) -> tuple[tuple[float, str], ...]:
    """(cumulative probability, format) of the ways a letter writes a date in headings or summaries."""
    return tuple((float(row["below"]), row["format"]) for row in rows("date_styles") if row["written_in"] == written_in)


def date_text(rng: random.Random, d: dt.date, written_in: str) -> str:
    """d written in one of the styles, chosen with their probabilities: '3/4/16', 'July 3, 2012'."""
    r = rng.random()
    fmt = next(f for p, f in date_styles(written_in) if r < p)
    return fmt.format(m=d.month, d=d.day, mm=f"{d.month:02d}", dd=f"{d.day:02d}", yy=f"{d.year % 100:02d}",
                      yyyy=d.year, month=f"{d:%B}")


@cache
def number_words() -> dict[int, str]:
    """{12: 'twelve', ...}: the counts letters spell out."""
    return {int(row["number"]): row["word"] for row in rows("number_words")}


def count_word(rng: random.Random, n: int, capital: bool = False) -> str:
    """n, spelled out 60% of the time when it can be (never 'one')."""
    if n in number_words() and n != 1 and rng.random() < 0.6:
        word = number_words()[n]
        return word.capitalize() if capital else word
    return str(n)


def plural(n: int, noun: str) -> str:
    return f"{noun}{'s' if n > 1 else ''}"


@cache
def _name_case() -> dict[str, str]:
    return {row["name"]: row["written"] for row in rows("name_case")}


def written_name(name: str) -> str:
    """'hydrocodone/apap' → 'Hydrocodone/APAP', 'ms contin' → 'MS Contin', 'norco' → 'Norco'."""
    if name in _name_case():
        return _name_case()[name]
    upper = words("upper_words")
    out = []
    for k, word in enumerate(name.split(" ")):
        word = "/".join(p.upper() if p in upper else p for p in word.split("/"))
        out.append(word[:1].upper() + word[1:] if k == 0 else word)
    return " ".join(out)


def num(text: str) -> int | float:
    """'5' → 5, '7.5' → 7.5: strengths as the gold labels hold them."""
    value = float(text)
    return int(value) if value.is_integer() else value
