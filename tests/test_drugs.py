"""Headings → drug, strength, quantity, refills, MME (table-driven, plus hypothesis)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import drugs
from pipeline.extract.items import quantities, service


@pytest.mark.parametrize("heading, name, generic, drug_class", [
    ("Xanax 0.5 mg #90", "Xanax", ("alprazolam",), "benzodiazepine"),
    ("Norco 10/325mg #140", "Norco", ("hydrocodone", "acetaminophen"), "opioid"),
    ("Orphenadrine Citrate ER 100mg tabs #30", "Orphenadrine Citrate ER", ("orphenadrine",), "muscle_relaxant"),
    ("Voltaren gel 1% #3", "Voltaren", ("diclofenac",), "topical_analgesic"),
    ("Diclofenac sodium 3% 300mg/g #1", "Diclofenac sodium", ("diclofenac",), "topical_analgesic"),
    ("Post-op Percocet 5/325mg", "Percocet", ("oxycodone", "acetaminophen"), "opioid"),
    ("Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16", "Cyclobenzaprine", ("cyclobenzaprine",), "muscle_relaxant"),
    ("Flurbiprofen 20%/Lidocaine 5% cream 180gm", "Flurbiprofen", ("flurbiprofen", "lidocaine"), "topical_analgesic"),
    ("Hydrocodone/APAP 10/325mg #60", "Hydrocodone/APAP", ("hydrocodone", "acetaminophen"), "opioid"),
    ("Cyclobenzapine 7.5mg #60", "Cyclobenzapine", ("cyclobenzaprine",), "muscle_relaxant"),   # fuzzy
    ("30 tablets of Tramadol ER 150mg", "Tramadol ER", ("tramadol",), "opioid"),
    ("Zorvexa 10mg #30", "Zorvexa", (), None),                                                  # unknown drug
])
def test_find_drug(heading, name, generic, drug_class):
    drug = drugs.find_drug(heading)
    assert drug is not None
    assert (drug.name, drug.generic, drug.drug_class) == (name, generic, drug_class)


@pytest.mark.parametrize("heading", [
    "MRI of the right shoulder without contrast",
    "Twelve acupuncture visits with Capsaicin patch, 2 times weekly for 6 weeks",
    "Urine drug screen",
    "TENS unit, daily trial, cervical and thoracic spine, #30",
])
def test_not_a_drug(heading):
    assert drugs.find_drug(heading) is None


@pytest.mark.parametrize("heading, values, unit", [
    ("Norco 10/325mg #140", (10.0, 325.0), "mg"),
    ("Percocet 5/325 #60", (5.0, 325.0), "mg"),
    ("Fentanyl patch 25mcg/hr #10", (25.0,), "mcg/hr"),
    ("Fanatrex 25mg/ml oral suspension 420ml", (25.0,), "mg/ml"),
    ("Lidopro 4%-27.5%-0.0325% 121gm #1", (4.0, 27.5, 0.0325), "%"),
    ("Terocin lotion 120ml", None, None),
])
def test_strength(heading, values, unit):
    drug = drugs.find_drug(heading)
    got = (drug.strength.values, drug.strength.unit) if drug and drug.strength else (None, None)
    assert got == (values, unit)


@pytest.mark.parametrize("heading, quantity, original", [
    ("Xanax 0.5mg #60 with 3 refills", 60, None),
    ("Omeprazole 20mg QTY: 60", 60, None),
    ("Tizanidine 4mg x 60", 60, None),
    ("Omeprazole 20mg (unknown quantity)", None, None),
    ("Acupuncture 3 times a week for 2 weeks, neck", 6, None),
    ("Physical therapy 2-3 times a week for 6 weeks", 18, None),
    ("Initial acupuncture, 1 to 2 times per week for 4 weeks, for the neck", 8, None),
    ("Physical therapy 2x4 for the lumbar spine", 8, None),
    ("Twelve sessions of physical therapy for the right shoulder, three times a week for four weeks", 12, None),
    ("Four sessions of physical therapy two times a week times 2 weeks", 4, None),
    ("Associated surgical service: Physical therapy, times 12", 12, None),
    ("Post-op physical therapy 12-18 sessions", 18, None),
    ("1 knee scooter", 1, None),
    ("Associated surgical service: Vascutherm unit, 14 days rental", None, None),
    ("Standard wheelchair for a 3 month rental", None, None),
    ("Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the Claims "
     "Administrator. The remaining IMR eligible portion of the original request, Norco 10/325mg #35 is", 35, 60),
])
def test_quantities(heading, quantity, original):
    assert quantities(heading, drugs.find_drug(heading) is not None) == (quantity, original)


@pytest.mark.parametrize("heading, refills", [
    ("Xanax 0.5mg #60 with 3 refills", 3),
    ("Prilosec 20mg #60 with two refills", 2),
    ("Xanax 1mg #30 x2 refills", 2),
    ("Two refills of Ambien 10mg #30", 2),
    ("Pantoprazole 40mg #60 with one refill", 1),
    ("Norco 10/325mg #140", None),
])
def test_refills(heading, refills):
    assert drugs.refills(heading) == refills


@pytest.mark.parametrize("heading, retrospective, date", [
    ("Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16", True, "2016-11-14"),
    ("Retrospective E-stim (DOS 12/29/16)", True, "2016-12-29"),
    ("Urine drug screen dispensed on 5/12/16", True, "2016-05-12"),
    ("Cyclobenzaprine 7.5mg #60, per 12/07/2016 order", True, "2016-12-07"),
    ("MRI of the lumbar spine", False, None),
])
def test_retrospective(heading, retrospective, date):
    got_retro, got_date = service(heading)
    assert (got_retro, got_date.isoformat() if got_date else None) == (retrospective, date)


@pytest.mark.parametrize("heading, quantity, volume, factor, total, daily", [
    ("Norco 10/325mg #140", 140, None, 1.0, 1400.0, None),                 # tablet: mg × factor × count
    ("Oxycodone 15mg #90", 90, None, 1.5, 2025.0, None),
    ("Oxycodone 15mg 1 tab q6h #90", 90, None, 1.5, 2025.0, 90.0),           # q6h: 4 tablets a day
    ("Tramadol 50mg BID #60", 60, None, 0.2, 600.0, 20.0),
    ("Norco 10/325mg #90, 30 day supply", 90, None, 1.0, 900.0, 30.0),       # total / days' supply
    ("Norco 5/325mg one tablet twice daily 14 days #40", 40, None, 1.0, 200.0, 10.0),   # the sig beats the days
    ("Tylenol with codeine 300/30mg #60", 60, None, 0.15, 270.0, None),
    ("Dilaudid 4mg #120", 120, None, 5.0, 2400.0, None),
    ("Methadone 10mg #90", 90, None, 4.7, 4230.0, None),
    ("Nucynta 50mg #60", 60, None, 0.4, 1200.0, None),
    ("Opana ER 10mg #60", 60, None, 3.0, 1800.0, None),
    ("Fentanyl patch 25mcg/hr #10", 10, None, 2.4, 1800.0, None),            # × 3 days of wear per patch
    ("Fentanyl patch 25mcg/hr q72h #10", 10, None, 2.4, 1800.0, 60.0),
    ("Butrans 10mcg/hr #4", 4, None, 12.6, 3528.0, None),                    # × 7 days of wear per patch
    ("Belbuca 150mcg #60", 60, None, 0.03, 270.0, None),                     # buccal film, per mcg
    ("Suboxone 8mg/2mg #30", 30, None, None, None, None),                    # OUD: no factor
    ("Methadone 10mg/ml 420 ml", None, 420.0, 4.7, 19740.0, None),           # per-ml solution × volume
    ("Xanax 1mg #60", 60, None, None, None, None),
])
def test_mme(heading, quantity, volume, factor, total, daily):
    assert drugs.mme(drugs.find_drug(heading), quantity, volume) == drugs.Mme(factor, total, daily)


@pytest.mark.parametrize("heading, ingredients", [
    ("Norco 10/325mg #90", [("hydrocodone", 10.0, "mg"), ("acetaminophen", 325.0, "mg")]),
    ("Retrospective Lidopro 4%-27.5%-0.0325% 121gm #1",
     [("capsaicin", 0.0325, "%"), ("lidocaine", 4.5, "%"), ("menthol", 10.0, "%"), ("methyl salicylate", 27.5, "%")]),
    ("LidoPro cream 121gm", [("capsaicin", 0.0325, "%"), ("lidocaine", 4.5, "%"), ("menthol", 10.0, "%"),
                             ("methyl salicylate", 27.5, "%")]),
    ("Flurbiprofen 20%/Lidocaine 5% cream 180gm", [("flurbiprofen", 20.0, "%"), ("lidocaine", 5.0, "%")]),
    ("Ketoprofen 10%, cyclobenzaprine 3%, lidocaine 5% cream",
     [("ketoprofen", 10.0, "%"), ("cyclobenzaprine", 3.0, "%"), ("lidocaine", 5.0, "%")]),
    ("Xanax 1mg #60", [("alprazolam", 1.0, "mg")]),
    ("Norco #90", [("hydrocodone", None, None), ("acetaminophen", None, None)]),     # nothing to pair
])
def test_ingredients_pair_with_their_strengths(heading, ingredients):
    assert [(i.name, i.strength, i.unit) for i in drugs.find_drug(heading).ingredients] == ingredients


@given(st.text(max_size=200))
def test_heading_parsers_never_raise(heading):
    drug = drugs.find_drug(heading)
    quantities(heading, drug is not None)
    drugs.refills(heading)
    service(heading)
    drugs.mme(drug, 10, 100.0)
