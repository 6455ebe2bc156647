"""What reviewers and claims administrators cite, in each era's wording, with the gold reviewer_guideline.

The citations are synth/data/guidelines.csv: per guide key (an item kind), rows of kind
mtus2016 (document, sections of 'Decision based on MTUS <document>, Section(s): <sections>.'),
mtus2015 (2015 document, notice document, sections, pages of the 2015 'Page(s):' lines and the 2013
'based his/her decision on the <document>, <sections>, pages <pages>' sentences), odg and acoem
(chapter in document, topic in sections, of 'Non-MTUS Citation ...'), other (a document neither ODG
nor ACOEM) or none (a key that cites nothing).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from synth.tables import rows, values

CP16 = "Chronic Pain Medical Treatment 2016"
CP15 = "Chronic Pain Treatment Guidelines"      # 2015 letters: 'MTUS Chronic Pain Treatment Guidelines X Page(s): ...'
ACOEM2 = "ACOEM Practice Guidelines, 2nd Edition (2004)"


@dataclass(frozen=True, slots=True)
class Guide:
    """The citations of one guide key, by kind, in the table's order."""

    m16: tuple = ()
    m15: tuple = ()
    odg: tuple = ()
    acoem: tuple = ()
    other: tuple = ()


@cache
def guides() -> dict[str, Guide]:
    """{guide key: Guide} from guidelines.csv."""
    kinds = {"mtus2016": "m16", "mtus2015": "m15", "odg": "odg", "acoem": "acoem", "other": "other"}
    found: dict[str, dict[str, list]] = {}
    for row in rows("guidelines"):
        entry = found.setdefault(row["guide"], {field: [] for field in kinds.values()})
        kind, doc, sections = row["kind"], row["document"], values(row["sections"])
        if kind == "none":
            continue
        if kind == "mtus2016":
            cited: object = (doc, sections)
        elif kind == "mtus2015":
            cited = (doc, row["notice_document"], sections, row["pages"])
        elif kind in ("odg", "acoem"):
            cited = (doc, row["sections"])
        else:
            cited = doc
        entry[kinds[kind]].append(cited)
    return {key: Guide(**{k: tuple(v) for k, v in entry.items()}) for key, entry in found.items()}


@cache
def second_documents() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Documents a 2016 reviewer line may cite after the first ('..., and Chronic Pain ... 2016, Section(s): X')."""
    return tuple((row["document"], values(row["sections"])) for row in rows("second_documents"))


def expand_pages(text: str) -> list[int]:
    """'74-96, 124' → [74, ..., 96, 124]."""
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def _guideline(source: str, document: str | None = None, sections=(), pages=()) -> dict:
    return {"source": source, "document": document, "sections": list(sections), "pages": list(pages)}


def _first_range(pages: str) -> str:
    """'74-96, 124' → '74-96': a 2013 notice cites one page range."""
    return pages.split(",")[0].strip()


def _notice_parts(doc: str, sections: tuple, pages: str) -> list[str]:
    """'<document>, <sections>, pages 74-96' of a 2013 notice."""
    return [doc, *sections] + ([("pages " if "-" in pages else "page ") + pages] if pages else [])


def cite(rng: random.Random, key: str, layout: str) -> tuple[str, str, dict]:
    """(claims administrator line, MAXIMUS line, gold reviewer_guideline) for one item."""
    g = guides()[key]
    r = rng.random()
    mtus = g.m16 if layout == "y2016" else g.m15
    if mtus and r < 0.78:
        style = "mtus"
    elif g.odg and r < 0.92:
        style = "odg"
    elif mtus and not g.odg and r < 0.9:
        style = "mtus"
    else:
        style = "none"
    if layout != "n2013" and style != "mtus" and (g.acoem or g.other) and rng.random() < 0.4:
        style = "acoem" if g.acoem else "other"
    claims = _claims_line(rng, g, layout)
    if style == "none":
        if layout == "n2013":
            return claims, "The Expert Reviewer did not cite any evidence-based guidelines for his/her decision.", _guideline("none")
        return claims, "The Expert Reviewer did not cite any medical evidence for its decision.", _guideline("none")
    if style == "odg":
        chapter, topic = rng.choice(g.odg)
        if layout == "n2013":
            chapter = chapter if chapter.endswith("Chapter") else f"{chapter} Chapter"
            line = (f"The Expert Reviewer based his/her decision on the Official Disability Guidelines (ODG), {chapter}, "
                    f"{topic}, which is not part of the MTUS.")
        else:
            lead = ("The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines. "
                    if layout == "y2016" else "")
            line = f"{lead}Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) {chapter}, {topic}."
        return claims, line, _guideline("ODG", "Official Disability Guidelines (ODG)", (chapter, topic))
    if style == "acoem":
        chapter, topic = rng.choice(g.acoem)
        return claims, f"Decision based on Non-MTUS Citation ACOEM {chapter}, {topic}.", _guideline("ACOEM", "ACOEM", (chapter, topic))
    if style == "other":
        document = rng.choice(g.other)
        return claims, f"Decision based on Non-MTUS Citation {document}.", _guideline("other", document)
    if layout == "y2016":
        doc, sections = rng.choice(g.m16)
        line = f"Decision based on MTUS {doc}" + (f", Section(s): {', '.join(sections)}" if sections else "")
        if rng.random() < 0.1:
            doc2, sections2 = rng.choice([d for d in second_documents() if d[0] != doc] or second_documents())
            line += f", and {doc2}, Section(s): {', '.join(sections2)}"
        return claims, line + ".", _guideline("MTUS", doc, sections)
    doc15, doc_notice, sections, pages = rng.choice(g.m15)
    if layout == "y2015":
        if not sections and not pages:
            line = f"Decision based on MTUS {doc15}."
        else:
            joiner = ", " if doc15 == ACOEM2 else " "
            if doc15 == CP15 and len(sections) == 1 and rng.random() < 0.2:
                sections = (sections[0][0].lower() + sections[0][1:],)      # the seeds: '... Guidelines benzodiazepines'
            line = f"Decision based on MTUS {doc15}{joiner}{', '.join(sections)} Page(s): {pages}."
        return claims, line, _guideline("MTUS", doc15, sections, expand_pages(pages))
    pages = _first_range(pages)
    parts = _notice_parts(doc_notice, sections, pages)
    line = f"The Expert Reviewer based his/her decision on the {', '.join(parts)}, which is part of the MTUS."
    return claims, line, _guideline("MTUS", doc_notice, sections, expand_pages(pages))


def _claims_line(rng: random.Random, g: Guide, layout: str) -> str:
    r = rng.random()
    if layout == "n2013":
        if g.m15 and r < 0.7:
            _, doc, sections, pages = rng.choice(g.m15)
            parts = _notice_parts(doc, sections, _first_range(pages))
            return f"The Claims Administrator based its decision on the {', '.join(parts)}, which is part of the MTUS."
        return "The Claims Administrator did not cite any evidence-based guidelines for its decision."
    if r < 0.45:
        return "The Claims Administrator did not cite any medical evidence for its decision."
    if g.odg and r < 0.6:
        return f"Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) {rng.choice(g.odg)[0]} Chapter."
    if layout == "y2016" and g.m16:
        return f"Decision based on MTUS {rng.choice(g.m16)[0]}."
    if g.m15:
        doc15, _, sections, _ = rng.choice(g.m15)
        return f"Decision based on MTUS {doc15} {', '.join(sections)}.".replace(" .", ".")
    return f"Decision based on MTUS {CP16}."
