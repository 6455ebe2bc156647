"""Cited documents → canonical ids and chapters (schemas/codes/guideline_documents.csv)."""
import pytest

from pipeline.extract.documents import documents, identify
from pipeline.extract.guidelines import parse_citations
from schemas.codes import document_ids


@pytest.mark.parametrize("source, document, sections, doc_id, chapter", [
    # one document, written many ways
    ("MTUS", "Chronic Pain Medical Treatment Guidelines", (), "mtus_chronic_pain", None),
    ("MTUS", "MTUS Chronic Pain Medical Treatment Guidelines (May 2009)", (), "mtus_chronic_pain", None),
    ("MTUS", "CA MTUS 2009 Chronic Pain Medical Treatment Guidelines", (), "mtus_chronic_pain", None),
    ("MTUS", "Chronic Pain Medical Treatment 2016", ("Opioids, criteria for use",), "mtus_chronic_pain", None),
    ("MTUS", "Chronic Pain Treatment Guidelines", (), "mtus_chronic_pain", None),
    ("MTUS", "Opioid Treatment 2016", ("1.4 Opioids for Acute Pain",), "mtus_opioid_treatment", None),
    ("MTUS", "Acupuncture Medical Treatment Guidelines", (), "mtus_acupuncture", None),
    ("MTUS", "Postsurgical Treatment 2009", ("Knee",), "mtus_postsurgical", None),
    # the ACOEM chapters of the MTUS, each its own document
    ("MTUS", "Low Back Complaints 2004", ("Special Studies",), "acoem_low_back", None),
    ("MTUS", "Neck and Upper Back Complaints 2004", (), "acoem_neck_upper_back", None),
    ("MTUS", "Shoulder Complaints 2004", (), "acoem_shoulder", None),
    ("MTUS", "Knee Complaints 2004", (), "acoem_knee", None),
    ("MTUS", "Elbow Complaints 2007", (), "acoem_elbow", None),
    ("ACOEM", "ACOEM Elbow Disorders", (), "acoem_elbow", None),
    ("MTUS", "Forearm, Wrist, and Hand Complaints 2004", (), "acoem_forearm_wrist_hand", None),
    ("MTUS", "Forearm, Wrist, & Hand Complaints", (), "acoem_forearm_wrist_hand", None),
    ("MTUS", "Ankle and Foot Complaints 2004", (), "acoem_ankle_foot", None),
    ("MTUS", "Stress-Related Conditions 2004", (), "acoem_stress", None),
    ("MTUS", "Stress Related Conditions", (), "acoem_stress", None),
    ("MTUS", "Independent Medical Examinations and Consultations", (), "acoem_ime", None),
    ("MTUS", "Pain, Suffering, and the Restoration of Function Chapter", (), "acoem_pain_suffering", None),
    ("other", "American College of Occupational and Environmental Medicine (ACOEM) Pain, Suffering, and the "
              "Restoration of Function Chapter", (), "acoem_pain_suffering", None),
    ("MTUS", "General Approaches 2004", (), "acoem_general_approaches", None),
    # the chapter written as the first section
    ("MTUS", "ACOEM Practice Guidelines, 2nd Edition (2004)", ("Low Back Complaints", "Special Studies"),
     "acoem_low_back", "Low Back Complaints"),
    ("MTUS", "ACOEM Practice Guidelines, 2nd Edition (2004)", ("Special Studies",), "acoem_practice_guidelines", None),
    ("ACOEM", "ACOEM", ("Hip and Groin Chapter", "Diagnostic"), "acoem_hip_groin", "Hip and Groin"),
    ("ODG", "Official Disability Guidelines (ODG)", ("Pain (Chronic)", "Opioids"), "odg", "Pain (Chronic)"),
    ("ODG", "Official Disability Guidelines (ODG)", ("Low Back Chapter", "MRI"), "odg", "Low Back"),
    ("ODG", "Official Disability Guidelines (ODG)", ("Shoulder (updated 12/12/16)",), "odg", "Shoulder"),
    ("ODG", None, ("Neck and Upper Back",), "odg", "Neck and Upper Back"),
    ("ODG", "Official Disability Guidelines (ODG)", (), "odg", None),
    # other publications
    ("other", "Milliman Care Guidelines 20th Edition", (), "milliman_care_guidelines", None),
    ("other", "FDA (Food and Drug Administration)", (), None, None),
    ("other", "AAOS Shoulder guideline", (), None, None),          # not an ACOEM chapter: no ACOEM named
    ("none", None, (), None, None),
])
def test_identify(source, document, sections, doc_id, chapter):
    assert identify(source, document, sections) == (doc_id, chapter)


@pytest.mark.parametrize("line", [
    "Decision based on MTUS Chronic Pain Medical Treatment Guidelines, Section(s): Opioids",
    "MTUS Chronic Pain Medical Treatment Guidelines (May 2009) Opioids Page(s): 74-96.",
    "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Opioids, criteria for use",
    "The Expert Reviewer based his/her decision on the Chronic Pain Medical Treatment Guidelines, Opioids, "
    "pages 74-96, which is part of the MTUS.",
])
def test_spellings_of_one_document_share_an_id(line):
    c = parse_citations(line)[0]
    assert identify(c.source, c.document, c.sections)[0] == "mtus_chronic_pain"


def test_document_table_is_consistent():
    ids = document_ids()
    assert len(ids) == len(set(ids))
    assert all(d.aliases and all(d.aliases) for d in documents())
