"""One synthetic letter of any layout, with its gold labels: the 2016+ final determination (header table
scrambled as PDF text), the 2014-15 one (no header; half with every newline doubled) and the 2013
notice (numbered determinations, glued words, page furniture).

Letter i of a seed is drawn from random.Random((seed << 32) + i) alone.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache

from schemas.codes import read_rows
from synth.drug_items import compound_item, medical_food_item, oral_item, topical_item
from synth.guidelines import cite
from synth.items import Ctx, Item
from synth.prose import closer, rationale, summary
from synth.service_items import (dme_item, emg_item, imaging_item, injection_item, surgery_item, therapy_item, uds_item,
                                 visit_item)
from synth.tables import rows, template, template_lines
from synth.wording import mdy, padded_date, wrap, wrap_bare

CASE_BASE = 5_000_000          # case numbers CMyy-5000000..9999999: above any real MAXIMUS number
CASE_SPAN = 5_000_000
OUTCOME_UPHELD = 0.8           # share of items whose denial is upheld
NOTICE_PAGE_LINES = 48         # lines per page of a 2013 notice, for the 'Page 2 of 3' furniture

# (maker, weight): drug-heavy
MAKERS = ((oral_item, 46), (topical_item, 5), (compound_item, 7), (medical_food_item, 2), (imaging_item, 9),
          (emg_item, 3), (uds_item, 3), (therapy_item, 10), (dme_item, 5), (injection_item, 4), (visit_item, 5),
          (surgery_item, 4))


@dataclass(frozen=True, slots=True)
class SynthLetter:
    name: str                    # file name: SYN-<seed>-<i>.txt|.pdf
    lines: tuple[str, ...]       # the letter's lines (what a PDF shows)
    text: str                    # the .txt content (2015: newlines doubled for some)
    gold: dict


@cache
def licensure_weights() -> dict[str, int]:
    return {row["state"]: int(row["weight"]) for row in rows("licensure_states")}


@cache
def state_codes() -> dict[str, str]:
    return {row["name"]: row["code"] for row in read_rows("states")}


@cache
def specialties() -> tuple[str, ...]:
    return tuple(row["specialty"] for row in rows("specialties"))


@cache
def notice_boards() -> tuple[tuple[str, str | None], ...]:
    """(board, subspecialty or None) a 2013 notice's reviewer is certified in."""
    return tuple((row["board"], row["subspecialty"] or None) for row in rows("notice_boards"))


def _states(rng: random.Random) -> list[str]:
    weights = licensure_weights()
    names = list(weights)
    out: list[str] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        s = rng.choices(names, weights=[weights[n] for n in names])[0]
        if s not in out:
            out.append(s)
    return out


def _outcome(rng: random.Random) -> str:
    return "upheld" if rng.random() < OUTCOME_UPHELD else "overturned"


def _items(rng: random.Random, ctx: Ctx) -> list[Item]:
    n = rng.choices((1, 2, 3, 4, 5, 6, 7, 8), weights=(22, 24, 18, 12, 9, 7, 5, 3))[0]
    makers = [m for m, _ in MAKERS]
    weights = [w for _, w in MAKERS]
    items: list[Item] = []
    seen: set[str] = set()
    while len(items) < n:
        item = rng.choices(makers, weights=weights)[0](rng, ctx)
        if item.heading.lower() not in seen:
            seen.add(item.heading.lower())
            items.append(item)
    return items


def _item_gold(number: int, item: Item, outcome: str, guideline: dict) -> dict:
    return {"item_number": number, "item_text": item.heading, "outcome": outcome, **item.fields,
            "reviewer_guideline": guideline}


def build_letter(seed: int, i: int, pdf_fraction: float = 0.0) -> SynthLetter:
    """Letter i of a seed: its lines, its .txt content and its gold labels; drawn from Random((seed << 32) + i) alone."""
    rng = random.Random((seed << 32) + i)
    is_pdf = rng.random() < pdf_fraction
    layout = rng.choices(("y2016", "y2015", "n2013"), weights=(55, 30, 15))[0]
    stem = f"SYN-{seed}-{i:07d}"
    name = f"{stem}.pdf" if is_pdf else f"{stem}.txt"
    width = rng.choice((92, 95, 98))
    if layout == "n2013":
        decision = dt.date(2013, 7, 1) + dt.timedelta(days=rng.randint(0, 540))
    elif layout == "y2015":
        decision = dt.date(2014, 6, 2) + dt.timedelta(days=rng.randint(0, 570))
    else:
        decision = dt.date(2016, 1, 4) + dt.timedelta(days=rng.randint(0, 4 * 365))
    ur = decision - dt.timedelta(days=rng.randint(25, 60))
    received = ur + dt.timedelta(days=rng.randint(4, 15))
    assigned = received + dt.timedelta(days=rng.randint(2, 12))
    injury = dt.date(rng.randint(2003, ur.year - 1 if ur.year > 2003 else 2003), rng.randint(1, 12), rng.randint(1, 28))
    age = rng.randint(22, 68)
    sex = rng.choice(("male", "female"))
    ctx = Ctx(layout, ur)
    items = _items(rng, ctx)
    outcomes = [_outcome(rng) for _ in items]
    cites = [cite(rng, it.guide, layout) for it in items]
    states = _states(rng)
    case = f"CM{assigned.year % 100:02d}-{CASE_BASE + (seed * 1_000_003 + i) % CASE_SPAN:07d}"
    letter = {"case_number": None, "date_assigned": None, "date_of_injury": injury.isoformat(), "decision_date": None,
              "ur_denial_date": None, "application_received": None, "priority": None,
              "reviewer_licensure": [state_codes()[s] for s in states], "reviewer_specialties": [],
              "patient_age": age, "patient_sex": sex, "n_items": len(items)}
    gold_items = [_item_gold(k + 1, it, o, c[2]) for k, (it, o, c) in enumerate(zip(items, outcomes, cites))]
    if layout == "n2013":
        board, sub = rng.choice(notice_boards())
        letter.update(case_number=case, date_assigned=assigned.isoformat(), decision_date=decision.isoformat(),
                      ur_denial_date=ur.isoformat(), application_received=received.isoformat(),
                      reviewer_specialties=[board] + ([sub] if sub else []))
        lines = _notice_lines(rng, ctx, width, case, decision, ur, received, assigned, injury, age, sex, items, outcomes,
                              cites, states, board, sub)
    else:
        chosen = rng.sample(specialties(), rng.choice((1, 1, 2, 2, 3)))
        letter["reviewer_specialties"] = chosen
        priority = "Expedited" if rng.random() < 0.05 else "Standard"
        header: list[str] = []
        if layout == "y2016":
            letter.update(case_number=case, date_assigned=assigned.isoformat(), decision_date=decision.isoformat(),
                          ur_denial_date=ur.isoformat(), application_received=received.isoformat(), priority=priority)
            assigned_on, injured_on = padded_date(assigned), padded_date(injury)
            if rng.random() < 0.85:
                doi_line: tuple[str, ...] = (f"Date Assigned: {assigned_on} Date of Injury:  {injured_on} ",)
            else:
                doi_line = (f"Date Assigned: {assigned_on} Date of Injury:  ", f"{injured_on} ")
            header = [" ", f"Case Number: {case}  ", *doi_line,
                      f"Decision Date: {padded_date(decision)} UR Denial Date:  {padded_date(ur)} ",
                      f"Priority:  {priority} Application ", "Received:  ", f"{padded_date(received)} ", " "]
        lines = header + _final_lines(rng, ctx, width, age, sex, injury, items, outcomes, cites, states, chosen)
        if layout == "y2015":
            lines[0] = " " + lines[0]
    gold = {"file": name, "letter": letter, "items": gold_items}
    text = ("\n\n" if layout == "y2015" and rng.random() < 0.5 else "\n").join(lines) + "\n"
    return SynthLetter(name, tuple(lines), text, gold)


def _final_lines(rng, ctx, width, age, sex, injury, items, outcomes, cites, states, chosen) -> list[str]:
    """2014-15 and 2016+ 'Final Determination' body, from the title to the last rationale."""
    out = [line + " " for line in template("final_boilerplate").splitlines()] + [" ", "The Expert Reviewer has the following credentials: "]
    sep = "," if rng.random() < 0.2 else ", "
    out += wrap(f"State(s) of Licensure: {sep.join(states)}", width if rng.random() < 0.9 else 36)
    out += wrap(f"Certification(s)/Specialty: {', '.join(chosen)}", width if rng.random() < 0.9 else 48)
    out += [" "] + [line + " " for line in template("final_summary_intro").splitlines()] + [" "]
    out += wrap(" ".join(summary(rng, ctx, age, sex, injury, items, notice=False)), width)
    out += [" "] + [line + " " for line in template("final_decisions_intro").splitlines()] + [" "]
    colon = ":  " if ctx.layout == "y2015" and rng.random() < 0.6 else ": "
    for item, outcome, (claims, maximus, _) in zip(items, outcomes, cites):
        if rng.random() < 0.03:                      # the outcome alone on the next line
            out += wrap(f"{item.heading}:", width) + [f"{outcome.capitalize()} "]
        else:
            out += wrap(f"{item.heading}{colon}{outcome.capitalize()}", width)
        out += [" "] + wrap(f"Claims Administrator guideline: {claims}", width)
        out += [" "] + wrap(f"MAXIMUS guideline: {maximus}", width)
        reasons = " ".join(rationale(rng, item, outcome) + [closer(item, outcome, False, rng)])
        out += [" "] + wrap(f"Decision rationale: {reasons}", width) + [" "]
    return out + ["  "]


def _notice_lines(rng, ctx, width, case, decision, ur, received, assigned, injury, age, sex, items, outcomes, cites,
                  states, board, sub) -> list[str]:
    """2013 'Notice of Independent Medical Review Determination', with page furniture."""
    def determinations() -> list[str]:
        lines = []
        for k, (item, outcome) in enumerate(zip(items, outcomes), start=1):
            neg = "" if outcome == "overturned" else ("notmedically" if rng.random() < 0.75 else "not medically")
            verdict = f"is {neg or 'medically'} necessary and appropriate."
            lines += wrap_bare(f"{k}) MAXIMUS Federal Services, Inc. has determined the request for {item.heading} {verdict}",
                               width)
        return lines

    states_text = states[0] if len(states) == 1 else f"{', '.join(states[:-1])} and {states[-1]}"
    qualification = template("notice_qualification").format(
        board=board, subspecialty=f", has a subspecialty in {sub}" if sub else "", states=states_text)
    dates = {"decision": mdy(decision), "ur": mdy(ur), "injury": mdy(injury), "received": mdy(received),
             "assigned": mdy(assigned)}
    first = determinations()
    second = determinations()
    lines = template_lines("notice_header", case=case, **dates)
    if rng.random() < 0.5:
        first[-1] += " INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE"
        lines += first
    else:
        lines += first + ["INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE"]
    lines += wrap_bare(template("notice_application").format(**dates), width)
    lines += second + ["Medical Qualifications of the Expert Reviewer:"]
    lines += wrap_bare(qualification, width)
    lines += ["Case Summary:"]
    lines += wrap_bare(" ".join(summary(rng, ctx, age, sex, injury, items, notice=True)), width)
    lines += template_lines("notice_documents", **dates)
    for k, (item, outcome, (claims, maximus, _)) in enumerate(zip(items, outcomes, cites), start=1):
        body = [f"{k}) Regarding the request for {item.heading}:", "Medical Treatment Guideline(s) Used by the Claims Administrator:",
                claims, "Medical Treatment Guideline(s) Used by the Expert Reviewer:", maximus, "Rationale for the Decision:",
                " ".join(rationale(rng, item, outcome) + [closer(item, outcome, True, rng)])]
        for paragraph in body:
            lines += wrap_bare(paragraph, width)
    lines += wrap_bare(template("notice_appeal"), width)
    lines += template_lines("notice_closing")
    pages = -(-len(lines) // NOTICE_PAGE_LINES)
    out: list[str] = []
    for p in range(pages):
        out += lines[p * NOTICE_PAGE_LINES:(p + 1) * NOTICE_PAGE_LINES]
        out.append(f"Page {p + 1} of {pages}")
        if p + 1 < pages:
            out.append(case)
    return out
