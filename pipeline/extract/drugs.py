"""Item heading → drug, generic ingredients, class, strength, quantity, refills, frequency, MME.

The drug lexicon (schemas/codes/drugs.csv) maps brand, generic and misspelled names to lowercase
generic ingredients and a class; near misses are fuzzy-matched with rapidfuzz. Counts follow the
GOLD_SPEC conventions: '#90' → 90, a written total of sessions beats frequency × duration, rentals
and 'one month supply' are not counts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from pipeline import patterns as rx
from pipeline.extract import screen
from schemas.codes import read_rows, words_value

FUZZY_CUTOFF = 88          # rapidfuzz ratio a near miss needs ('cyclobenzapine' → cyclobenzaprine)
FUZZY_MIN_LENGTH = 6       # shorter tokens are never fuzzy-matched (too many false friends)
MAX_NGRAM = 4
# Words that stay in the drug name when they stand right after it ('Orphenadrine Citrate ER').
SALT_RELEASE = frozenset(
    "er xr cr sr la dr ir xl ds cd hcl hbr sodium potassium citrate hydrochloride bitartrate tartrate tromethamine "
    "maleate succinate besylate mesylate phosphate sulfate acetate calcium magnesium extended release "
    "pamoate cypionate enanthate fumarate hyclate valerate propionate "
    "immediate delayed controlled sustained".split())
FORM_WORDS = frozenset("gel cream ointment lotion patch patches topical transdermal spray tablet tablets tab tabs "
                       "capsule capsules cap caps oral solution suspension liquid injection film lozenge odt dosepak dosepack dose pack".split())
CONTAINER_UNITS = {"g", "ml"}     # '180gm', '120ml': the size of the tube or bottle, not a strength
UNIT_NAMES = {"mcg/h": "mcg/hr", "mcg/hour": "mcg/hr", "gm": "g", "gram": "g", "grams": "g", "unit": "units",
              "iu": "IU", "meq": "mEq", "unit/ml": "units/ml"}


@dataclass(frozen=True, slots=True)
class Entry:
    generic: tuple[str, ...]
    drug_class: str


@dataclass(frozen=True, slots=True)
class Strength:
    values: tuple[float, ...]
    unit: str


@dataclass(frozen=True, slots=True)
class Ingredient:
    name: str                        # lowercase generic
    strength: float | None           # its own figure; None when the heading's figures cannot be paired
    unit: str | None


@dataclass(frozen=True, slots=True)
class Drug:
    name: str                        # as written, up to the strength
    generic: tuple[str, ...]         # () when the drug is not in the lexicon
    drug_class: str | None
    strength: Strength | None
    frequency: str | None
    days_supply: int | None
    ingredients: tuple[Ingredient, ...] = ()   # in the order written, each with its own strength


def _key(name: str) -> str:
    return " ".join(rx.TOKEN.findall(name.lower()))


@cache
def lexicon() -> dict[str, Entry]:
    """Normalised name → Entry, from schemas/codes/drugs.csv."""
    return {_key(r["name"]): Entry(tuple(r["generic"].split("/")), r["drug_class"]) for r in read_rows("drugs")}


@dataclass(frozen=True, slots=True)
class MmeRule:
    """One formulation of schemas/codes/opioid_mme.csv: how its strength becomes MME."""
    ingredient: str
    strength_unit: str
    factor: float | None        # None: the table assigns none (buprenorphine for opioid use disorder)
    count_per: str              # 'unit': strength is per dispensed unit; 'ml': per ml, times the volume
    wear_days: float            # days one patch is worn (1 for everything that is not a patch)


@cache
def mme_rules() -> dict[str, tuple[MmeRule, ...]]:
    """Opioid ingredient → its formulations, in file order (the first is the default when the
    strength is not written)."""
    out: dict[str, list[MmeRule]] = {}
    for r in read_rows("opioid_mme"):
        out.setdefault(r["ingredient"], []).append(MmeRule(
            r["ingredient"], r["strength_unit"], float(r["mme_factor"]) if r["mme_factor"] else None,
            r["count_per"], float(r["wear_days"] or 1)))
    return {k: tuple(v) for k, v in out.items()}


@cache
def doses_per_day() -> dict[str, float]:
    """Normalised dosing frequency ('bid', 'q8h', 'twice daily') → doses a day (schemas/codes/dosing_frequencies.csv)."""
    return {r["frequency"]: float(r["doses_per_day"]) for r in read_rows("dosing_frequencies")}


@cache
def compositions() -> dict[str, tuple[Ingredient, ...]]:
    """Lexicon name → fixed composition of a brand (schemas/codes/drug_compositions.csv: LidoPro)."""
    out: dict[str, list[Ingredient]] = {}
    for r in read_rows("drug_compositions"):
        out.setdefault(_key(r["name"]), []).append(Ingredient(r["ingredient"], float(r["strength"]), r["unit"]))
    return {k: tuple(v) for k, v in out.items()}


@cache
def _combinations() -> frozenset[tuple[str, ...]]:
    """Ingredient lists of the lexicon's combination products (Norco: hydrocodone, acetaminophen)."""
    return frozenset(e.generic for e in lexicon().values() if len(e.generic) > 1)


@cache
def _first_tokens() -> frozenset[str]:
    """Words that begin some lexicon name: only n-grams starting with one are looked up."""
    return frozenset(k.split(" ", 1)[0] for k in lexicon())


@cache
def _fuzzy_names() -> list[str]:
    return [k for k in lexicon() if " " not in k and len(k) >= FUZZY_MIN_LENGTH]


def number(word: str | None) -> int | None:
    """'12' → 12, 'Twelve' → 12; None for anything else."""
    if word is None:
        return None
    word = word.lower()
    return int(word) if word.isdigit() else words_value(word)


# ---------------------------------------------------------------- lexicon matching
@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    entry: Entry
    key: str             # the lexicon name matched (the corrected spelling for a fuzzy match)


def _matches(tokens: list[re.Match[str]]) -> list[_Match]:
    """Non-overlapping lexicon matches among a text's tokens, longest first at each position, left to right."""
    lex = lexicon()
    starts = _first_tokens()
    words = [t.group(0) for t in tokens]
    out: list[_Match] = []
    i = 0
    while i < len(tokens):
        if words[i] not in starts:
            i += 1
            continue
        for n in range(min(MAX_NGRAM, len(tokens) - i), 0, -1):
            key = " ".join(words[i:i + n])
            entry = lex.get(key)
            if entry is not None:
                out.append(_Match(tokens[i].start(), tokens[i + n - 1].end(), entry, key))
                i += n
                break
        else:
            i += 1
    return out


def _strength_follows(subject: str, end: int) -> bool:
    """A strength ('10mg', '5/325', '#60') within three words after a name: 'Lidocaine ointment 5%'."""
    found = [m.start() for p in (rx.STRENGTH, rx.BARE_RATIO, rx.HASH_COUNT) if (m := p.search(subject, end))]
    if not found:
        return False
    gap = subject[end:min(found)]
    return bool(rx.WORDS_ONLY.fullmatch(gap)) and len(gap.split()) <= 3


def _fuzzy_match(subject: str, tokens: list[re.Match[str]]) -> list[_Match]:
    """A near miss of a lexicon name, tried only on the heading's first word and the word before
    the strength ('Cyclobenzapine 7.5mg' → cyclobenzaprine)."""
    s = rx.STRENGTH.search(subject)
    candidates = tokens[:1] + [t for t in tokens if s and t.end() <= s.start()][-1:]
    for t in candidates:
        word = t.group(0)
        if len(word) < FUZZY_MIN_LENGTH or word.isdigit():
            continue
        if name := _closest(word):
            return [_Match(t.start(), t.end(), lexicon()[name], name)]
    return []


@lru_cache(maxsize=1 << 14)
def _closest(word: str) -> str | None:
    """The lexicon name a word is a near miss of, or None: a fuzzy search of the whole lexicon, so
    once per distinct word ('physical', 'acupuncture' open many headings)."""
    hit = process.extractOne(word, _fuzzy_names(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return hit[0] if hit else None


def _name_as_written(text: str, match: _Match) -> str:
    """Extend a match over following salt/release words ('Orphenadrine Citrate ER'), also when a
    salt carries the rest of a combination ('Hydrocodone bitartrate/acetaminophen'); drop
    dosage-form words."""
    lex = lexicon()
    start, end = match.start, match.end
    if m := rx.COMBINATION_TAIL.match(text, end):     # 'Hydrocodon/APAP': a combination product the lexicon knows
        tail = [lex.get(_key(p)) for p in m.group(0).split("/") if p]
        if all(tail) and tuple(g for e in [match.entry, *tail] for g in e.generic) in _combinations():
            end = m.end()
    words = text[start:end].split()
    for m in rx.NON_SPACE_RUN.finditer(text[end:]):
        word = m.group(0).strip(",;:()")
        first, *others = word.lower().split("/")
        if first in SALT_RELEASE and all(p in SALT_RELEASE or _key(p) in lex for p in others):
            words.append(word)
        else:
            break
    while len(words) > 1 and words[-1].lower() in FORM_WORDS:
        words.pop()
    return " ".join(words)


# ---------------------------------------------------------------- strength
@lru_cache(maxsize=1 << 10)
def _unit(raw: str) -> str:
    """'mcg / h' → 'mcg/hr', 'gm' → 'g', '700mg/patch' → 'mg' (per dosage unit is the plain unit),
    'mg per 15 ml' → 'mg/15ml' (a liquid keeps its volume)."""
    unit = rx.SPACES.sub("", rx.PER_WORD.sub("/", raw.lower())).removesuffix("/patch").removesuffix("/tab")
    return UNIT_NAMES.get(unit, unit)


def _values(raw: str) -> tuple[float, ...]:
    """'10/325' → (10, 325); '4%-27.5%-0.0325' → (4, 27.5, 0.0325)."""
    return tuple(float(v.replace(",", "")) for v in rx.FIGURE.findall(raw))


def parse_strength(text: str, compound: bool = False) -> Strength | None:
    """'Norco 10/325mg #140' → Strength((10.0, 325.0), 'mg'); compounds list every ingredient's
    figure ('Flurbiprofen 20%/Lidocaine 5% cream 180gm' → (20, 5) %); a percent followed by a
    mg figure gives the mg figure ('3% 300mg/g'); 'Percocet 5/325' → mg."""
    if rx.UNIT_JOINER.search(text):
        text = rx.REPEATED_UNIT.sub(r"\g<value>\g<joiner>", text)
    found = []    # (match, its unit normalised)
    for m in rx.STRENGTH.finditer(text):
        unit = _unit(m["unit"])
        if unit not in CONTAINER_UNITS or (unit == "g" and not _topical(text) and rx.DOSE_IN_GRAMS.match(text, m.end())):
            found.append((m, unit))
    if not found:   # a bare ratio right after the name, not a date: 'Percocet 5/325', '50/325/40'
        m = rx.BARE_RATIO.search(text)
        if m is None or rx.DATE.fullmatch(m["values"]) or not rx.WORDS_ONLY.fullmatch(text[:m.start()]):
            return None
        return Strength(_values(m["values"]), "mg")
    first, unit = found[0]
    if compound:    # percents each followed by their mg/g figure: the mg/g figures
        per_gram = [b_unit for (a, a_unit), (b, b_unit) in zip(found, found[1:]) if a_unit == "%" and b.start() - a.end() <= 3
                    and b_unit.startswith(("mg", "mcg"))]
        unit = per_gram[0] if unit == "%" and per_gram else unit
        values = [v for m, m_unit in found if m_unit == unit for v in _values(m["values"])]
        return Strength(tuple(values), unit)
    if unit == "%" and len(found) > 1 and found[1][0].start() - first.end() <= 3 and found[1][1].startswith(("mg", "mcg")):
        first, unit = found[1]
    return Strength(_values(first["values"]), unit)


def _topical(text: str) -> bool:
    """A topical form or a percent strength: 'Voltaren gel 1%', 'Flurbiprofen 20% 180gm'."""
    return "%" in text or bool(screen.search(rx.TOPICAL_FORMS, text))


# ---------------------------------------------------------------- the drug of a heading
def _subject(heading: str) -> str:
    """The heading without request prefixes and lead-ins: 'Retrospective Cyclobenzaprine 5mg' → 'Cyclobenzaprine 5mg'."""
    text = rx.PREFIX.sub("", heading).strip(" :,-")
    return rx.LEAD_IN.sub("", text)


def find_drug(heading: str) -> Drug | None:
    """The drug a heading requests, or None when the heading is not a drug request.

    A lexicon name counts when it opens the request or is followed by a strength; other lexicon
    words ('acupuncture visits with Capsaicin patch') do not make a drug request.
    """
    if screen.search(rx.NOT_A_DRUG_REQUEST, heading):
        return None
    subject = _subject(heading)
    tokens = list(rx.TOKEN.finditer(subject.lower()))
    matches = _matches(tokens) or _fuzzy_match(subject, tokens)
    first = next((m for m in matches if m.start == 0 or _strength_follows(subject, m.end)), None)
    if first is None:
        if matches or (s := rx.STRENGTH.search(subject)) is None:
            return None
        name = subject[:s.start()].strip(" ,:-")
        if not name or not rx.LETTER.match(name) or len(name.split()) > 4:
            return None
        return Drug(name, (), None, parse_strength(subject[s.start():]), _frequency(subject), _days(subject))
    tail = subject[first.start:]
    # compound or combination: further lexicon matches in the same request
    stop = rx.PARTIAL_ORIGINAL.search(tail)
    scope_end = first.start + (stop.start("original") + len(stop["original"]) if stop else len(tail))
    parts = [first] + [m for m in matches if first.end <= m.start < scope_end and m is not first]
    generic: list[str] = []
    for m in parts:
        generic.extend(g for g in m.entry.generic if g not in generic)
    compound = len({m.entry.generic for m in parts}) > 1
    classes = [m.entry.drug_class for m in parts]
    scope = subject[first.start:scope_end]
    topical = _topical(scope)
    if compound and topical:        # a topical compound, even with tramadol in it
        drug_class = "topical_analgesic"
    elif "opioid" in classes:
        drug_class = "opioid"
    elif compound or (topical and classes[0] in {"nsaid", "muscle_relaxant", "anticonvulsant", "antidepressant"}):
        drug_class = "topical_analgesic"
    else:
        drug_class = classes[0]
    name = _name_as_written(subject, first)
    strength = parse_strength(subject[first.end:scope_end], compound=compound)
    return Drug(name, tuple(generic), drug_class, strength, _frequency(scope), _days(scope),
                _ingredients(subject, parts, scope_end, strength))


def _ingredients(subject: str, parts: list[_Match], scope_end: int, strength: Strength | None) -> tuple[Ingredient, ...]:
    """Each ingredient with its own figure: a brand's fixed composition (LidoPro); else the figure
    written right after each ingredient of a compound ('Flurbiprofen 20%/Lidocaine 5%'); else the
    heading's figures in order when there is one per ingredient ('Norco 10/325mg'); else None."""
    if len(parts) == 1 and (fixed := compositions().get(parts[0].key)):
        return fixed
    names = list(dict.fromkeys(g for m in parts for g in m.entry.generic))
    paired: dict[str, tuple[float, str]] = {}
    for m, nxt in zip(parts, [*(p.start for p in parts[1:]), scope_end]):
        if len(parts) == 1:     # one name: its figure is the heading's strength, read from the same text
            own = strength
        else:
            own = parse_strength(subject[m.end:nxt]) if m.end < nxt else None
        if own and len(own.values) == len(m.entry.generic):
            paired.update((g, (v, own.unit)) for g, v in zip(m.entry.generic, own.values))
    if len(paired) < len(names) and strength and len(strength.values) == len(names):
        paired = {g: (v, strength.unit) for g, v in zip(names, strength.values)}
    return tuple(Ingredient(g, *paired.get(g, (None, None))) for g in names)


def _frequency(text: str) -> str | None:
    m = rx.FREQUENCY.search(text)
    return " ".join(m["freq"].lower().split()) if m else None


def _days(text: str) -> int | None:
    m = screen.search(rx.DAYS_SUPPLY, text)
    return int(m["days"] or m["days2"]) if m else None


# ---------------------------------------------------------------- counts
def count(text: str, is_drug: bool) -> int | None:
    """Units or visits requested: '#90', 'QTY: 60', '30 tablets of', 'Twelve sessions',
    '2-3 times a week for 6 weeks' → 18, '1 knee scooter' → 1; rentals and supplies → None."""
    found = list(rx.QUANTITY.finditer(text))
    hashes = [m for m in found if m["hash"]]
    if hashes:                       # the last '#': 'Tylenol #3 #60' → 60
        return int(hashes[-1]["hash"])
    if found:
        return number(found[0]["qty"] or found[0]["times"])
    if m := screen.search(rx.UNIT_COUNT, text):
        return number(m["n"])
    if screen.search(rx.NOT_A_COUNT, text):
        return None
    if not is_drug:
        if m := screen.search(rx.WRITTEN_TOTAL, text):
            return number(m["top"] or m["n"])
        if m := screen.search(rx.FREQUENCY_DURATION, text):
            per, weeks = number(m["per"] or m["per_word"]), number(m["weeks"])
            if per and weeks:
                return per * weeks
        if m := screen.search(rx.MONTHLY_DURATION, text):
            return number(m["n"])
        if m := screen.search(rx.TIMES_N, text):
            return number(m["n"])
    if m := rx.LEADING_COUNT.match(rx.PREFIX.sub("", text).strip(" :,-")):
        return number(m["n"])
    return None


def refills(text: str) -> int | None:
    """'with 3 refills' → 3, 'x2 refills' → 2, 'Two refills of X' → 2; None when not stated."""
    m = rx.REFILLS.search(text) if "efill" in text else None
    if m is None:
        return None
    return number(m["n"] or m["n2"] or m["n3"] or m["n4"])


@dataclass(frozen=True, slots=True)
class Mme:
    factor: float | None
    total: float | None         # MME of the whole quantity under review
    daily: float | None         # MME a day, when the heading gives a frequency or a days' supply


NO_MME = Mme(None, None, None)


def _rule(ingredient: str, unit: str | None) -> MmeRule | None:
    rules = mme_rules().get(ingredient, ())
    return next((r for r in rules if r.strength_unit == unit), None) or (rules[0] if rules else None)


def _per_day(frequency: str | None) -> float | None:
    """'B.I.D.' → 2, 'q 8 hours' → 3, 'twice daily' → 2; None for 'prn' or no frequency."""
    if frequency is None:
        return None
    key = rx.HOURLY.sub(r"q\g<h>h", frequency.lower().replace(".", ""))
    return doses_per_day().get(" ".join(key.split()))


def mme(drug: Drug | None, quantity: int | None, volume_ml: float | None = None) -> Mme:
    """MME of the drug's opioid ingredient by the formulation's rule in opioid_mme.csv: strength ×
    factor × wear days (patches) × units (or ml for a per-ml strength); daily from the frequency
    (one unit a dose × doses a day), else from the days' supply."""
    if drug is None:
        return NO_MME
    s = drug.strength
    if s and (per := rx.PER_VOLUME_UNIT.match(s.unit)):    # '5mg/5ml' → 1 mg/ml
        s = Strength(tuple(v / float(per["ml"]) for v in s.values), f"{per['unit']}/ml")
    for k, ingredient in enumerate(drug.generic):
        rule = _rule(ingredient, s.unit if s else None)
        if rule is None:
            continue
        if rule.factor is None or s is None or s.unit != rule.strength_unit:
            return Mme(rule.factor, None, None)
        value = s.values[k] if len(s.values) == len(drug.generic) else s.values[0]
        per_unit = value * rule.factor * rule.wear_days
        count = (volume_ml * (quantity or 1) if volume_ml else None) if rule.count_per == "ml" else quantity
        total = round(per_unit * count, 3) if count is not None else None
        per_day = _per_day(drug.frequency)
        if per_day is not None and rule.count_per == "unit":
            daily = round(per_unit * per_day, 3)
        elif drug.days_supply and total is not None:
            daily = round(total / drug.days_supply, 3)
        else:
            daily = None
        return Mme(rule.factor, total, daily)
    return NO_MME
