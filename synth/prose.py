"""The reviewer's sentences: the case summary, each item's rationale and its closing verdict."""
from __future__ import annotations

import datetime as dt
import random
from functools import cache

from synth.items import Ctx, Item
from synth.tables import rows, template, words
from synth.wording import date_text, mdy


@cache
def rationales() -> dict[str, dict[str, tuple[str, ...]]]:
    """{family: {'upheld': sentences for a denial that stands, 'overturned': for one that is overturned}}."""
    out: dict[str, dict[str, list[str]]] = {}
    for row in rows("rationales"):
        out.setdefault(row["family"], {"upheld": [], "overturned": []})[row["outcome"]].append(row["sentence"])
    return {family: {k: tuple(v) for k, v in by.items()} for family, by in out.items()}


def summary(rng: random.Random, ctx: Ctx, age: int, sex: str, injury: dt.date, items: list[Item], notice: bool) -> list[str]:
    """The case summary as sentences; the first one holds age, sex and the date of injury."""
    he, his = ("he", "his") if sex == "male" else ("she", "her")
    doi = date_text(rng, injury, "summary")
    if notice:
        first = f"The patient is a {age} year-old {sex} with a date of injury of {mdy(injury)}."
    else:
        openings = template("summary_openings").splitlines()
        occupation = rng.choice(words("occupations"))          # drawn before the opening, used by one of them
        first = rng.choice(openings).format(age=age, sex=sex, doi=doi, occupation=occupation)
    diagnoses = rng.sample(words("diagnoses"), rng.choice((2, 3)))
    treatments = rng.sample(words("treatments"), 3)
    requested = [it.heading for it in items[:3]]
    sentences = [
        first,
        f"The injury occurred {rng.choice(words('mechanisms')).format(he=he, his=his)}." if rng.random() < 0.7 else
        f"{he.capitalize()} works as a {rng.choice(words('occupations'))}.",
        f"The injured worker was diagnosed with {', '.join(diagnoses[:-1])} and {diagnoses[-1]}.",
        f"Treatment to date has included {treatments[0]}, {treatments[1]} and {treatments[2]}.",
        f"At the most recent visit {he} reported pain rated {rng.randint(4, 9)} out of 10, and examination showed "
        f"{rng.choice(words('findings'))}.",
        f"The treating physician requested {'; '.join(requested)}.",
        f"On {mdy(ctx.ur)}, Utilization Review non-certified the requests.",
    ]
    if notice:
        glued = []
        for s in sentences[1:]:
            if rng.random() < 0.35:
                parts = s.split(" ")
                spots = [k for k in range(1, len(parts) - 1) if parts[k] in words("glue_words")]
                if spots:
                    k = rng.choice(spots)
                    parts[k:k + 2] = [parts[k] + parts[k + 1]]
                    s = " ".join(parts)
            glued.append(s)
        sentences = [sentences[0], *glued]
    return sentences


def rationale(rng: random.Random, item: Item, outcome: str) -> list[str]:
    pool = rationales().get(item.family, rationales()["visit"])[outcome]
    return rng.sample(pool, min(len(pool), rng.choice((1, 2, 2, 3))))


def closer(item: Item, outcome: str, notice: bool, rng: random.Random) -> str:
    subject = f"the request for {item.heading}" if len(item.heading) < 70 else "the request"
    if notice:
        neg = "" if outcome == "overturned" else rng.choice(("notmedically", "not medically", "notmedically"))
        return f"The {subject[4:]} is {neg or 'medically'} necessary and appropriate."
    return f"Therefore, {subject} is {'not ' if outcome == 'upheld' else ''}medically necessary."
