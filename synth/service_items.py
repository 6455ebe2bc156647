"""Items other than drugs: imaging, electrodiagnostics, drug screens, therapy, DME, injections, visits, surgery.

Body parts are synth/data/regions.csv (region codes double as guide keys), therapies therapies.csv,
and the fixed headings of DME, injections, visits and surgery headings.csv ({side}, {Side}, {lv},
{part}, {lb_part} filled in).
"""
from __future__ import annotations

import random
from functools import cache

from synth.items import Ctx, Item, as_retrospective, gold_fields
from synth.tables import rows, words
from synth.wording import count_word, number_words


@cache
def regions() -> dict[str, tuple[str, ...]]:
    """{region code: body parts as written}."""
    out: dict[str, list[str]] = {}
    for row in rows("regions"):
        out.setdefault(row["region"], []).append(row["part"])
    return {region: tuple(parts) for region, parts in out.items()}


@cache
def therapies() -> tuple[tuple[str, str, int], ...]:
    """(name, guide key, weight)."""
    return tuple((row["name"], row["guide"], int(row["weight"])) for row in rows("therapies"))


@cache
def headings(maker: str) -> tuple[tuple[str, str, str, int | None], ...]:
    """(template, category, guide key, quantity) of one maker's fixed headings."""
    return tuple((row["template"], row["category"], row["guide"], int(row["quantity"]) if row["quantity"] else None)
                 for row in rows("headings") if row["maker"] == maker)


def _fixed(rng: random.Random, maker: str, family: str, **slots: str) -> tuple[str, dict, str, str]:
    """(heading, gold fields, guide, family) of one of a maker's headings, its slots filled in."""
    template, category, guide, quantity = rng.choice(headings(maker))
    return template.format(**slots), gold_fields(category, quantity), guide, family


def imaging_item(rng: random.Random, ctx: Ctx) -> Item:
    region = rng.choice(("LB", "LB", "NECK", "NECK", "SH", "KNEE", "WRIST", "ANKLE"))
    part = rng.choice(regions()[region])
    r = rng.random()
    if r < 0.45:
        head = f"MRI of the {part}" + rng.choice((" without contrast", " without contrast", ""))
    elif r < 0.55:
        head = f"Magnetic resonance imaging (MRI) of the {part}"
    elif r < 0.75:
        head = f"X-rays of the {part}"
    elif region in ("LB", "NECK"):
        head = f"CT scan of the {part}"
    else:
        head = f"{part[0].upper()}{part[1:]} MRI"
    quantity = None
    if rng.random() < 0.04:
        head += ", #1"
        quantity = 1
    guide = "XRAY_LB" if head.startswith("X-rays") and region == "LB" else region
    return Item(head, gold_fields("diagnostic", quantity), guide, "imaging")


def emg_item(rng: random.Random, ctx: Ctx) -> Item:
    upper = rng.random() < 0.5
    side = rng.choice(words("sides"))
    head = rng.choice(words("emg_headings")).format(limb="upper" if upper else "lower", side=side)
    return Item(head, gold_fields("diagnostic"), "EMG_UP" if upper else "EMG_LOW", "emg")


def uds_item(rng: random.Random, ctx: Ctx) -> Item:
    head = rng.choice(words("uds_headings"))
    fields = gold_fields("diagnostic")
    if rng.random() < 0.35:
        head, fields["retrospective"], fields["service_date"] = as_retrospective(rng, head[0].lower() + head[1:], ctx)
        head = head[0].upper() + head[1:]
    return Item(head, fields, "UDS", "uds")


def therapy_item(rng: random.Random, ctx: Ctx) -> Item:
    name, guide, _ = rng.choices(therapies(), weights=[t[2] for t in therapies()])[0]
    category = "physical_medicine"
    part = rng.choice(regions()[rng.choice(tuple(regions()))])
    per, weeks = rng.choice(((2, 3), (2, 4), (2, 6), (3, 4), (3, 3), (1, 6), (2, 2), (3, 2)))
    prefix = "Additional " if rng.random() < 0.12 else ""
    shown = f"{prefix.strip()} {name[0].lower()}{name[1:]}" if prefix else name
    r = rng.random()
    if r < 0.1 and ctx.layout != "n2013":                                   # partial authorization in words
        total = per * weeks if per * weeks in number_words() else 12
        authorized = rng.choice([k for k in (2, 3, 4, 6) if k < total])
        remaining = total - authorized
        if rng.random() < 0.5:
            def phrase(n, capital):
                return f"{count_word(rng, n, capital)} sessions of {name.lower()} for the {part}"
            head = (f"{phrase(total, True)} was the original request. {phrase(authorized, True)} was authorized by the "
                    f"Claims Administrator. The remaining IMR eligible portion of the original request, "
                    f"{phrase(remaining, True)} is")
        else:
            head = (f"{name} sessions for the {part}, #{total} was the original request. {name} sessions for the {part}, "
                    f"#{authorized} was authorized by the Claims Administrator. The remaining IMR eligible portion of the "
                    f"original request, {name} sessions for the {part}, #{remaining} is")
        return Item(head, gold_fields(category, remaining, original=total), guide, guide)
    if r < 0.40:
        freq = f"{count_word(rng, per)} times a week for {count_word(rng, weeks)} weeks"
        quantity = per * weeks
    elif r < 0.50:
        freq = f"{per}x{weeks}"
        quantity = per * weeks
    elif r < 0.60:
        freq = rng.choice((f"{per - 1}-{per} times a week for {weeks} weeks", f"{per - 1} to {per} times per week for {weeks} weeks")) \
            if per > 1 else f"{per} times a week for {weeks} weeks"
        quantity = per * weeks
    elif r < 0.66:
        freq = f"{per} times {weeks}" if rng.random() < 0.5 else f"{per} times weekly for {weeks} weeks"
        quantity = per * weeks
    elif r < 0.76:
        total = rng.choice((6, 8, 10, 12))
        quantity = total
        if rng.random() < 0.5:
            head = f"{count_word(rng, total, True)} sessions of {shown.lower()} for the {part}"
        else:
            head = f"{shown} for the {part}, {total} sessions"
        return Item(head, gold_fields(category, quantity), guide, guide)
    elif r < 0.84:
        total = per * weeks
        quantity = total
        head = (f"{count_word(rng, total, True)} sessions of {name.lower()} for the {part}, "
                f"{count_word(rng, per)} times a week for {count_word(rng, weeks)} weeks")
        return Item(head, gold_fields(category, quantity), guide, guide)
    elif r < 0.90 and name in ("Physical therapy", "Chiropractic treatment"):
        total = rng.choice((6, 8, 12))
        kind = "physical therapy visits" if name == "Physical therapy" else "chiropractic visits"
        return Item(f"{count_word(rng, total, True)} {kind} for the {part}", gold_fields(category, total), guide, guide)
    else:
        return Item(f"{shown} for the {part}", gold_fields(category), guide, guide)
    order = rng.random()
    if order < 0.5:
        head = f"{shown} {freq} for the {part}"
    elif order < 0.8:
        head = f"{shown} for the {part}, {freq}"
    else:
        head = f"{shown} for the {part} {freq}"
    return Item(head, gold_fields(category, quantity), guide, guide)


def dme_item(rng: random.Random, ctx: Ctx) -> Item:
    side = rng.choice(words("sides"))
    lb_part = rng.choice(regions()["LB"])
    head, fields, guide, family = _fixed(rng, "dme", "dme", side=side, Side=side.capitalize(), lb_part=lb_part)
    if guide == "TENS" and rng.random() < 0.15:
        head, fields["retrospective"], fields["service_date"] = as_retrospective(rng, head, ctx, allow_dispensed=False)
    return Item(head, fields, guide, family)


def injection_item(rng: random.Random, ctx: Ctx) -> Item:
    side = rng.choice(words("sides"))
    lv = rng.choice(words("spinal_levels"))
    return Item(*_fixed(rng, "injection", "injection", side=side, Side=side.capitalize(), lv=lv))


def visit_item(rng: random.Random, ctx: Ctx) -> Item:
    part = rng.choice(regions()[rng.choice(("LB", "NECK", "SH", "KNEE"))])
    lb_part = rng.choice(regions()["LB"])
    return Item(*_fixed(rng, "visit", "visit", part=part, lb_part=lb_part))


def surgery_item(rng: random.Random, ctx: Ctx) -> Item:
    side = rng.choice(words("sides"))
    head, fields, guide, family = _fixed(rng, "surgery", "surgery", side=side, Side=side.capitalize())
    if ctx.layout == "n2013" and head.startswith("Associated"):
        head = head.split(": ", 1)[1] if "Physical" not in head else "Post-op physical therapy 12 sessions"
        if head.startswith(("Cold", "Front")):
            return dme_item(rng, ctx)
    return Item(head, fields, guide, family)
