"""Guideline lines → citations (table-driven, plus hypothesis)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.guidelines import expand_pages, parse_citations, split_sections

ODG_PREFIX = ("The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines. "
              "Decision based on Non-MTUS Citation ")


@pytest.mark.parametrize("line, source, document, sections, pages", [
    ("Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies.",
     "MTUS", "Shoulder Complaints 2004", ("Special Studies",), ()),
    ("Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): NSAIDs, GI symptoms & "
     "cardiovascular risk, Proton Pump Inhibitors (PPIs).",
     "MTUS", "Chronic Pain Medical Treatment 2016",
     ("NSAIDs, GI symptoms & cardiovascular risk", "Proton Pump Inhibitors (PPIs)"), ()),
    ("Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): TENS, chronic pain "
     "(transcutaneous electrical nerve stimulation).",
     "MTUS", "Chronic Pain Medical Treatment 2016", ("TENS, chronic pain (transcutaneous electrical nerve stimulation)",), ()),
    ("Decision based on MTUS Acupuncture Treatment 2007.", "MTUS", "Acupuncture Treatment 2007", (), ()),
    (ODG_PREFIX + "Official Disability Guidelines (ODG) Knee & Leg, Durable medical equipment (DME).",
     "ODG", "Official Disability Guidelines (ODG)", ("Knee & Leg", "Durable medical equipment (DME)"), ()),
    (ODG_PREFIX + "Official Disability Guidelines (ODG) Knee and Leg (Durable medical equipment (DME)).",
     "ODG", "Official Disability Guidelines (ODG)", ("Knee and Leg", "Durable medical equipment (DME)"), ()),
    (ODG_PREFIX + "Official Disability Guidelines (ODG) Carpal Tunnel Syndrome (Acute & Chronic) and Other "
     "Medical Treatment Guidelines AANEM Recommended Policy.",
     "ODG", "Official Disability Guidelines (ODG)", ("Carpal Tunnel Syndrome (Acute & Chronic)",), ()),
    (ODG_PREFIX + "ACOEM Hip and Groin Chapter/Diagnostic and treatment recommendations.",
     "ACOEM", "ACOEM", ("Hip and Groin Chapter", "Diagnostic and treatment recommendations"), ()),
    (ODG_PREFIX + "Low Back (Hyperstimulation analgesia).", "ODG", None, ("Low Back", "Hyperstimulation analgesia"), ()),
    ("The Expert Reviewer did not cite any medical evidence for its decision.", "none", None, (), ()),
    ("Decision based on MTUS Chronic Pain Treatment Guidelines benzodiazepines Page(s): 24.",
     "MTUS", "Chronic Pain Treatment Guidelines", ("benzodiazepines",), (24,)),
    ("Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 74-76, 124.",
     "MTUS", "Chronic Pain Treatment Guidelines", ("Opioids",), (74, 75, 76, 124)),
    ("The Expert Reviewer based his/her decision on the Chronic Pain Medical Treatment Guidelines, Opioids, "
     "pages 74-76, which is part of the MTUS.",
     "MTUS", "Chronic Pain Medical Treatment Guidelines", ("Opioids",), (74, 75, 76)),
    ("The Expert Reviewer based his/her decision on the ACOEM Practice Guidelines, 2nd Edition (2004), Low Back "
     "Complaints Chapter, Special Studies, pages 303-304, which is part of the MTUS.",
     "MTUS", "ACOEM Practice Guidelines, 2nd Edition (2004)", ("Low Back Complaints Chapter", "Special Studies"), (303, 304)),
    ("The Expert Reviewer based his/her decision on the Official Disability Guidelines (ODG), Low Back Chapter, "
     "MRIs (magnetic resonance imaging), which is not part of the MTUS.",
     "ODG", "Official Disability Guidelines (ODG)", ("Low Back Chapter", "MRIs (magnetic resonance imaging)"), ()),
])
def test_first_citation(line, source, document, sections, pages):
    first = parse_citations(line)[0]
    assert (first.source, first.document, first.sections, first.pages) == (source, document, sections, pages)


def test_several_documents_in_one_line():
    line = ("Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special Studies, and Forearm, "
            "Wrist, and Hand Complaints 2004, Section(s): Special Studies. Decision based on Non-MTUS Citation "
            "Official Disability Guidelines (ODG) Neck, MRI.")
    got = [(c.source, c.document) for c in parse_citations(line)]
    assert got == [("MTUS", "Neck and Upper Back Complaints 2004"),
                   ("MTUS", "Forearm, Wrist, and Hand Complaints 2004"),
                   ("ODG", "Official Disability Guidelines (ODG)")]


@pytest.mark.parametrize("text, pages", [
    ("74-96, 124", tuple(range(74, 97)) + (124,)), ("24", (24,)), ("68-69", (68, 69)), ("5-1", (5, 1)),
])
def test_expand_pages(text, pages):
    assert expand_pages(text) == pages


@pytest.mark.parametrize("text, sections", [
    ("Muscle relaxants (for pain), Cyclobenzaprine (Flexeril)", ("Muscle relaxants (for pain)", "Cyclobenzaprine (Flexeril)")),
    ("Opioids, criteria for use", ("Opioids, criteria for use",)),
    ("Knee, Forearm, Wrist, & Hand", ("Knee", "Forearm, Wrist, & Hand")),
    ("326, Diagnostic Criteria", ("326", "Diagnostic Criteria")),          # GOLD_SPEC: a bare number is a section
    ("Guidelines", ()),                                                    # the document's name is not a section
    ("MTUS Guidelines, Opioids", ("Opioids",)),
    ("ACOEM Practice Guidelines, Special Studies", ("Special Studies",)),
    ("Physical Therapy Guidelines", ("Physical Therapy Guidelines",)),     # an ODG topic named '... Guidelines' stays
])
def test_split_sections(text, sections):
    assert split_sections(text) == sections


@given(st.text(max_size=300))
def test_citation_parser_never_raises(line):
    assert parse_citations(line)
