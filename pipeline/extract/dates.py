"""Dates as letters write them → datetime.date."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from pipeline.patterns import DATE

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
# Two-digit years up to this are 20xx, later ones 19xx ('2/26/86' → 1986, '10-13-16' → 2016).
PIVOT_YY = 40


@lru_cache(maxsize=1 << 12)
def parse_date(text: str | None) -> dt.date | None:
    """The first date in text: '11/09/2016', '10-13-16', 'July 12, 2013', '2016-11-09'; None when absent or impossible.
    Cached: a corpus writes the same few thousand dates (a letter's header holds five)."""
    if not text:
        return None
    m = DATE.search(text)
    if m is None:
        return None
    try:
        if m["m"]:
            year = int(m["y"])
            if len(m["y"]) == 2:
                year += 2000 if year <= PIVOT_YY else 1900
            return dt.date(year, int(m["m"]), int(m["d"]))
        if m["month"]:
            return dt.date(int(m["year"]), MONTHS[m["month"][:3].lower()], int(m["day"]))
        return dt.date(int(m["iy"]), int(m["im"]), int(m["id"]))
    except ValueError:
        return None
