"""LetterParts → LetterFields: header dates, reviewer credentials, patient age/sex, items."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from pipeline.clean import fold
from pipeline import patterns as rx
from pipeline.extract.dates import parse_date
from pipeline.extract.items import ItemFields, extract_item
from pipeline.layouts import LetterParts, detect, find, find_all, lowered, written
from schemas.codes import read_rows, words_value

SEX = {"male": "male", "man": "male", "gentleman": "male", "female": "female", "woman": "female", "lady": "female"}
PRONOUNS = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female", "hers": "female"}
DATE_FIELDS = ("date_assigned", "date_of_injury", "decision_date", "ur_denial_date", "application_received")


@dataclass(frozen=True, slots=True)
class LetterFields:
    layout: str
    case_number: str | None
    date_assigned: dt.date | None
    date_of_injury: dt.date | None
    decision_date: dt.date | None
    ur_denial_date: dt.date | None
    application_received: dt.date | None
    priority: str | None
    reviewer_licensure: tuple[str, ...]
    reviewer_specialties: tuple[str, ...]
    patient_age: int | None
    patient_sex: str | None
    items: tuple[ItemFields, ...]
    unreadable: tuple[tuple[int, str], ...]      # (item number, heading) whose outcome cannot be read


class ExtractError(ValueError):
    """A letter that cannot become a dataset row; .reason is a reject_reason code."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


@cache
def state_codes() -> dict[str, str]:
    """'california' → 'CA', and every code to itself."""
    out = {}
    for row in read_rows("states"):
        out[row["name"].lower()] = row["code"]
        out[row["code"].lower()] = row["code"]
    return out


def usps_codes(states: tuple[str, ...]) -> tuple[str, ...]:
    codes = state_codes()
    out = []
    for state in states:
        name = fold(state).strip(" .").lower()
        code = codes.get(name.removeprefix("the "))
        if code and code not in out:
            out.append(code)
    return tuple(out)


@cache
def and_names() -> frozenset[str]:
    """Specialty names that contain ' and ' and stay whole (schemas/codes/specialty_names.csv)."""
    return frozenset(row["name"].lower().replace("&", "and") for row in read_rows("specialty_names"))


def split_specialties(specialties: tuple[str, ...]) -> tuple[str, ...]:
    """'Pain Medicine and Electrodiagnostic Medicine' → two; 'Physical Medicine and Rehabilitation' stays one."""
    out: list[str] = []
    for s in map(fold, specialties):
        if " and " in s and s.lower().replace("&", "and") not in and_names():
            out.extend(p for p in (x.strip() for x in s.split(" and ")) if p)
        elif s:
            out.append(s)
    return tuple(out)


def age_sex(summary: str) -> tuple[int | None, str | None]:
    """'is a 48 year old male' → (48, 'male'); the sex word may also stand apart from the age."""
    text = fold(summary)
    return _age_sex(text, lowered(text))


def _age_sex(text: str, low: str | None) -> tuple[int | None, str | None]:
    """age_sex of the folded summary, searched in its lower-cased form when it has one."""
    age = sex = None
    if m := find(rx.AGE_SEX, text, low):
        age = int(m["age"]) if m["age"] else words_value(m["age_words"])
        sex = SEX[m["sex"].lower()] if m["sex"] else None
    elif m := find(rx.AGE_ONLY, text, low):
        age = int(m["age"])
    if sex is None and (m := find(rx.TITLE_SEX, text, low, 0, 600)):
        sex = "male" if m["title"].lower() == "mr" else "female"
    if sex is None and (m := find(rx.SEX_WORD, text, low, 0, 600)):
        sex = SEX[m["sex"].lower()]
    if sex is None:   # no sex word: the pronouns the summary uses, when they agree
        pronouns = {PRONOUNS[m["pronoun"].lower()] for m in find_all(rx.PRONOUN, text, low)}
        sex = pronouns.pop() if len(pronouns) == 1 else None
    return age, sex


def extract_parts(parts: LetterParts) -> LetterFields:
    header = parts.header
    dates = {f: parse_date(header.get(f)) for f in DATE_FIELDS}
    summary = fold(parts.summary)
    low = lowered(summary)
    if dates["date_of_injury"] is None and (m := find(rx.INJURY_DATE, summary, low)):
        dates["date_of_injury"] = parse_date(written(summary, m, "date"))
    age, sex = _age_sex(summary, low)
    readable = [b for b in parts.blocks if b.outcome]
    if not readable:
        raise ExtractError("no_items", f"{parts.layout}: no decision heading with a readable outcome")
    return LetterFields(
        layout=parts.layout, case_number=header.get("case_number"), **dates,
        priority=header.get("priority"), reviewer_licensure=usps_codes(parts.states),
        reviewer_specialties=split_specialties(parts.specialties),
        patient_age=age, patient_sex=sex,
        items=tuple(extract_item(b) for b in readable),
        unreadable=tuple((b.number, b.heading) for b in parts.blocks if not b.outcome),
    )


def extract_letter(text: str) -> LetterFields:
    """Cleaned letter text → LetterFields; ExtractError('unknown_layout' | 'no_items') otherwise."""
    layout = detect(text)
    if layout is None:
        raise ExtractError("unknown_layout", "no known IMR letter layout matches the text")
    return extract_parts(layout.parse(text))
