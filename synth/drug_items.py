"""Drug items: tablets and patches with strength, count and refills; topicals; compounds; medical foods.

Names come from synth/data/drug_names.csv, the generator's own list (brands, misspellings and drugs
the extractor's lexicon lacks, each prescribed like the generic in prescribed_like), so the round trip
measures the lexicon too; how each generic is prescribed is synth/data/oral_drugs.csv.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache

from synth.items import Ctx, Item, as_retrospective, gold_fields, gold_strength, refill_text
from synth.tables import ints, rows, values, words
from synth.wording import num, number_words, padded_date, plural, written_name


@dataclass(frozen=True, slots=True)
class Oral:
    """How one generic drug is prescribed: strengths as written, unit, salt/release words, counts."""

    strengths: tuple[str, ...]
    unit: str
    salts: tuple[str, ...]            # ('',) when the generic is written bare
    counts: tuple[int, ...]
    guide: str
    weight: int
    form: str                         # dosage-form word written before the strength: 'patch'


@dataclass(frozen=True, slots=True)
class SynthName:
    """A drug name the generator writes, with its GOLD_SPEC labels (None for a drug the lexicon lacks)."""

    name: str
    generic: str | None
    drug_class: str | None


@dataclass(frozen=True, slots=True)
class Topical:
    """A topical product written as one name: 'Lidoderm 5% patch', 'Voltaren gel 1%', 'Terocin lotion 120ml'."""

    text: str                          # heading text before any count
    drug: str
    generic: str
    strength: tuple[int | float, ...] | None
    unit: str | None
    counts: tuple[int, ...]            # () when the product is requested by container size only
    guide: str


@cache
def drug_pool() -> tuple[tuple[Oral, tuple[SynthName, ...]], ...]:
    """(how prescribed, names) for every generic of oral_drugs.csv that drug_names.csv names."""
    oral = {(row["generic"], row["drug_class"]): Oral(values(row["strengths"]), row["unit"], tuple(row["salts"].split("|")),
                                                     ints(row["counts"]), row["guide"], int(row["weight"]), row["form"])
            for row in rows("oral_drugs")}
    specs = {generic: (generic, drug_class) for generic, drug_class in oral}
    names: dict[tuple[str, str], list[SynthName]] = {}
    for row in rows("drug_names"):
        key = specs[row["prescribed_like"]]
        names.setdefault(key, []).append(SynthName(row["name"], row["generic"] or None, row["drug_class"] or None))
    return tuple((oral[key], tuple(names[key])) for key in oral if key in names)


@cache
def topicals() -> tuple[Topical, ...]:
    return tuple(Topical(row["text"], row["drug"], row["generic"],
                         tuple(num(v) for v in values(row["strengths"])) or None, row["unit"] or None,
                         ints(row["counts"]), row["guide"]) for row in rows("topicals"))


@cache
def compound_ingredients() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(name as written, generic, strengths in %)."""
    return tuple((row["written"], row["generic"], values(row["strengths"])) for row in rows("compound_ingredients"))


def oral_item(rng: random.Random, ctx: Ctx) -> Item:
    pool = drug_pool()
    spec, names = rng.choices(pool, weights=[p[0].weight for p in pool])[0]
    generic_names = [n for n in names if n.name == n.generic]
    picked = generic_names[0] if generic_names and rng.random() < 0.5 else rng.choice(names)
    name, generic, drug_class = picked.name, picked.generic, picked.drug_class
    written = written_name(name)
    salt = rng.choice(spec.salts) if name == generic else ""
    drug = f"{written} {salt}".strip()
    s = rng.choice(spec.strengths)
    unit = spec.unit
    if "/" in s and unit == "mg" and rng.random() < 0.08:
        strength_text = s                                   # 'Percocet 5/325' (the unit left out)
    elif unit == "mg" and rng.random() < 0.12:
        strength_text = f"{s} mg"
    else:
        strength_text = f"{s}{unit}"
    if spec.form:
        base = f"{drug} {spec.form} {strength_text}" if rng.random() < 0.6 else f"{drug} {strength_text} {spec.form}"
    else:
        base = f"{drug} {strength_text}"
    strength = gold_strength([num(v) for v in s.split("/")], unit)
    q = rng.choice(spec.counts)
    fields = dict(drug=drug, generic=generic, drug_class=drug_class, strength=strength)
    guide = spec.guide
    r = rng.random()
    if r < 0.09 and ctx.layout != "n2013":                 # partial authorization
        authorized = rng.choice([k for k in range(q // 6, q * 2 // 3 + 1) if k > 0])
        remaining = q - authorized
        if rng.random() < 0.2:
            pre = "Retrospective "
            d = ctx.ur - dt.timedelta(days=rng.randint(10, 120))
            date = padded_date(d)
            head = (f"{pre}{base} #{q}, per {date} order was the original request. {pre}{base} #{authorized}, per {date} "
                    f"order was authorized by the Claims Administrator. The remaining IMR eligible portion of the original "
                    f"request, {pre}{base} #{remaining}, per {date} order is")
            return Item(head, gold_fields("pharmaceutical", remaining, retro=True, service_date=d.isoformat(), original=q,
                                          **fields), guide, "drug")
        head = (f"{base} #{q} was the original request. {base} #{authorized} was authorized by the Claims Administrator. "
                f"The remaining IMR eligible portion of the original request, {base} #{remaining} is")
        return Item(head, gold_fields("pharmaceutical", remaining, original=q, **fields), guide, "drug")
    refills = rng.choice((1, 2, 2, 3, 3, 5)) if rng.random() < 0.16 else None
    quantity: int | None = q
    r = rng.random()
    if r < 0.55:
        head = f"{base} #{q}"
    elif r < 0.63:
        head = f"{base} QTY: {q}"
    elif r < 0.70:
        head = f"{base} x {q}"
    elif r < 0.74:
        head = f"{base}, #{q}"
    elif r < 0.79 and not spec.form:
        head = f"{q} {rng.choice(words('count_nouns'))} of {base}"
    elif r < 0.84 and not spec.form:
        head = f"{base} {rng.choice(words('tablet_words'))} #{q}"
    elif r < 0.87 and not spec.form:
        head = f"{base}, {rng.choice(words('sigs_in_words'))} #{q}"
    elif r < 0.90 and not spec.form:
        head = f"{base} {rng.choice(words('sigs_abbreviated'))} #{q}"
    elif r < 0.97:
        head, quantity = base, None
    else:
        head, quantity, fields["strength"] = drug, None, None          # 'Post-op Zofran': the name alone
    if refills is not None and quantity is not None and head.endswith(f"#{q}") and rng.random() < 0.25:
        head = f"{number_words()[refills].capitalize()} {plural(refills, 'refill')} of {head}"
    elif refills is not None:
        head += refill_text(rng, refills)
    retro, service_date = False, None
    refill_lead = " refill" in head[:12]
    if rng.random() < 0.1 and not refill_lead:
        head, retro, service_date = as_retrospective(rng, head, ctx, allow_dispensed=quantity is not None)
    elif rng.random() < 0.03 and ctx.layout != "n2013" and not refill_lead:
        head = f"Post-op {head}"
    return Item(head, gold_fields("pharmaceutical", quantity, retro=retro, service_date=service_date, refills=refills,
                                  **fields), guide, "drug")


def topical_item(rng: random.Random, ctx: Ctx) -> Item:
    t = rng.choice(topicals())
    quantity = rng.choice(t.counts) if t.counts and rng.random() < 0.85 else None
    head = f"{t.text} #{quantity}" if quantity is not None else t.text
    fields = gold_fields("pharmaceutical", quantity, drug=t.drug, generic=t.generic, drug_class="topical_analgesic",
                         strength=gold_strength(t.strength, t.unit))
    if rng.random() < 0.12:
        head, fields["retrospective"], fields["service_date"] = as_retrospective(rng, head, ctx)
    return Item(head, fields, t.guide, "topical")


def compound_item(rng: random.Random, ctx: Ctx) -> Item:
    """'Flurbiprofen 20%/Baclofen 2%/Lidocaine 5% cream 180gm' — every ingredient with its percent."""
    parts = rng.sample(compound_ingredients(), rng.choice((2, 2, 3, 3, 4)))
    strengths = [rng.choice(p[2]) for p in parts]
    head = "/".join(f"{p[0]} {s}%" for p, s in zip(parts, strengths))
    head += f" {rng.choice(words('compound_forms'))} {rng.choice(words('containers'))}"
    quantity = None
    if rng.random() < 0.25:
        quantity = 1
        head += " #1"
    fields = gold_fields("pharmaceutical", quantity, drug=parts[0][0], generic="/".join(p[1] for p in parts),
                         drug_class="topical_analgesic", strength=gold_strength([num(s) for s in strengths], "%"))
    if rng.random() < 0.15:
        head, fields["retrospective"], fields["service_date"] = as_retrospective(rng, head, ctx)
    return Item(head, fields, "compound", "compound")


def medical_food_item(rng: random.Random, ctx: Ctx) -> Item:
    name = rng.choice(words("medical_foods"))
    q = rng.choice((60, 90, 120))
    head = f"{written_name(name)} #{q}"
    return Item(head, gold_fields("pharmaceutical", q, drug=written_name(name), generic=name, drug_class="medical_food"),
                "medical_food", "drug")
