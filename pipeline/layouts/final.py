"""The 'Final Determination' layouts: 2014-15 (no header table, as the seeds) and 2016+ (header table).

Sections: [header table] · HOW THE IMR FINAL DETERMINATION WAS MADE · credentials ·
CLINICAL CASE SUMMARY · IMR ISSUES, DECISIONS AND RATIONALES. Each decision is a heading ending in
': Upheld' / ': Overturned' (the outcome sometimes on the next line, the heading wrapped over
several lines) followed by the claims administrator's guideline, the MAXIMUS guideline and the
decision rationale.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

import re

from pipeline.clean import fold
from pipeline import patterns as rx
from pipeline.layouts import ItemBlock, LetterParts, find, find_all, lowered

NAME_WITH_HEADER = "final_2016"
NAME_WITHOUT_HEADER = "final_2015"
MAX_HEADING_LINES = 40       # a wrapped heading, partial authorizations included, is a few lines: bounds the walk back
LOWER_DATE = rx.LOWER_CASE[rx.DATE]
HEADER_FIELDS = {"date assigned": "date_assigned", "date of injury": "date_of_injury",
                 "decision date": "decision_date", "ur denial date": "ur_denial_date",
                 "application received": "application_received"}


def detect(text: str) -> bool:
    low = lowered(text)
    return bool(find(rx.FINAL_TITLE, text, low) or find(rx.DECISIONS_TITLE, text, low))


def header_fields(header: str) -> dict[str, str]:
    """Pair the header's labels with its dates even when the PDF text scrambled their order.

    Labels and dates are read in text order as alternating runs: a run of labels takes the run of
    dates after it in order ('Priority:  Standard Application \nReceived:  \n11/03/2016', or a
    column of labels and then a column of values). When a run has fewer dates than labels, some
    labels are empty: in a column layout (each label alone on its line) the last labels go
    without, otherwise the labels nearest the dates get them ('UR Denial Date: \nPriority: ...
    Application Received: 01/17/2017' leaves UR Denial Date empty).
    """
    out: dict[str, str] = {}
    if m := rx.CASE_NUMBER.search(header):
        out["case_number"] = m["case"]
    # (start, end, field) of each date label ('Priority' has a word for a value: left out), and of each date
    low = lowered(header)
    tokens = sorted([(m.start(), m.end(), HEADER_FIELDS[name]) for m in find_all(rx.HEADER_LABEL, header, low)
                     if (name := fold(m["label"]).lower()) in HEADER_FIELDS]
                    + [(a, b, None) for a, b in _date_spans(header, low)])
    labels: list[tuple[int, int, str]] = []
    dates: list[str] = []

    def pair() -> None:
        if len(labels) > len(dates) and not all(_alone_on_line(header, a, b) for a, b, _ in labels):
            del labels[:len(labels) - len(dates)]
        out.update(zip([field for _, _, field in labels], dates))
        labels.clear()
        dates.clear()

    for a, b, field in tokens:
        if field is not None:
            if dates:
                pair()
            labels.append((a, b, field))
        else:
            dates.append(header[a:b])
    pair()
    if m := find(rx.PRIORITY, header, low):
        out["priority"] = m["priority"].capitalize()
    return out


def _date_spans(text: str, low: str | None) -> list[tuple[int, int]]:
    """(start, end) of every DATE in the text, as DATE.finditer finds them; in the lower-cased text
    of a letter that has one (pipeline.layouts.lowered), tried only where a date can start, searching on
    after each date (a date's own digit runs are never tried)."""
    if low is None:
        return [m.span() for m in rx.DATE.finditer(text)]
    out: list[tuple[int, int]] = []
    at = 0
    while start := rx.DATE_START.search(low, at):
        if m := LOWER_DATE.match(low, start.start()):
            out.append(m.span())
            at = m.end()
        else:
            at = start.end()
    return out


def _alone_on_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return not text[line_start:start].strip() and not text[end:line_end if line_end >= 0 else len(text)].strip()


def _lines_containing(text: str, words: tuple[str, ...]) -> list[int]:
    """Indices of the lines of text that contain one of the words, in order: str.find over the
    whole text instead of a test of every line."""
    found = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            found.append(at)
            at = text.find(word, at + 1)
    out: list[int] = []
    line = prev = 0
    for at in sorted(found):
        line += text.count("\n", prev, at)
        prev = at
        if not out or out[-1] != line:
            out.append(line)
    return out


def _outcome_markers(lines: list[str], candidates: list[int]) -> list[tuple[int, str]]:
    """(index of the heading's last line, outcome) for every decision heading; candidates are the
    indices of the lines that contain 'Upheld' or 'Overturned'."""
    out = []
    for i in candidates:
        line = lines[i]
        m = rx.OUTCOME_LINE.search(line)
        if not m or rx.BLOCK_LABEL.match(line):
            continue
        outcome = m["outcome"].lower()
        if rx.OUTCOME_ONLY.match(line):
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            if j >= 0 and lines[j].rstrip().endswith(":"):
                out.append((j, outcome))
            continue
        out.append((i, outcome))
    return out


def _heading(lines: list[str], end: int, floor: int) -> tuple[int, str]:
    """(first line index, folded heading) of the heading whose last line is `end`.

    Walk back over wrapped lines: a line that ends a sentence ends the previous paragraph, except
    inside a partial-authorization heading, whose sentences end with periods.
    """
    last = rx.OUTCOME_LINE.sub("", lines[end]).rstrip().rstrip(":")
    parts = [last]
    start = end
    j = end - 1
    floor = max(floor, end - MAX_HEADING_LINES - 1)
    while j > floor and lines[j].strip() and not rx.BLOCK_LABEL.match(lines[j]):
        if rx.SENTENCE_END.search(lines[j]):
            first = rx.FIRST_SENTENCE.match(fold("\n".join(parts)))[0]
            if not rx.PARTIAL_CONTINUATION.match(first):
                break
        parts.insert(0, lines[j])
        start = j
        j -= 1
    return start, fold("\n".join(parts)).rstrip(":").strip().strip('"').strip()


def _labelled(lines: list[str], marks: list[tuple[int, re.Match[str]]], stop: int) -> dict[str, str]:
    """{'claims' | 'reviewer' | 'rationale': text} of one decision's body: marks are its labelled
    lines (index, BLOCK_LABEL match), stop the index of the line after the body."""
    out: dict[str, str] = {}
    for k, (i, m) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else stop
        label = m["label"].lower()
        key = "claims" if label.startswith("claims") else "reviewer" if label.startswith("maximus") else "rationale"
        out.setdefault(key, fold("\n".join([lines[i][m.end():], *lines[i + 1:end]])))
    return out


def decision_blocks(decisions: str) -> tuple[ItemBlock, ...]:
    lines = decisions.split("\n")
    markers = _outcome_markers(lines, _lines_containing(decisions, ("Upheld", "Overturned")))
    label = rx.BLOCK_LABEL.match      # fails at a line's first letters: cheaper than finding the lines by their words
    labelled = [(i, m) for i, line in enumerate(lines) if (m := label(line))]
    claims = [i for i, m in labelled if "laims" in lines[i] and m["label"].lower().startswith("claims")]
    body_marks = [(i, m) for i, m in labelled if "guideline" in lines[i] or "rationale" in lines[i]]
    # Every 'Claims Administrator guideline:' belongs to a decision; one with no outcome heading
    # before it is a decision whose outcome cannot be read.
    # Markers and marks are in line order: a block's share of them is a slice found by bisection, so
    # a letter of many decisions costs linear time, not blocks × marks.
    marker_lines = [i for i, _ in markers]
    ends: list[tuple[int, str | None]] = []
    prev = -1
    for c in claims:
        found = markers[bisect_right(marker_lines, prev):bisect_left(marker_lines, c)]
        ends.extend(found or [(c - 1, None)])
        prev = c
    ends.extend(mk for mk in markers if mk[0] > prev)
    spans = []
    floor = 0
    for end, outcome in ends:
        start, heading = _heading(lines, end, floor)
        spans.append((start, end, heading, outcome))
        floor = end
    mark_lines = [i for i, _ in body_marks]
    blocks = []
    for k, (start, end, heading, outcome) in enumerate(spans):
        stop = spans[k + 1][0] if k + 1 < len(spans) else len(lines)
        part = _labelled(lines, body_marks[bisect_right(mark_lines, end):bisect_left(mark_lines, stop)], stop)
        blocks.append(ItemBlock(number=k + 1, heading=heading, outcome=outcome,
                                claims_line=part.get("claims", ""), reviewer_line=part.get("reviewer", ""),
                                rationale=part.get("rationale", "")))
    return tuple(blocks)


def parse(text: str) -> LetterParts:
    low = lowered(text)
    final = find(rx.FINAL_TITLE, text, low)
    decisions_title = find(rx.DECISIONS_TITLE, text, low, final.end() if final else 0)
    start = final or decisions_title
    end = decisions_title.start() if decisions_title else len(text)
    header = header_fields(text[:start.start()])
    credentials_title = find(rx.CREDENTIALS_TITLE, text, low, start.end(), end)
    summary_title = find(rx.SUMMARY_TITLE, text, low, start.end(), end)
    credentials = text[(credentials_title or start).end():summary_title.start() if summary_title else end]
    summary = text[summary_title.end():end] if summary_title else ""
    decisions = text[decisions_title.end():] if decisions_title else ""
    states: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    if m := rx.LICENSURE.search(credentials):
        states = tuple(s for s in rx.STATE_SEPARATOR.split(fold(m["states"])) if s)
    if m := rx.SPECIALTY.search(credentials):
        specialties = tuple(s for s in rx.LIST_SEPARATOR.split(fold(m["specialties"])) if s)
    name = NAME_WITH_HEADER if "case_number" in header or len(header) > 2 else NAME_WITHOUT_HEADER
    return LetterParts(layout=name, header=header, states=states, specialties=specialties,
                       summary=summary, blocks=decision_blocks(decisions))
