"""Synthetic IMR determination letters with their ground truth, for tests and benchmarks.

`generate(n, out, seed)` writes letters SYN-<seed>-<i>.txt (or .pdf) into `out/` and, for each, the
labels the pipeline is supposed to produce in the GOLD_SPEC format into `out/gold/<name>.json`. The
labels come from what the generator put into the letter, never from running the extractor.

Every layout the pipeline reads is covered: the 2016+ letter with the header table as PDF text
scrambles it, the 2014-15 letter without header (half of them with every newline doubled, like the
seeds), and the 2013 'Notice' with numbered determinations, glued words ('notmedically') and page
furniture. Items are drug-heavy (names from the generator's own pipeline/synth_drugs.csv, with misspellings
and drugs the extractor's lexicon lacks; '#90', 'QTY: 60', 'x 90',
'with 3 refills', 'x2 refills'; partial authorizations; compounds; 'DOS: 3/4/16'), with imaging,
therapy, DME, injections, consults and surgery besides; MTUS 'Section(s):', 2015 'Page(s):', ODG
non-MTUS and 'did not cite any medical evidence' citations; lines wrapped near 95 columns.

Letter i of a seed is drawn from random.Random((seed << 32) + i) alone, so any letter can be regenerated
on its own and the same seed always gives the same bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import click

from schemas.codes import read_rows

CASE_BASE = 5_000_000          # case numbers CMyy-5000000..9999999: above any real MAXIMUS number
CASE_SPAN = 5_000_000
OUTCOME_UPHELD = 0.8           # share of items whose denial is upheld
PDF_FONT_SIZE = 9
PDF_LINE_HEIGHT = 11
PDF_DATE = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)   # fixed: the same seed gives the same bytes
NOTICE_PAGE_LINES = 48         # lines per page of a 2013 notice, for the 'Page 2 of 3' furniture

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 18: "eighteen", 24: "twenty-four"}
UPPER_WORDS = {"apap", "ms", "er", "xr", "sr", "xl", "odt", "pm", "am", "hcl", "ds"}
NAME_CASE = {"oxycontin": "OxyContin", "ms contin": "MS Contin", "lidopro": "LidoPro", "sentra pm": "Sentra PM",
             "sentra am": "Sentra AM", "hydrocodone/apap": "Hydrocodone/APAP", "oxycodone/apap": "Oxycodone/APAP",
             "tramadol/apap": "Tramadol/APAP", "gabadone": "GABAdone"}


# ---------------------------------------------------------------- guidelines
CP16 = "Chronic Pain Medical Treatment 2016"
CP15 = "Chronic Pain Treatment Guidelines"              # 2015 letters: 'MTUS Chronic Pain Treatment Guidelines X Page(s): ...'
CPN = "Chronic Pain Medical Treatment Guidelines"       # 2013 notices
ACOEM2 = "ACOEM Practice Guidelines, 2nd Edition (2004)"
PS09 = "Postsurgical Treatment 2009"


@dataclass(frozen=True, slots=True)
class Guide:
    """What a reviewer may cite for one kind of item, in each era's wording.

    m16: (document, sections) of 2016 'Decision based on MTUS <document>, Section(s): <sections>.'
    m15: (2015 document, notice document, sections, pages) of the 2015 'Page(s):' lines and the 2013
         'based his/her decision on the <document>, <sections>, pages <pages>' sentences
    odg: (chapter, topic) of 'Non-MTUS Citation Official Disability Guidelines (ODG) <chapter>, <topic>'
    acoem: (chapter, topic) of 'Non-MTUS Citation ACOEM <chapter>, <topic>' (2014+ letters)
    other: documents of 'Non-MTUS Citation <document>' that are neither ODG nor ACOEM
    """

    m16: tuple = ()
    m15: tuple = ()
    odg: tuple = ()
    acoem: tuple = ()
    other: tuple = ()


def _cp(sections: tuple[str, ...], pages: str) -> tuple:
    return (CP15, CPN, sections, pages)


def _acoem(chapter: str, section: str, pages: str) -> tuple:
    return (ACOEM2, ACOEM2, (chapter, section), pages)


def _region(doc: str, chapter: str, pages: str, odg: tuple, acoem: tuple = ()) -> Guide:
    return Guide(m16=((doc, ("Special Studies",)), (doc, ("Special Studies", "Summary")), (doc, ("Summary",))),
                 m15=(_acoem(chapter, "Special Studies", pages),), odg=odg, acoem=acoem)


GUIDES: dict[str, Guide] = {
    "opioid": Guide(
        m16=((CP16, ("Opioids, criteria for use",)), (CP16, ("Opioids, specific drug list",)),
             (CP16, ("Opioids, long-term assessment",)), (CP16, ("Opioids, criteria for use", "Weaning of Medications")),
             ("Opioid Treatment 2016", ("3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: "
                                        "Maintenance of Chronic Opioid Treatment",))),
        m15=(_cp(("Opioids",), "74-96"), _cp(("Opioids, criteria for use",), "76-80"), _cp(("Opioids",), "74-96, 124")),
        odg=(("Pain (Chronic)", "Opioids, criteria for use"),)),
    "tramadol": Guide(
        m16=((CP16, ("Tramadol (Ultram)",)), (CP16, ("Tramadol (Ultram)", "Weaning of Medications"))),
        m15=(_cp(("Tramadol (Ultram)",), "93-94"), _cp(("Tramadol",), "113")),
        odg=(("Pain (Chronic)", "Tramadol (Ultram)"),)),
    "fentanyl": Guide(m16=((CP16, ("Duragesic (fentanyl transdermal system)",)),),
                      m15=(_cp(("Duragesic (fentanyl transdermal system)",), "44"),)),
    "buprenorphine": Guide(m16=((CP16, ("Buprenorphine",)),), m15=(_cp(("Buprenorphine",), "26-27"),)),
    "muscle_relaxant": Guide(
        m16=((CP16, ("Muscle relaxants (for pain)",)),), m15=(_cp(("Muscle relaxants (for pain)",), "63-66"),),
        odg=(("Pain (Chronic)", "Muscle relaxants (for pain)"),)),
    "cyclobenzaprine": Guide(
        m16=((CP16, ("Cyclobenzaprine (Flexeril)",)), (CP16, ("Muscle relaxants (for pain)", "Cyclobenzaprine (Flexeril)"))),
        m15=(_cp(("Cyclobenzaprine (Flexeril)",), "41-42"),)),
    "carisoprodol": Guide(m16=((CP16, ("Carisoprodol (Soma)",)),), m15=(_cp(("Carisoprodol (Soma)",), "29"),)),
    "metaxalone": Guide(m16=((CP16, ("Metaxalone (Skelaxin)",)),), m15=(_cp(("Metaxalone (Skelaxin)",), "61"),)),
    "nsaid": Guide(
        m16=((CP16, ("NSAIDs (non-steroidal anti-inflammatory drugs)",)), (CP16, ("Anti-inflammatory medications",)),
             (CP16, ("NSAIDs, specific drug list & adverse effects",))),
        m15=(_cp(("NSAIDs (non-steroidal anti-inflammatory drugs)",), "67-73"), _cp(("Anti-inflammatory medications",), "22")),
        odg=(("Pain (Chronic)", "NSAIDs (non-steroidal anti-inflammatory drugs)"),)),
    "gi_protectant": Guide(
        m16=((CP16, ("NSAIDs, GI symptoms & cardiovascular risk",)), (CP16, ("Proton Pump Inhibitors (PPIs)",)),
             (CP16, ("NSAIDs, GI symptoms & cardiovascular risk", "Proton Pump Inhibitors (PPIs)"))),
        m15=(_cp(("NSAIDs, GI symptoms & cardiovascular risk",), "68-69"),),
        odg=(("Pain (Chronic)", "Proton pump inhibitors (PPIs)"),)),
    "laxative": Guide(m16=((CP16, ("Opioid induced constipation treatment",)),),
                      m15=(_cp(("Opioid induced constipation treatment",), "77"),),
                      odg=(("Pain (Chronic)", "Opioid-induced constipation treatment"),)),
    "anticonvulsant": Guide(
        m16=((CP16, ("Anti-epilepsy drugs (AEDs)",)), (CP16, ("Antiepilepsy drugs (AEDs)",))),
        m15=(_cp(("Anti-epilepsy drugs (AEDs)",), "16-18"),)),
    "gabapentin": Guide(m16=((CP16, ("Gabapentin (Neurontin)",)),), m15=(_cp(("Gabapentin (Neurontin)",), "18-19"),)),
    "pregabalin": Guide(m16=((CP16, ("Pregabalin (Lyrica)",)),), m15=(_cp(("Pregabalin (Lyrica)",), "19-20"),)),
    "antidepressant": Guide(
        m16=((CP16, ("Antidepressants for chronic pain",)),), m15=(_cp(("Antidepressants for chronic pain",), "13-16"),),
        odg=(("Mental Illness & Stress", "Antidepressants for treatment of MDD (major depressive disorder)"),)),
    "benzodiazepine": Guide(m16=((CP16, ("Benzodiazepines",)),), m15=(_cp(("Benzodiazepines",), "24"),),
                            odg=(("Pain (Chronic)", "Benzodiazepines"),)),
    "sedative_hypnotic": Guide(
        m16=((CP16, ("Insomnia treatment",)),),
        odg=(("Pain (Chronic)", "Insomnia treatment"), ("Pain (Chronic)", "Zolpidem (Ambien)"),
             ("Mental Illness & Stress", "Insomnia treatment"))),
    "topical_analgesic": Guide(m16=((CP16, ("Topical analgesics",)),), m15=(_cp(("Topical Analgesics",), "111-113"),)),
    "lidocaine": Guide(m16=((CP16, ("Lidoderm (lidocaine patch)",)), (CP16, ("Topical analgesics",))),
                       m15=(_cp(("Lidoderm (lidocaine patch)",), "56-57"),)),
    "compound": Guide(m16=((CP16, ("Topical analgesics",)), (CP16, ("Topical analgesics, compounded",))),
                      m15=(_cp(("Topical Analgesics",), "111-113"),)),
    "medical_food": Guide(odg=(("Pain (Chronic)", "Medical food"),), other=("FDA Medical Foods Guidance",)),
    "antiemetic": Guide(odg=(("Pain (Chronic)", "Antiemetics (for opioid nausea)"),)),
    "triptan": Guide(odg=(("Head", "Triptans"),), other=("Medscape Drug Reference",)),
    "barbiturate": Guide(m16=((CP16, ("Barbiturate-containing analgesic agents (BCAs)",)),),
                         m15=(_cp(("Barbiturate-containing analgesic agents (BCAs)",), "23"),)),
    "steroid": Guide(odg=(("Low Back", "Corticosteroids (oral/parenteral for low back pain)"),)),
    "other_drug": Guide(m16=((CP16, ("Medications for chronic pain",)),), m15=(_cp(("Medications for chronic pain",), "60"),)),
    # ---- non-drug items
    "LB": _region("Low Back Complaints 2004", "Low Back Complaints Chapter", "303-304",
                  (("Low Back", "MRIs (magnetic resonance imaging)"),), (("Low Back Disorders Chapter", "MRI"),)),
    "NECK": _region("Neck and Upper Back Complaints 2004", "Neck and Upper Back Complaints Chapter", "177-178",
                    (("Neck & Upper Back", "Magnetic resonance imaging (MRI)"),)),
    "SH": _region("Shoulder Complaints 2004", "Shoulder Complaints Chapter", "207-209",
                  (("Shoulder", "Magnetic resonance imaging (MRI)"),)),
    "KNEE": _region("Knee Complaints 2004", "Knee Complaints Chapter", "341-343",
                    (("Knee & Leg", "MRI's (magnetic resonance imaging)"),), (("Knee Disorders Chapter", "MRI"),)),
    "WRIST": _region("Forearm, Wrist, and Hand Complaints 2004", "Forearm, Wrist, and Hand Complaints Chapter", "268-269",
                     (("Carpal Tunnel Syndrome (Acute & Chronic)", "MRI's (magnetic resonance imaging)"),)),
    "ANKLE": _region("Ankle and Foot Complaints 2004", "Ankle and Foot Complaints Chapter", "372-374",
                     (("Ankle & Foot", "Magnetic resonance imaging (MRI)"),)),
    "XRAY_LB": _region("Low Back Complaints 2004", "Low Back Complaints Chapter", "303-304", (("Low Back", "Radiography (x-rays)"),)),
    "EMG_UP": Guide(m16=(("Neck and Upper Back Complaints 2004", ("Special Studies",)),
                         (CP16, ("Electrodiagnostic testing (EMG/NCS)",))),
                    m15=(_acoem("Neck and Upper Back Complaints Chapter", "Special Studies", "177-178"),),
                    odg=(("Neck & Upper Back", "Electromyography (EMG)"),)),
    "EMG_LOW": Guide(m16=(("Low Back Complaints 2004", ("Special Studies",)),),
                     m15=(_acoem("Low Back Complaints Chapter", "Special Studies", "303-304"),),
                     odg=(("Low Back", "EMGs (electromyography)"), ("Low Back", "Nerve conduction studies (NCS)"))),
    "UDS": Guide(m16=((CP16, ("Drug testing",)), (CP16, ("Opioids, steps to avoid misuse/addiction",))),
                 m15=(_cp(("Drug testing",), "43"),), odg=(("Pain (Chronic)", "Urine drug testing (UDT)"),)),
    "PT": Guide(m16=((CP16, ("Physical medicine treatment",)),), m15=(_cp(("Physical Medicine",), "98-99"),),
                odg=(("Low Back", "Physical therapy (PT)"), ("Knee & Leg", "Physical medicine treatment"))),
    "CHIRO": Guide(m16=((CP16, ("Manual therapy & manipulation",)),), m15=(_cp(("Manual therapy & manipulation",), "58-59"),),
                   odg=(("Neck & Upper Back", "Manipulation"),)),
    "ACUP": Guide(m16=(("Acupuncture Treatment 2007", ()),),
                  m15=(("Acupuncture Medical Treatment Guidelines", "Acupuncture Medical Treatment Guidelines", (), ""),),
                  odg=(("Low Back", "Acupuncture"),)),
    "AQUA": Guide(m16=((CP16, ("Aquatic therapy",)),), m15=(_cp(("Aquatic therapy",), "22"),)),
    "TENS": Guide(m16=((CP16, ("TENS, chronic pain (transcutaneous electrical nerve stimulation)",)),),
                  m15=(_cp(("Transcutaneous electrotherapy",), "114-116"),),
                  odg=(("Pain (Chronic)", "TENS (transcutaneous electrical nerve stimulation)"),)),
    "BRACE_LB": Guide(m16=(("Low Back Complaints 2004", ("Physical Methods",)),),
                      m15=(_acoem("Low Back Complaints Chapter", "Physical Methods", "298-301"),),
                      odg=(("Low Back", "Lumbar supports"),), acoem=(("Low Back Disorders Chapter", "Lumbar Supports"),)),
    "BRACE_KNEE": Guide(m16=(("Knee Complaints 2004", ("Summary",)),), m15=(_acoem("Knee Complaints Chapter", "Summary", "340"),),
                        odg=(("Knee & Leg", "Knee brace"), ("Knee & Leg", "Durable medical equipment (DME)"))),
    "BRACE_WRIST": Guide(m16=(("Forearm, Wrist, and Hand Complaints 2004", ("Physical Methods",)),),
                         odg=(("Forearm, Wrist, & Hand", "Splints"),)),
    "PILLOW": Guide(odg=(("Neck & Upper Back", "Pillow"),)),
    "WALKER": Guide(odg=(("Knee & Leg", "Walking aids (canes, crutches, braces, orthoses, & walkers)"),)),
    "COLD": Guide(odg=(("Knee & Leg", "Continuous-flow cryotherapy"), ("Shoulder", "Continuous-flow cryotherapy"))),
    "ESI": Guide(m16=((CP16, ("Epidural steroid injections (ESIs)",)),), m15=(_cp(("Epidural steroid injections (ESIs)",), "46"),),
                 odg=(("Low Back", "Epidural steroid injections (ESIs), therapeutic"),)),
    "FACET": Guide(m16=(("Low Back Complaints 2004", ("Summary",)),),
                   m15=(_acoem("Low Back Complaints Chapter", "Physical Methods", "300"),),
                   odg=(("Low Back", "Facet joint diagnostic blocks (injections)"),)),
    "INJ_KNEE": Guide(m16=(("Knee Complaints 2004", ("Summary",)),), odg=(("Knee & Leg", "Corticosteroid injections"),)),
    "INJ_HIP": Guide(odg=(("Hip & Pelvis", "Trochanteric bursitis injections"),),
                     acoem=(("Hip and Groin Chapter", "Trochanteric bursitis injections"),)),
    "TPI": Guide(m16=((CP16, ("Trigger point injections",)),), m15=(_cp(("Trigger point injections",), "122"),)),
    "VISIT": Guide(m16=((CP16, ("Office visits",)),), odg=(("Pain (Chronic)", "Office visits"),)),
    "FCE": Guide(odg=(("Fitness For Duty", "Functional capacity evaluation (FCE)"),)),
    "PSYCH": Guide(m16=((CP16, ("Psychological evaluations",)), (CP16, ("Psychological evaluations", "Psychological treatment"))),
                   m15=(_cp(("Psychological evaluations",), "100-101"),)),
    "CBT": Guide(m16=((CP16, ("Behavioral interventions",)),), m15=(_cp(("Behavioral interventions",), "23"),),
                 odg=(("Mental Illness & Stress", "Cognitive therapy for depression"),)),
    "BIOFEEDBACK": Guide(m16=((CP16, ("Biofeedback",)),), m15=(_cp(("Biofeedback",), "24-25"),)),
    "FRP": Guide(m16=((CP16, ("Functional restoration programs (FRPs)",)),),
                 m15=(_cp(("Chronic pain programs (functional restoration programs)",), "30-32"),)),
    "WEIGHT": Guide(odg=(("Diabetes (Type 1, 2, and Gestational)", "Lifestyle (diet & exercise) modifications"),)),
    "TRANSPORT": Guide(odg=(("Knee & Leg", "Transportation (to & from appointments)"),)),
    "HOMEHEALTH": Guide(m16=((CP16, ("Home health services",)),), m15=(_cp(("Home health services",), "51"),)),
    "SURG_KNEE": Guide(m16=(("Knee Complaints 2004", ("Surgical Considerations",)),),
                       m15=(_acoem("Knee Complaints Chapter", "Surgical Considerations", "344-345"),),
                       odg=(("Knee & Leg", "Meniscectomy"),)),
    "SURG_SH": Guide(m16=(("Shoulder Complaints 2004", ("Surgical Considerations",)),),
                     m15=(_acoem("Shoulder Complaints Chapter", "Surgical Considerations", "209-211"),),
                     odg=(("Shoulder", "Surgery for impingement syndrome"),)),
    "SURG_CTR": Guide(m16=(("Forearm, Wrist, and Hand Complaints 2004", ("Surgical Considerations",)),),
                      odg=(("Carpal Tunnel Syndrome (Acute & Chronic)", "Carpal tunnel release surgery (CTR)"),)),
    "SURG_LB": Guide(m16=(("Low Back Complaints 2004", ("Surgical Considerations",)),),
                     m15=(_acoem("Low Back Complaints Chapter", "Surgical Considerations", "305-307"),),
                     odg=(("Low Back", "Discectomy/laminectomy"),)),
    "POSTOP_PT": Guide(m16=((PS09, ("Knee",)), (PS09, ("Shoulder",)), (PS09, ("Forearm, Wrist, & Hand",)))),
    "PREOP": Guide(odg=(("Low Back", "Preoperative testing, general"),)),
    "NONE": Guide(),
}
# Second documents a 2016 reviewer line may cite after the first ('..., and Chronic Pain ... 2016, Section(s): X').
SECOND_DOCS = ((CP16, ("Physical medicine treatment",)), ("Low Back Complaints 2004", ("Physical Methods",)),
               (CP16, ("Opioids, criteria for use",)), ("General Approaches 2004", ("Initial Approaches to Treatment",)))


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


def cite(rng: random.Random, key: str, layout: str) -> tuple[str, str, dict]:
    """(claims administrator line, MAXIMUS line, gold reviewer_guideline) for one item."""
    g = GUIDES[key]
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
            doc2, sections2 = rng.choice([d for d in SECOND_DOCS if d[0] != doc] or SECOND_DOCS)
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
    pages = pages.split(",")[0].strip()           # notices cite one range: 'pages 74-96'
    parts = [doc_notice, *sections]
    if pages:
        parts.append(("pages " if "-" in pages else "page ") + pages)
    line = f"The Expert Reviewer based his/her decision on the {', '.join(parts)}, which is part of the MTUS."
    return claims, line, _guideline("MTUS", doc_notice, sections, expand_pages(pages))


def _claims_line(rng: random.Random, g: Guide, layout: str) -> str:
    r = rng.random()
    if layout == "n2013":
        if g.m15 and r < 0.7:
            _, doc, sections, pages = rng.choice(g.m15)
            pages = pages.split(",")[0].strip()
            parts = [doc, *sections] + ([("pages " if "-" in pages else "page ") + pages] if pages else [])
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


# ---------------------------------------------------------------- drugs
@dataclass(frozen=True, slots=True)
class Oral:
    """How one generic drug is prescribed: strengths as written, unit, salt/release words, counts."""

    strengths: tuple[str, ...]
    unit: str = "mg"
    salts: tuple[str, ...] = ("",)
    counts: tuple[int, ...] = (30, 60, 90)
    guide: str = ""
    weight: int = 1
    names: tuple[str, ...] = ()       # restrict to these lexicon names (forms that only some brands have)
    form: str = ""                    # dosage-form word written before the strength: 'patch'


OPIOID_COUNTS = (30, 60, 90, 120, 180)
ORAL: dict[tuple[str, str], Oral] = {
    ("hydrocodone/acetaminophen", "opioid"): Oral(("5/325", "7.5/325", "10/325"), counts=OPIOID_COUNTS, guide="opioid", weight=10),
    ("oxycodone/acetaminophen", "opioid"): Oral(("5/325", "7.5/325", "10/325"), counts=OPIOID_COUNTS, guide="opioid", weight=6),
    ("oxycodone", "opioid"): Oral(("5", "10", "15", "20", "30"), counts=OPIOID_COUNTS, guide="opioid", weight=4),
    ("tramadol", "opioid"): Oral(("50", "100", "150", "200"), salts=("", "ER"), guide="tramadol", weight=6),
    ("tramadol/acetaminophen", "opioid"): Oral(("37.5/325",), guide="tramadol", weight=2),
    ("tapentadol", "opioid"): Oral(("50", "75", "100"), guide="opioid", weight=2),
    ("morphine", "opioid"): Oral(("15", "30", "60"), salts=("", "ER"), guide="opioid", weight=2),
    ("hydromorphone", "opioid"): Oral(("2", "4", "8"), guide="opioid", weight=2),
    ("methadone", "opioid"): Oral(("5", "10"), counts=(60, 90, 120), guide="opioid"),
    ("acetaminophen/codeine", "opioid"): Oral(("300/30", "300/60"), guide="opioid"),
    ("hydrocodone/ibuprofen", "opioid"): Oral(("7.5/200",), guide="opioid"),
    ("fentanyl", "opioid"): Oral(("12", "25", "50", "75"), unit="mcg/hr", counts=(10, 15), guide="fentanyl", weight=2,
                                 names=("fentanyl", "duragesic"), form="patch"),
    ("buprenorphine", "opioid"): Oral(("5", "10", "20"), unit="mcg/hr", counts=(4, 8), guide="buprenorphine",
                                      names=("butrans",), form="patch"),
    ("cyclobenzaprine", "muscle_relaxant"): Oral(("5", "7.5", "10"), guide="cyclobenzaprine", weight=6),
    ("tizanidine", "muscle_relaxant"): Oral(("2", "4"), guide="muscle_relaxant", weight=3),
    ("carisoprodol", "muscle_relaxant"): Oral(("350",), guide="carisoprodol", weight=3),
    ("metaxalone", "muscle_relaxant"): Oral(("800",), guide="metaxalone", weight=2),
    ("methocarbamol", "muscle_relaxant"): Oral(("500", "750"), guide="muscle_relaxant", weight=2),
    ("orphenadrine", "muscle_relaxant"): Oral(("100",), salts=("", "ER", "Citrate ER"), guide="muscle_relaxant", weight=2),
    ("baclofen", "muscle_relaxant"): Oral(("10", "20"), guide="muscle_relaxant"),
    ("ibuprofen", "nsaid"): Oral(("600", "800"), guide="nsaid", weight=3),
    ("naproxen", "nsaid"): Oral(("375", "500", "550"), salts=("", "sodium"), guide="nsaid", weight=5),
    ("meloxicam", "nsaid"): Oral(("7.5", "15"), guide="nsaid", weight=3),
    ("celecoxib", "nsaid"): Oral(("100", "200"), guide="nsaid", weight=2),
    ("diclofenac", "nsaid"): Oral(("75", "100"), salts=("", "sodium", "sodium ER"), guide="nsaid", weight=2),
    ("etodolac", "nsaid"): Oral(("400", "500"), salts=("", "ER"), guide="nsaid"),
    ("nabumetone", "nsaid"): Oral(("500", "750"), guide="nsaid"),
    ("omeprazole", "gi_protectant"): Oral(("20", "40"), guide="gi_protectant", weight=5),
    ("pantoprazole", "gi_protectant"): Oral(("20", "40"), guide="gi_protectant", weight=3),
    ("esomeprazole", "gi_protectant"): Oral(("20", "40"), guide="gi_protectant"),
    ("lansoprazole", "gi_protectant"): Oral(("15", "30"), guide="gi_protectant"),
    ("ranitidine", "gi_protectant"): Oral(("150", "300"), guide="gi_protectant"),
    ("famotidine", "gi_protectant"): Oral(("20", "40"), guide="gi_protectant"),
    ("docusate", "gi_protectant"): Oral(("100", "250"), guide="laxative"),
    ("senna", "gi_protectant"): Oral(("8.6",), guide="laxative"),
    ("gabapentin", "anticonvulsant"): Oral(("100", "300", "600", "800"), counts=(60, 90, 120), guide="gabapentin", weight=6),
    ("pregabalin", "anticonvulsant"): Oral(("25", "50", "75", "150"), guide="pregabalin", weight=3),
    ("topiramate", "anticonvulsant"): Oral(("25", "50"), guide="anticonvulsant"),
    ("duloxetine", "antidepressant"): Oral(("20", "30", "60"), guide="antidepressant", weight=3),
    ("amitriptyline", "antidepressant"): Oral(("10", "25", "50"), guide="antidepressant", weight=2),
    ("nortriptyline", "antidepressant"): Oral(("10", "25"), guide="antidepressant"),
    ("trazodone", "antidepressant"): Oral(("50", "100"), guide="antidepressant", weight=2),
    ("sertraline", "antidepressant"): Oral(("50", "100"), guide="antidepressant"),
    ("venlafaxine", "antidepressant"): Oral(("37.5", "75"), salts=("", "ER"), guide="antidepressant"),
    ("alprazolam", "benzodiazepine"): Oral(("0.25", "0.5", "1"), guide="benzodiazepine", weight=3),
    ("clonazepam", "benzodiazepine"): Oral(("0.5", "1"), guide="benzodiazepine", weight=2),
    ("lorazepam", "benzodiazepine"): Oral(("0.5", "1"), guide="benzodiazepine"),
    ("diazepam", "benzodiazepine"): Oral(("5", "10"), guide="benzodiazepine", weight=2),
    ("temazepam", "benzodiazepine"): Oral(("15", "30"), guide="benzodiazepine"),
    ("zolpidem", "sedative_hypnotic"): Oral(("5", "10"), guide="sedative_hypnotic", weight=3),
    ("eszopiclone", "sedative_hypnotic"): Oral(("1", "2", "3"), guide="sedative_hypnotic", weight=2),
    ("ondansetron", "other"): Oral(("4", "8"), counts=(10, 20, 30), guide="antiemetic", weight=2),
    ("sumatriptan", "other"): Oral(("50", "100"), counts=(9, 18), guide="triptan"),
    ("butalbital/acetaminophen/caffeine", "other"): Oral(("50/325/40",), guide="barbiturate"),
    ("prednisone", "other"): Oral(("10", "20"), counts=(10, 21), guide="steroid"),
    ("hydroxyzine", "other"): Oral(("25", "50"), guide="other_drug"),
}
# Lexicon names whose product is not a tablet or capsule (suspensions, films, sprays, injections, intrathecal).
NOT_ORAL_SOLIDS = frozenset(("tabradol", "fanatrex", "deprizine", "diastat", "cambia", "qmiiz", "anjeso", "drizalma",
                             "zuplenz", "zolpimist", "edluar", "gablofen", "lyvispah", "ozobax", "qdolo",
                             "capital and codeine", "xartemis", "elyxyb", "oxaydo"))
MEDICAL_FOODS = ("theramine", "sentra pm", "sentra am", "gabadone", "trepadone", "percura", "somnicin", "appetrim")


@dataclass(frozen=True, slots=True)
class Topical:
    """A topical product written as one name: 'Lidoderm 5% patch', 'Voltaren gel 1%', 'Terocin lotion 120ml'."""

    text: str                          # heading text before any count
    drug: str
    generic: str
    strength: tuple[float, ...] | None
    unit: str | None
    counts: tuple[int, ...]            # () when the product is requested by container size only
    guide: str


TOPICALS = (
    Topical("Lidoderm 5% patch", "Lidoderm", "lidocaine", (5,), "%", (30, 60, 90), "lidocaine"),
    Topical("Lidocaine 5% patch", "Lidocaine", "lidocaine", (5,), "%", (30, 60), "lidocaine"),
    Topical("Lidocaine 5% ointment 30gm", "Lidocaine", "lidocaine", (5,), "%", (), "lidocaine"),
    Topical("Voltaren gel 1%", "Voltaren", "diclofenac", (1,), "%", (), "topical_analgesic"),
    Topical("Voltaren 1% gel 100gm", "Voltaren", "diclofenac", (1,), "%", (), "topical_analgesic"),
    Topical("Flector 1.3% patch", "Flector", "diclofenac", (1.3,), "%", (30, 60), "topical_analgesic"),
    Topical("Pennsaid 2% solution 112gm", "Pennsaid", "diclofenac", (2,), "%", (), "topical_analgesic"),
    Topical("Capsaicin 0.075% cream 60gm", "Capsaicin", "capsaicin", (0.075,), "%", (), "topical_analgesic"),
    Topical("Terocin patch", "Terocin", "lidocaine/menthol", None, None, (10, 20, 30), "topical_analgesic"),   # the lotion has 4
    Topical("Terocin lotion 120ml", "Terocin", "methyl salicylate/capsaicin/menthol/lidocaine", None, None, (), "topical_analgesic"),
    Topical("Lidopro 4%-27.5%-0.0325% 121gm", "Lidopro", "capsaicin/lidocaine/menthol/methyl salicylate",
            (4, 27.5, 0.0325), "%", (1,), "topical_analgesic"),
    Topical("Menthoderm gel 120gm", "Menthoderm", "methyl salicylate/menthol", None, None, (), "topical_analgesic"),
)
# Compound ingredients: (name as written, generic, strengths in %)
COMPOUND_INGREDIENTS = (
    ("Flurbiprofen", "flurbiprofen", ("10", "20", "25")), ("Ketoprofen", "ketoprofen", ("10", "20")),
    ("Diclofenac", "diclofenac", ("3", "5")), ("Cyclobenzaprine", "cyclobenzaprine", ("2", "3", "4")),
    ("Baclofen", "baclofen", ("2", "5")), ("Gabapentin", "gabapentin", ("6", "10")),
    ("Amitriptyline", "amitriptyline", ("4", "10")), ("Lidocaine", "lidocaine", ("2", "5")),
    ("Capsaicin", "capsaicin", ("0.025", "0.0375")), ("Menthol", "menthol", ("2", "5")), ("Camphor", "camphor", ("2",)),
)
COMPOUND_FORMS = ("cream", "gel", "ointment", "cream")
CONTAINERS = ("30gm", "60gm", "120gm", "180gm", "240gm")


SYNTH_DRUGS = Path(__file__).with_name("synth_drugs.csv")


@dataclass(frozen=True, slots=True)
class SynthName:
    """A drug name the generator writes, with its GOLD_SPEC labels (None for a drug the lexicon lacks)."""

    name: str
    generic: str | None
    drug_class: str | None


@cache
def drug_pool() -> tuple[tuple[Oral, tuple[SynthName, ...]], ...]:
    """(how prescribed, names) for every ORAL generic, names from pipeline/synth_drugs.csv: the
    generator's own list (brands, misspellings and drugs the extractor's lexicon lacks, which are
    prescribed like the generic in prescribed_like), so the round trip measures the lexicon too."""
    specs = {generic: (generic, drug_class) for generic, drug_class in ORAL}
    names: dict[tuple[str, str], list[SynthName]] = {}
    with SYNTH_DRUGS.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = specs[row["prescribed_like"]]
            names.setdefault(key, []).append(SynthName(row["name"], row["generic"] or None, row["drug_class"] or None))
    return tuple((ORAL[key], tuple(names[key])) for key in ORAL if key in names)


def written_name(name: str) -> str:
    """'hydrocodone/apap' → 'Hydrocodone/APAP', 'ms contin' → 'MS Contin', 'norco' → 'Norco'."""
    if name in NAME_CASE:
        return NAME_CASE[name]
    words = []
    for k, word in enumerate(name.split(" ")):
        parts = [p.upper() if p in UPPER_WORDS else p for p in word.split("/")]
        word = "/".join(parts)
        words.append(word[:1].upper() + word[1:] if k == 0 else word)
    return " ".join(words)


def num(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------- items
@dataclass(slots=True)
class Item:
    heading: str                 # as written, one line, before ': Upheld'
    fields: dict                 # gold fields except item_number, item_text, outcome, reviewer_guideline
    guide: str                   # GUIDES key
    family: str                  # RATIONALES key


def _fields(category: str, quantity=None, *, retro=False, service_date=None, drug=None, generic=None, drug_class=None,
            strength=None, original=None, refills=None) -> dict:
    return {"category": category, "retrospective": retro, "service_date": service_date, "drug": drug,
            "drug_generic": generic, "drug_class": drug_class, "strength": strength, "quantity": quantity,
            "original_quantity": original, "refills": refills}


def _strength(values, unit) -> dict | None:
    return None if values is None else {"values": list(values), "unit": unit}


# (cumulative probability, format) of the ways letters write a date
SERVICE_DATE_STYLES = ((0.5, "{m}/{d}/{yy}"), (0.8, "{mm}/{dd}/{yyyy}"), (1.0, "{m}/{d}/{yyyy}"))   # headings: '3/4/16'
INJURY_DATE_STYLES = ((0.35, "{mm}-{dd}-{yy}"), (0.6, "{mm}-{dd}-{yyyy}"), (0.8, "{m}/{d}/{yy}"),
                      (1.0, "{month} {d}, {yyyy}"))                                              # summaries: 'July 3, 2012'


def _date_text(rng: random.Random, d: dt.date, styles) -> str:
    """d written in one of the styles, chosen with their probabilities."""
    r = rng.random()
    fmt = next(f for p, f in styles if r < p)
    return fmt.format(m=d.month, d=d.day, mm=f"{d.month:02d}", dd=f"{d.day:02d}", yy=f"{d.year % 100:02d}",
                      yyyy=d.year, month=f"{d:%B}")


def _short_date(rng: random.Random, d: dt.date) -> str:
    """'3/4/16', '12/07/2016', '11/14/16' — how headings write dates of service."""
    return _date_text(rng, d, SERVICE_DATE_STYLES)


def _retro(rng: random.Random, heading: str, ctx: "Ctx", allow_dispensed: bool = True) -> tuple[str, bool, str | None]:
    """Wrap a heading as a retrospective request: (heading, retrospective, ISO service date)."""
    d = ctx.ur - dt.timedelta(days=rng.randint(10, 200))
    ds = _short_date(rng, d)
    r = rng.random()
    if r < 0.3:
        return f"Retrospective {heading} DOS: {ds}", True, d.isoformat()
    if r < 0.5:
        return f"Retrospective {heading} (DOS {ds})", True, d.isoformat()
    if r < 0.7:
        return f"Retrospective {heading}, per {ds} order", True, d.isoformat()
    if r < 0.8 and allow_dispensed:
        return f"Retrospective request for {heading} dispensed on {ds}", True, d.isoformat()
    if r < 0.85:
        return f"{heading} (DOS: {ds})", True, d.isoformat()
    if r < 0.9:
        return f"Retrospective {heading} (date of service {ds})", True, d.isoformat()
    return f"Retrospective {heading}", True, None


def _refill_text(rng: random.Random, n: int) -> str:
    r = rng.random()
    if r < 0.45:
        return f" with {n} refill{'s' if n > 1 else ''}"
    if r < 0.7:
        return f" with {NUMBER_WORDS[n]} refill{'s' if n > 1 else ''}"
    return f" x{n} refill{'s' if n > 1 else ''}"


def oral_item(rng: random.Random, ctx: "Ctx") -> Item:
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
    strength = _strength([num(v) for v in s.split("/")], unit)
    q = rng.choice(spec.counts)
    fields = dict(drug=drug, generic=generic, drug_class=drug_class, strength=strength)
    guide = spec.guide
    r = rng.random()
    if r < 0.09 and ctx.layout != "n2013":                 # partial authorization
        authorized = rng.choice([k for k in range(q // 6, q * 2 // 3 + 1) if k > 0])
        remaining = q - authorized
        pre = ""
        if rng.random() < 0.2:
            pre = "Retrospective "
            d = ctx.ur - dt.timedelta(days=rng.randint(10, 120))
            date = f"{d.month:02d}/{d.day:02d}/{d.year}"
            head = (f"{pre}{base} #{q}, per {date} order was the original request. {pre}{base} #{authorized}, per {date} "
                    f"order was authorized by the Claims Administrator. The remaining IMR eligible portion of the original "
                    f"request, {pre}{base} #{remaining}, per {date} order is")
            return Item(head, _fields("pharmaceutical", remaining, retro=True, service_date=d.isoformat(), original=q, **fields),
                        guide, "drug")
        head = (f"{base} #{q} was the original request. {base} #{authorized} was authorized by the Claims Administrator. "
                f"The remaining IMR eligible portion of the original request, {base} #{remaining} is")
        return Item(head, _fields("pharmaceutical", remaining, original=q, **fields), guide, "drug")
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
        head = f"{q} {rng.choice(('tablets', 'capsules'))} of {base}"
    elif r < 0.84 and not spec.form:
        head = f"{base} {rng.choice(('tab', 'tabs', 'tablets'))} #{q}"
    elif r < 0.87 and not spec.form:
        head = f"{base}, {rng.choice(('one tablet twice daily', 'one by mouth twice a day', 'one tablet at bedtime'))} #{q}"
    elif r < 0.90 and not spec.form:
        head = f"{base} {rng.choice(('1 PO BID', '1 PO TID PRN', 'one PO q8h prn', '1 tab every 8 hours as needed'))} #{q}"
    elif r < 0.97:
        head, quantity = base, None
    else:
        head, quantity, fields["strength"] = drug, None, None          # 'Post-op Zofran': the name alone
    if refills is not None and quantity is not None and head.endswith(f"#{q}") and rng.random() < 0.25:
        head = f"{NUMBER_WORDS[refills].capitalize()} refill{'s' if refills > 1 else ''} of {head}"
    elif refills is not None:
        head += _refill_text(rng, refills)
    retro, service_date = False, None
    refill_lead = " refill" in head[:12]
    if rng.random() < 0.1 and not refill_lead:
        head, retro, service_date = _retro(rng, head, ctx, allow_dispensed=quantity is not None)
    elif rng.random() < 0.03 and ctx.layout != "n2013" and not refill_lead:
        head = f"Post-op {head}"
    return Item(head, _fields("pharmaceutical", quantity, retro=retro, service_date=service_date, refills=refills, **fields),
                guide, "drug")


def topical_item(rng: random.Random, ctx: "Ctx") -> Item:
    t = rng.choice(TOPICALS)
    quantity = rng.choice(t.counts) if t.counts and rng.random() < 0.85 else None
    head = f"{t.text} #{quantity}" if quantity is not None else t.text
    fields = _fields("pharmaceutical", quantity, drug=t.drug, generic=t.generic, drug_class="topical_analgesic",
                     strength=_strength(t.strength, t.unit))
    if rng.random() < 0.12:
        head, fields["retrospective"], fields["service_date"] = _retro(rng, head, ctx)
    return Item(head, fields, t.guide, "topical")


def compound_item(rng: random.Random, ctx: "Ctx") -> Item:
    """'Flurbiprofen 20%/Baclofen 2%/Lidocaine 5% cream 180gm' — every ingredient with its percent."""
    parts = rng.sample(COMPOUND_INGREDIENTS, rng.choice((2, 2, 3, 3, 4)))
    strengths = [rng.choice(p[2]) for p in parts]
    head = "/".join(f"{p[0]} {s}%" for p, s in zip(parts, strengths))
    head += f" {rng.choice(COMPOUND_FORMS)} {rng.choice(CONTAINERS)}"
    quantity = None
    if rng.random() < 0.25:
        quantity = 1
        head += " #1"
    fields = _fields("pharmaceutical", quantity, drug=parts[0][0], generic="/".join(p[1] for p in parts),
                     drug_class="topical_analgesic", strength=_strength([num(s) for s in strengths], "%"))
    if rng.random() < 0.15:
        head, fields["retrospective"], fields["service_date"] = _retro(rng, head, ctx)
    return Item(head, fields, "compound", "compound")


def medical_food_item(rng: random.Random, ctx: "Ctx") -> Item:
    name = rng.choice(MEDICAL_FOODS)
    q = rng.choice((60, 90, 120))
    head = f"{written_name(name)} #{q}"
    return Item(head, _fields("pharmaceutical", q, drug=written_name(name), generic=name, drug_class="medical_food"),
                "medical_food", "drug")


# ---------------------------------------------------------------- non-drug items
SIDES = ("right", "left")
REGIONS = {
    "LB": ("lumbar spine", "low back", "lumbosacral spine"),
    "NECK": ("cervical spine", "neck"),
    "SH": ("right shoulder", "left shoulder"),
    "KNEE": ("right knee", "left knee"),
    "WRIST": ("right wrist", "left wrist", "right hand"),
    "ANKLE": ("right ankle", "left ankle", "left foot"),
}
THERAPIES = (("Physical therapy", "PT", 6), ("Occupational therapy", "PT", 1), ("Chiropractic treatment", "CHIRO", 2),
             ("Chiropractic therapy", "CHIRO", 1), ("Acupuncture", "ACUP", 2), ("Aquatic therapy", "AQUA", 1),
             ("Massage therapy", "PT", 1))


def _count_word(rng: random.Random, n: int, capital: bool = False) -> str:
    if n in NUMBER_WORDS and n != 1 and rng.random() < 0.6:
        word = NUMBER_WORDS[n]
        return word.capitalize() if capital else word
    return str(n)


def imaging_item(rng: random.Random, ctx: "Ctx") -> Item:
    region = rng.choice(("LB", "LB", "NECK", "NECK", "SH", "KNEE", "WRIST", "ANKLE"))
    part = rng.choice(REGIONS[region])
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
    fields = _fields("diagnostic", quantity)
    guide = "XRAY_LB" if head.startswith("X-rays") and region == "LB" else region
    return Item(head, fields, guide, "imaging")


def emg_item(rng: random.Random, ctx: "Ctx") -> Item:
    upper = rng.random() < 0.5
    limb = "upper" if upper else "lower"
    head = rng.choice((f"EMG/NCV of the bilateral {limb} extremities", f"NCV/EMG of the bilateral {limb} extremities",
                       f"EMG/NCS of the {rng.choice(SIDES)} {limb} extremity"))
    return Item(head, _fields("diagnostic"), "EMG_UP" if upper else "EMG_LOW", "emg")


def uds_item(rng: random.Random, ctx: "Ctx") -> Item:
    head = rng.choice(("Urine drug screen", "Urine drug testing", "Urine toxicology screen"))
    fields = _fields("diagnostic")
    if rng.random() < 0.35:
        head, fields["retrospective"], fields["service_date"] = _retro(rng, head[0].lower() + head[1:], ctx)
        head = head[0].upper() + head[1:]
    return Item(head, fields, "UDS", "uds")


def therapy_item(rng: random.Random, ctx: "Ctx") -> Item:
    name, guide, _ = rng.choices(THERAPIES, weights=[t[2] for t in THERAPIES])[0]
    category = "physical_medicine"
    part = rng.choice(REGIONS[rng.choice(tuple(REGIONS))])
    per, weeks = rng.choice(((2, 3), (2, 4), (2, 6), (3, 4), (3, 3), (1, 6), (2, 2), (3, 2)))
    prefix = "Additional " if rng.random() < 0.12 else ""
    shown = f"{prefix.strip()} {name[0].lower()}{name[1:]}" if prefix else name
    r = rng.random()
    if r < 0.1 and ctx.layout != "n2013":                                   # partial authorization in words
        total = per * weeks if per * weeks in NUMBER_WORDS else 12
        authorized = rng.choice([k for k in (2, 3, 4, 6) if k < total])
        remaining = total - authorized
        if rng.random() < 0.5:
            def phrase(n, capital):
                return f"{_count_word(rng, n, capital)} sessions of {name.lower()} for the {part}"
            head = (f"{phrase(total, True)} was the original request. {phrase(authorized, True)} was authorized by the "
                    f"Claims Administrator. The remaining IMR eligible portion of the original request, "
                    f"{phrase(remaining, True)} is")
        else:
            head = (f"{name} sessions for the {part}, #{total} was the original request. {name} sessions for the {part}, "
                    f"#{authorized} was authorized by the Claims Administrator. The remaining IMR eligible portion of the "
                    f"original request, {name} sessions for the {part}, #{remaining} is")
        return Item(head, _fields(category, remaining, original=total), guide, guide)
    if r < 0.40:
        freq = f"{_count_word(rng, per)} times a week for {_count_word(rng, weeks)} weeks"
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
            head = f"{_count_word(rng, total, True)} sessions of {shown.lower()} for the {part}"
        else:
            head = f"{shown} for the {part}, {total} sessions"
        return Item(head, _fields(category, quantity), guide, guide)
    elif r < 0.84:
        total = per * weeks
        quantity = total
        head = (f"{_count_word(rng, total, True)} sessions of {name.lower()} for the {part}, "
                f"{_count_word(rng, per)} times a week for {_count_word(rng, weeks)} weeks")
        return Item(head, _fields(category, quantity), guide, guide)
    elif r < 0.90 and name in ("Physical therapy", "Chiropractic treatment"):
        total = rng.choice((6, 8, 12))
        kind = "physical therapy visits" if name == "Physical therapy" else "chiropractic visits"
        return Item(f"{_count_word(rng, total, True)} {kind} for the {part}", _fields(category, total), guide, guide)
    else:
        return Item(f"{shown} for the {part}", _fields(category), guide, guide)
    order = rng.random()
    if order < 0.5:
        head = f"{shown} {freq} for the {part}"
    elif order < 0.8:
        head = f"{shown} for the {part}, {freq}"
    else:
        head = f"{shown} for the {part} {freq}"
    return Item(head, _fields(category, quantity), guide, guide)


def dme_item(rng: random.Random, ctx: "Ctx") -> Item:
    side = rng.choice(SIDES)
    choices = (
        ("TENS unit", None, "TENS"), ("TENS unit purchase", None, "TENS"),
        (f"TENS unit purchase for the {rng.choice(REGIONS['LB'])}", None, "TENS"), ("TENS unit, 30 day rental", None, "TENS"),
        ("Lumbar support", None, "BRACE_LB"), ("Lumbar brace", None, "BRACE_LB"), ("LSO back brace", None, "BRACE_LB"),
        (f"Hinged knee brace for the {side} knee", None, "BRACE_KNEE"), ("Wrist braces #2", 2, "BRACE_WRIST"),
        (f"{side.capitalize()} wrist brace", None, "BRACE_WRIST"), ("Cervical pillow", None, "PILLOW"),
        ("Cold therapy unit, 7 day rental", None, "COLD"), ("Hot/cold therapy unit purchase", None, "COLD"),
        ("Front wheeled walker", None, "WALKER"), ("1 knee scooter", 1, "WALKER"),
    )
    head, quantity, guide = rng.choice(choices)
    fields = _fields("dmepos", quantity)
    if guide == "TENS" and rng.random() < 0.15:
        head, fields["retrospective"], fields["service_date"] = _retro(rng, head, ctx, allow_dispensed=False)
    return Item(head, fields, guide, "dme")


def injection_item(rng: random.Random, ctx: "Ctx") -> Item:
    side = rng.choice(SIDES)
    lv = rng.choice(("L4-5", "L5-S1", "L4-L5", "L3-L4"))
    head, guide = rng.choice((
        (f"{side.capitalize()} {lv} transforaminal epidural steroid injection under fluoroscopic guidance", "ESI"),
        ("Lumbar epidural steroid injection at L4-L5 and L5-S1", "ESI"),
        (f"{side.capitalize()} {lv} transforaminal epidural steroid injection", "ESI"),
        ("Cervical epidural steroid injection at C5-C6", "ESI"),
        (f"Bilateral {lv} medial branch block", "FACET"),
        (f"Radiofrequency ablation at {side} L3-L4 and L4-L5", "FACET"),
        (f"{side.capitalize()} knee cortisone injection", "INJ_KNEE"),
        (f"{side.capitalize()} greater trochanteric bursa injection", "INJ_HIP"),
        ("Trigger point injections", "TPI"),
    ))
    return Item(head, _fields("injection"), guide, "injection")


def visit_item(rng: random.Random, ctx: "Ctx") -> Item:
    part = rng.choice(REGIONS[rng.choice(("LB", "NECK", "SH", "KNEE"))])
    head, category, guide, quantity = rng.choice((
        (f"Orthopedic consultation for the {part}", "evaluation_management", "VISIT", None),
        ("Pain management consultation", "evaluation_management", "VISIT", None),
        ("Follow-up visit with pain management", "evaluation_management", "VISIT", None),
        ("Neurology consultation", "evaluation_management", "VISIT", None),
        (f"Spine surgery consultation for the {rng.choice(REGIONS['LB'])}", "evaluation_management", "VISIT", None),
        ("Functional capacity evaluation", "evaluation_management", "FCE", None),
        ("Psychological evaluation", "behavioral_health", "PSYCH", None),
        ("Cognitive behavioral therapy, 6 sessions", "behavioral_health", "CBT", 6),
        ("Six sessions of cognitive behavioral therapy", "behavioral_health", "CBT", 6),
        ("Biofeedback, 6 sessions", "behavioral_health", "BIOFEEDBACK", 6),
        ("Functional restoration program", "program", "FRP", None),
        ("Weight loss program", "program", "WEIGHT", None),
        ("Transportation to and from medical appointments", "home_health", "TRANSPORT", None),
        ("Home health aide assistance", "home_health", "HOMEHEALTH", None),
    ))
    return Item(head, _fields(category, quantity), guide, "visit")


def surgery_item(rng: random.Random, ctx: "Ctx") -> Item:
    side = rng.choice(SIDES)
    head, quantity, guide = rng.choice((
        (f"{side.capitalize()} knee arthroscopy with partial medial meniscectomy", None, "SURG_KNEE"),
        (f"Arthroscopy of the {side} knee", None, "SURG_KNEE"),
        (f"{side.capitalize()} shoulder arthroscopic subacromial decompression", None, "SURG_SH"),
        (f"{side.capitalize()} carpal tunnel release", None, "SURG_CTR"),
        ("L5-S1 microdiscectomy", None, "SURG_LB"),
        ("Associated surgical service: Cold therapy unit, 7 day rental", None, "COLD"),
        ("Associated surgical service: Physical therapy, times 12", 12, "POSTOP_PT"),
        ("Associated surgical service: Front wheeled walker", None, "WALKER"),
        ("Associated surgical service: Pre-operative medical clearance", None, "PREOP"),
        ("Associated surgical service: Assistant surgeon", None, "NONE"),
        ("Post-op physical therapy 12 sessions", 12, "POSTOP_PT"),
        ("Post-operative physical therapy two times a week for six weeks", 12, "POSTOP_PT"),
        ("Pre-op clearance", None, "PREOP"),
        ("Assistant surgeon", None, "NONE"),
    ))
    if ctx.layout == "n2013" and head.startswith("Associated"):
        head = head.split(": ", 1)[1] if "Physical" not in head else "Post-op physical therapy 12 sessions"
        if head.startswith(("Cold", "Front")):
            return dme_item(rng, ctx)
    return Item(head, _fields("surgery", quantity), guide, "surgery")


# (maker, weight): drug-heavy
MAKERS = ((oral_item, 46), (topical_item, 5), (compound_item, 7), (medical_food_item, 2), (imaging_item, 9),
          (emg_item, 3), (uds_item, 3), (therapy_item, 10), (dme_item, 5), (injection_item, 4), (visit_item, 5),
          (surgery_item, 4))


# ---------------------------------------------------------------- prose
BOILERPLATE = """HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no
affiliation with the employer, employee, providers or the claims administrator. He/she has been
in active clinical practice for more than five years and is currently working at least 24 hours a
week in active practice. The expert reviewer was selected based on his/her clinical experience,
education, background, and expertise in the same or similar specialties that evaluate and/or treat
the medical condition and disputed items/Service. He/she is familiar with governing laws and
regulations, including the strength of evidence hierarchy that applies to Independent Medical
Review determinations.""".split("\n")
SUMMARY_INTRO = ["CLINICAL CASE SUMMARY",
                 "The expert reviewer developed the following clinical case summary based on a review of the",
                 "case file, including all medical records:"]
DECISIONS_INTRO = ["IMR ISSUES, DECISIONS AND RATIONALES",
                   "The Final Determination was based on decisions for the disputed items/services set forth below:"]
SPECIALTIES = ("Family Practice", "Orthopedic Surgery", "Internal Medicine", "Anesthesiology", "Pain Medicine",
               "Physical Medicine & Rehabilitation", "Pain Management", "Occupational Medicine", "Sports Medicine",
               "Neurology", "Psychiatry", "Emergency Medicine", "Preventive Medicine", "Chiropractor", "Acupuncturist")
NOTICE_BOARDS = (("Anesthesiology", "Pain Medicine"), ("Family Medicine", None), ("Orthopedic Surgery", None),
                 ("Physical Medicine & Rehabilitation", "Pain Medicine"), ("Neurology", "Clinical Neurophysiology"),
                 ("Internal Medicine", None), ("Preventive Medicine", "Occupational Medicine"))
STATE_WEIGHTS = {"California": 30, "Texas": 3, "New York": 3, "Florida": 3, "Arizona": 2, "Nevada": 2, "Oregon": 2,
                 "Washington": 2, "Ohio": 2, "Pennsylvania": 2, "Illinois": 2, "Maryland": 2, "North Carolina": 2,
                 "New Jersey": 1, "Massachusetts": 1, "Colorado": 1, "Utah": 1, "Michigan": 1, "Georgia": 1,
                 "Virginia": 1, "New Mexico": 1, "Delaware": 1, "Wisconsin": 1, "Tennessee": 1}
OCCUPATIONS = ("warehouse worker", "school custodian", "delivery driver", "registered nurse", "auto mechanic",
               "grocery clerk", "correctional officer", "carpenter", "landscaper", "office assistant", "truck driver",
               "home health aide", "machine operator", "cook", "electrician")
MECHANISMS = ("while lifting a box of files onto a shelf", "when {he} slipped on a wet floor and fell onto {his} back",
              "when {he} stepped off a loading dock and twisted {his} knee", "while pulling a pallet jack",
              "when a carton fell and struck the neck and shoulder", "from repetitive keyboarding and lifting",
              "while transferring a patient from a wheelchair", "in a motor vehicle accident while on duty",
              "when a ladder shifted and {he} fell about six feet", "while unloading drywall from a truck")
DIAGNOSES = ("lumbar sprain", "lumbar disc protrusion with radiculopathy", "cervical strain", "cervical radiculopathy",
             "right shoulder impingement", "left knee medial meniscus tear", "bilateral carpal tunnel syndrome",
             "chronic pain syndrome", "myofascial pain", "lumbar facet arthropathy", "insomnia", "anxiety and depression",
             "left ankle sprain", "thoracic strain", "right lateral epicondylitis")
TREATMENTS = ("physical therapy", "chiropractic care", "acupuncture", "a home exercise program", "activity modification",
              "an epidural steroid injection", "oral and topical medications", "a TENS unit trial", "modified duty",
              "psychotherapy", "a lumbar brace", "trigger point injections")
FINDINGS = ("tenderness over the lumbar paraspinal muscles with decreased range of motion",
            "a positive straight leg raise on the left at 45 degrees",
            "tenderness of the cervical paraspinal and upper trapezius muscles with spasm",
            "a positive Neer and Hawkins sign with reduced abduction", "medial joint line tenderness and a trace effusion",
            "decreased sensation in the median nerve distribution and a positive Phalen test",
            "an antalgic gait and guarding", "normal strength and reflexes in the lower extremities")
GLUE_WORDS = ("the", "and", "of", "with", "to", "for", "in", "on")

RATIONALES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # family: (sentences for a denial that stands, sentences for one that is overturned)
    "drug": (("The guidelines support continued use only when pain relief and functional improvement are documented at each visit.",
              "The records report the same pain level at every visit and do not identify an activity that improved with the medication.",
              "There is no recent urine drug screen, signed agreement or review of adverse effects in the records submitted.",
              "The medication has been taken well beyond the short course the guidelines recommend.",
              "No indication for this medication is described in the progress notes provided for review."),
             ("The records document a measurable reduction in pain and an improvement in function with this medication.",
              "The prescribing physician monitors for adverse effects and the dose is within the recommended range.",
              "The worker has returned to modified duty and reports better sleep and walking tolerance.",
              "The indication is documented and the quantity requested is consistent with the guideline recommendations.")),
    "topical": (("Topical analgesics are largely experimental and are recommended mainly for neuropathic pain after first-line agents have failed.",
                 "There is no documentation of a trial of an antidepressant or anticonvulsant.",
                 "The area of use and the frequency of application are not specified."),
                ("The worker has localized peripheral neuropathic pain and has failed a trial of first-line oral agents.",
                 "The records document decreased pain and improved function with the topical product.")),
    "compound": (("Any compounded product that contains at least one drug or drug class that is not recommended is not recommended.",
                  "Topical muscle relaxants and topical gabapentin are not recommended, and lidocaine is supported only as the dermal patch.",
                  "There is no evidence that oral medications were not tolerated."),
                 ("The worker cannot tolerate oral anti-inflammatory medication and the compound contains only supported ingredients.",)),
    "imaging": (("Imaging is recommended when unequivocal objective findings identify specific nerve compromise or red flags.",
                 "The examination does not show a focal neurologic deficit and no red flag condition is suspected.",
                 "The worker has not completed a course of conservative care and surgery is not being considered."),
                ("The worker has a progressive neurologic deficit that has persisted despite conservative care.",
                 "The findings suggest a tear that would change management, and surgery is being considered.")),
    "emg": (("Electrodiagnostic testing is not needed when radiculopathy is already clinically obvious.",
             "The examination is neurologically normal and the symptoms have lasted less than four weeks."),
            ("The worker has numbness and weakness in a nerve distribution for more than a month.",
             "The studies would distinguish a peripheral nerve entrapment from a radiculopathy.")),
    "uds": (("The worker was tested within the last three months with consistent results and is at low risk of misuse.",),
            ("Drug testing is recommended to monitor adherence in patients on opioid therapy, and no prior screen is on file.",)),
    "PT": (("The worker has already completed more visits than the guidelines allow and should continue a home exercise program.",
            "There is no documentation of functional improvement from the prior course of therapy."),
           ("The guidelines allow nine to ten visits over eight weeks for myalgia and radiculitis.",
            "The worker has a new objective deficit and has not had therapy for this condition.")),
    "CHIRO": (("Manual therapy is recommended for a trial of six visits, with further visits only when functional improvement is documented.",
               "The prior chiropractic course produced no objective functional gain."),
              ("A trial of six visits over two weeks is supported for chronic low back pain.",)),
    "ACUP": (("Acupuncture treatments may be extended only if functional improvement is documented.",
              "The worker completed a prior course without a reduction in medication use."),
             ("Acupuncture is an option when pain medication is reduced or not tolerated, as in this case.",)),
    "AQUA": (("Aquatic therapy is recommended where reduced weight bearing is desirable, and no such need is documented.",),
             ("The worker is extremely obese and cannot tolerate land-based therapy.",)),
    "dme": (("The equipment is not supported by the guidelines for this condition.",
             "A one-month trial with documented benefit has not been completed.",
             "There is no documentation of instability or of a condition the device would treat."),
            ("The device is appropriate for home use and addresses a documented deficit.",
             "A trial was completed with reduced medication use and improved function.")),
    "injection": (("Radiculopathy must be documented on examination and corroborated by imaging or electrodiagnostic testing.",
                   "The prior injection did not provide at least fifty percent relief for six to eight weeks."),
                  ("Radicular findings on examination are corroborated by the imaging study.",
                   "The injection is intended to support participation in an active therapy program.")),
    "visit": (("The records do not identify a question that the requested service would answer.",
               "The reason for the request and how it would change treatment are not described."),
              ("The need for the visit is individualized and the worker's condition and medications call for reassessment.",
               "The worker has a complex condition that would benefit from specialist input.")),
    "surgery": (("Surgical consideration requires clear clinical and imaging evidence of a lesion shown to benefit from surgery.",
                 "The worker has not completed a full course of conservative care.",
                 "As the primary procedure is not medically necessary, the associated service is not either."),
                ("The worker has failed conservative care and the examination and imaging show a surgical lesion.",
                 "As the surgery is medically necessary, the associated service is appropriate.")),
}


# ---------------------------------------------------------------- letters
@dataclass(slots=True)
class Ctx:
    layout: str                  # 'y2016' | 'y2015' | 'n2013'
    ur: dt.date                  # UR denial date


@dataclass(frozen=True, slots=True)
class SynthLetter:
    name: str                    # file name: SYN-<seed>-<i>.txt|.pdf
    lines: tuple[str, ...]       # the letter's lines (what a PDF shows)
    text: str                    # the .txt content (2015: newlines doubled for some)
    gold: dict


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap like the letters' own: each line ends with one space; never after a '-'."""
    words = text.split()
    lines: list[str] = []
    cur: list[str] = []
    size = 0
    for w in words:
        if cur and size + 1 + len(w) > width and not cur[-1].endswith("-"):
            lines.append(" ".join(cur) + " ")
            cur, size = [w], len(w)
        else:
            size += len(w) + (1 if cur else 0)
            cur.append(w)
    if cur:
        lines.append(" ".join(cur) + " ")
    return lines


def _date(d: dt.date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def _mdy(d: dt.date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def _injury_text(rng: random.Random, d: dt.date) -> str:
    return _date_text(rng, d, INJURY_DATE_STYLES)


def _states(rng: random.Random) -> list[str]:
    names = list(STATE_WEIGHTS)
    out: list[str] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        s = rng.choices(names, weights=[STATE_WEIGHTS[n] for n in names])[0]
        if s not in out:
            out.append(s)
    return out


@cache
def state_codes() -> dict[str, str]:
    return {row["name"]: row["code"] for row in read_rows("states")}


def _summary(rng: random.Random, ctx: Ctx, age: int, sex: str, injury: dt.date, items: list[Item], notice: bool) -> list[str]:
    """The case summary as sentences; the first one holds age, sex and the date of injury."""
    he, his = ("he", "his") if sex == "male" else ("she", "her")
    doi = _injury_text(rng, injury)
    if notice:
        first = f"The patient is a {age} year-old {sex} with a date of injury of {_mdy(injury)}."
    else:
        first = rng.choice((
            f"The injured worker is a {age} year old {sex} who sustained an industrial injury on {doi}.",
            f"The injured worker is a {age} year old {sex}, who sustained an industrial injury on {doi}.",
            f"This {age} year old {sex} sustained an industrial injury on {doi}.",
            f"The injured worker is a {age} year old {sex} {rng.choice(OCCUPATIONS)} who sustained an industrial injury on {doi}.",
        ))
    diagnoses = rng.sample(DIAGNOSES, rng.choice((2, 3)))
    treatments = rng.sample(TREATMENTS, 3)
    requested = [it.heading for it in items[:3]]
    sentences = [
        first,
        f"The injury occurred {rng.choice(MECHANISMS).format(he=he, his=his)}." if rng.random() < 0.7 else
        f"{he.capitalize()} works as a {rng.choice(OCCUPATIONS)}.",
        f"The injured worker was diagnosed with {', '.join(diagnoses[:-1])} and {diagnoses[-1]}.",
        f"Treatment to date has included {treatments[0]}, {treatments[1]} and {treatments[2]}.",
        f"At the most recent visit {he} reported pain rated {rng.randint(4, 9)} out of 10, and examination showed "
        f"{rng.choice(FINDINGS)}.",
        f"The treating physician requested {'; '.join(requested)}.",
        f"On {_mdy(ctx.ur)}, Utilization Review non-certified the requests.",
    ]
    if notice:
        glued = []
        for s in sentences[1:]:
            if rng.random() < 0.35:
                words = s.split(" ")
                spots = [k for k in range(1, len(words) - 1) if words[k] in GLUE_WORDS]
                if spots:
                    k = rng.choice(spots)
                    words[k:k + 2] = [words[k] + words[k + 1]]
                    s = " ".join(words)
            glued.append(s)
        sentences = [sentences[0], *glued]
    return sentences


def _rationale(rng: random.Random, item: Item, outcome: str) -> list[str]:
    deny, grant = RATIONALES.get(item.family, RATIONALES["visit"])
    pool = deny if outcome == "upheld" else grant
    return rng.sample(pool, min(len(pool), rng.choice((1, 2, 2, 3))))


def _closer(item: Item, outcome: str, notice: bool, rng: random.Random) -> str:
    subject = f"the request for {item.heading}" if len(item.heading) < 70 else "the request"
    if notice:
        neg = "" if outcome == "overturned" else rng.choice(("notmedically", "not medically", "notmedically"))
        return f"The {subject[4:]} is {neg or 'medically'} necessary and appropriate."
    return f"Therefore, {subject} is {'not ' if outcome == 'upheld' else ''}medically necessary."


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
        board, sub = rng.choice(NOTICE_BOARDS)
        letter.update(case_number=case, date_assigned=assigned.isoformat(), decision_date=decision.isoformat(),
                      ur_denial_date=ur.isoformat(), application_received=received.isoformat(),
                      reviewer_specialties=[board] + ([sub] if sub else []))
        lines = _notice_lines(rng, ctx, width, case, decision, ur, received, assigned, injury, age, sex, items, outcomes,
                              cites, states, board, sub)
    else:
        specialties = rng.sample(SPECIALTIES[:13], rng.choice((1, 1, 2, 2, 3)))
        letter["reviewer_specialties"] = specialties
        priority = "Expedited" if rng.random() < 0.05 else "Standard"
        header: list[str] = []
        if layout == "y2016":
            letter.update(case_number=case, date_assigned=assigned.isoformat(), decision_date=decision.isoformat(),
                          ur_denial_date=ur.isoformat(), application_received=received.isoformat(), priority=priority)
            doi_line = (f"Date Assigned: {_date(assigned)} Date of Injury:  {_date(injury)} ",) if rng.random() < 0.85 else \
                (f"Date Assigned: {_date(assigned)} Date of Injury:  ", f"{_date(injury)} ")
            header = [" ", f"Case Number: {case}  ", *doi_line,
                      f"Decision Date: {_date(decision)} UR Denial Date:  {_date(ur)} ",
                      f"Priority:  {priority} Application ", "Received:  ", f"{_date(received)} ", " "]
        lines = header + _final_lines(rng, ctx, width, age, sex, injury, items, outcomes, cites, states, specialties)
        if layout == "y2015":
            lines[0] = " " + lines[0]
    gold = {"file": name, "letter": letter, "items": gold_items}
    text = ("\n\n" if layout == "y2015" and rng.random() < 0.5 else "\n").join(lines) + "\n"
    return SynthLetter(name, tuple(lines), text, gold)


def _final_lines(rng, ctx, width, age, sex, injury, items, outcomes, cites, states, specialties) -> list[str]:
    """2014-15 and 2016+ 'Final Determination' body, from the title to the last rationale."""
    out = [line + " " for line in BOILERPLATE] + [" ", "The Expert Reviewer has the following credentials: "]
    sep = "," if rng.random() < 0.2 else ", "
    out += wrap(f"State(s) of Licensure: {sep.join(states)}", width if rng.random() < 0.9 else 36)
    out += wrap(f"Certification(s)/Specialty: {', '.join(specialties)}", width if rng.random() < 0.9 else 48)
    out += [" "] + [line + " " for line in SUMMARY_INTRO] + [" "]
    out += wrap(" ".join(_summary(rng, ctx, age, sex, injury, items, notice=False)), width)
    out += [" "] + [line + " " for line in DECISIONS_INTRO] + [" "]
    colon = ":  " if ctx.layout == "y2015" and rng.random() < 0.6 else ": "
    for item, outcome, (claims, maximus, _) in zip(items, outcomes, cites):
        if rng.random() < 0.03:                      # the outcome alone on the next line
            out += wrap(f"{item.heading}:", width) + [f"{outcome.capitalize()} "]
        else:
            out += wrap(f"{item.heading}{colon}{outcome.capitalize()}", width)
        out += [" "] + wrap(f"Claims Administrator guideline: {claims}", width)
        out += [" "] + wrap(f"MAXIMUS guideline: {maximus}", width)
        rationale = " ".join(_rationale(rng, item, outcome) + [_closer(item, outcome, False, rng)])
        out += [" "] + wrap(f"Decision rationale: {rationale}", width) + [" "]
    return out + ["  "]


def _notice_lines(rng, ctx, width, case, decision, ur, received, assigned, injury, age, sex, items, outcomes, cites,
                  states, board, sub) -> list[str]:
    """2013 'Notice of Independent Medical Review Determination', with page furniture."""
    def determinations() -> list[str]:
        lines = []
        for k, (item, outcome) in enumerate(zip(items, outcomes), start=1):
            neg = "" if outcome == "overturned" else ("notmedically" if rng.random() < 0.75 else "not medically")
            verdict = f"is {neg or 'medically'} necessary and appropriate."
            lines += wrap(f"{k}) MAXIMUS Federal Services, Inc. has determined the request for {item.heading} {verdict}",
                          width)
        return [line.rstrip() for line in lines]

    states_text = states[0] if len(states) == 1 else f"{', '.join(states[:-1])} and {states[-1]}"
    qualification = (f"The independent Medical Doctor who made the decision has no affiliation with the employer, employee, "
                     f"providers or the claims administrator. The physician reviewer is Board Certified in {board}"
                     + (f", has a subspecialty in {sub}" if sub else "") +
                     f" and is licensed to practice in {states_text}. He/she has been in active clinical practice for more "
                     f"than five years and is currently working at least 24 hours a week in active practice. The Expert "
                     f"Reviewer was selected based on his/her clinical experience, education, background, and expertise in "
                     f"the same or similar specialties that evaluate and/or treat the medical condition and treatments "
                     f"and/or services in dispute.")
    first = determinations()
    second = determinations()
    lines = ["MAXIMUS FEDERAL SERVICES, INC.", "Independent Medical Review", "P.O. Box 138009",
             "Sacramento, CA 95813-8009", "Fax: (916) 605-4270", "Notice of Independent Medical Review Determination",
             f"Dated: {_mdy(decision)}", "[Redacted]", "[Redacted]", "Employee: [Redacted]", "Claim Number: [Redacted]",
             f"Date of UR Decision: {_mdy(ur)}", f"Date of Injury: {_mdy(injury)}",
             f"IMR Application Received: {_mdy(received)}", f"MAXIMUS Case Number: {case}"]
    if rng.random() < 0.5:
        first[-1] += " INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE"
        lines += first
    else:
        lines += first + ["INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE"]
    lines += [line.rstrip() for line in wrap(
        f"An application for Independent Medical Review was filed on {_mdy(received)} disputing the Utilization Review "
        f"Denial dated {_mdy(ur)}. A Notice of Assignment and Request for Information was provided to the above parties on "
        f"{_mdy(assigned)}. A decision has been made for each of the treatment and/or services that were in dispute:", width)]
    lines += second + ["Medical Qualifications of the Expert Reviewer:"]
    lines += [line.rstrip() for line in wrap(qualification, width)]
    lines += ["Case Summary:"]
    lines += [line.rstrip() for line in wrap(" ".join(_summary(rng, ctx, age, sex, injury, items, notice=True)), width)]
    lines += ["Documents Reviewed for Determination:", f"- Application for Independent Medical Review dated {_mdy(received)}",
              f"- Utilization Review Determination from [Redacted] dated {_mdy(ur)}",
              "- Medical Treatment Utilization Schedule (MTUS)"]
    for k, (item, outcome, (claims, maximus, _)) in enumerate(zip(items, outcomes, cites), start=1):
        body = [f"{k}) Regarding the request for {item.heading}:", "Medical Treatment Guideline(s) Used by the Claims Administrator:",
                claims, "Medical Treatment Guideline(s) Used by the Expert Reviewer:", maximus, "Rationale for the Decision:",
                " ".join(_rationale(rng, item, outcome) + [_closer(item, outcome, True, rng)])]
        for paragraph in body:
            lines += [line.rstrip() for line in wrap(paragraph, width)]
    lines += [line.rstrip() for line in wrap(
        "This determination is final and binding on all parties. Under California Labor Code section 4610.6(h), it may be "
        "appealed only by filing a verified appeal with the Workers' Compensation Appeals Board within 30 days of the date "
        "of mailing of this determination, and only on the grounds set out in that section.", width)]
    lines += ["Sincerely,", "[Redacted], MD, MPH", "Medical Director",
              "cc: Department of Industrial Relations, Division of Workers' Compensation", "[Redacted]"]
    pages = -(-len(lines) // NOTICE_PAGE_LINES)
    out: list[str] = []
    for p in range(pages):
        out += lines[p * NOTICE_PAGE_LINES:(p + 1) * NOTICE_PAGE_LINES]
        out.append(f"Page {p + 1} of {pages}")
        if p + 1 < pages:
            out.append(case)
    return out


# ---------------------------------------------------------------- files
def pdf_bytes(lines: tuple[str, ...] | list[str]) -> bytes:
    """The lines as a letter-size PDF in core Helvetica (fpdf2; a fixed creation date keeps the bytes stable)."""
    from fpdf import FPDF

    pdf = FPDF(format="letter", unit="pt")
    pdf.set_creation_date(PDF_DATE)
    pdf.set_margins(40, 40, 40)
    pdf.set_auto_page_break(True, 40)
    pdf.add_page()
    pdf.set_font("Helvetica", size=PDF_FONT_SIZE)
    for line in lines:
        pdf.cell(0, PDF_LINE_HEIGHT, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def generate(n: int, out: Path, seed: int = 0, pdf_fraction: float = 0.0, start: int = 0) -> int:
    """Write letters start..start+n-1 of `seed` into out/ and their gold labels into out/gold/; returns n."""
    out = Path(out)
    gold_dir = out / "gold"
    gold_dir.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        letter = build_letter(seed, i, pdf_fraction)
        path = out / letter.name
        if letter.name.endswith(".pdf"):
            path.write_bytes(pdf_bytes(letter.lines))
        else:
            path.write_bytes(letter.text.encode("ascii"))
        (gold_dir / f"{path.stem}.json").write_bytes((json.dumps(letter.gold, indent=2) + "\n").encode("ascii"))
    return n


@click.command("synth")
@click.option("--n", "n", type=click.IntRange(min=1), required=True, help="Number of letters to write.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output directory: letters, plus gold/ with their labels (GOLD_SPEC format).")
@click.option("--seed", type=int, default=0, show_default=True, help="Letter i is drawn from Random((seed << 32) + i).")
@click.option("--pdf-fraction", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Share of letters written as PDFs (fpdf2, a test extra).")
def synth(n: int, out: Path, seed: int, pdf_fraction: float) -> None:
    """Write N synthetic IMR letters with their ground-truth labels."""
    if pdf_fraction > 0:
        try:
            import fpdf  # noqa: F401
        except ImportError:
            raise click.ClickException("--pdf-fraction needs fpdf2 (pip install -e '.[test]')") from None
    written = generate(n, out, seed=seed, pdf_fraction=pdf_fraction)
    click.echo(f"wrote {written} letters to {out} (labels in {out / 'gold'})")
