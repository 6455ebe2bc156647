"""Quantities with units: quantity_unit, authorized_quantity, request_text and volume_ml of a heading."""
import pytest

from pipeline.extract import drugs
from pipeline.extract.items import authorized, quantities, request_text
from pipeline.extract.units import quantity_unit, volume_ml

PARTIAL = ("Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the Claims "
           "Administrator. The remaining IMR eligible portion of the original request, Norco 10/325mg #35 is")


@pytest.mark.parametrize("heading, unit", [
    ("Norco 10/325mg #90", "unit"),                          # no unit written: an oral drug's units
    ("Norco 10/325mg 60 tablets", "tablet"),
    ("Cyclobenzaprine 5mg tab #30", "tablet"),
    ("Gabapentin 300mg capsules #90", "capsule"),
    ("Fentanyl patch 25mcg/hr #10", "patch"),
    ("Fentanyl 25mcg/hr #10", "patch"),                      # a mcg/hr strength is a patch
    ("Flector 1.3% #60 grams", "gram"),
    ("Norco 10/325mg #90, 30 day supply", "unit"),           # 'day' is not a drug's unit
    ("Twelve sessions of physical therapy", "session"),
    ("Six physical therapy visits", "visit"),
    ("Physical therapy 3 times a week for 4 weeks", "visit"),
    ("Home health aide x 8 hours", "hour"),
    ("1 knee scooter", "unit"),
    ("MRI of the lumbar spine", None),                       # no quantity, no unit
])
def test_quantity_unit(heading, unit):
    drug = drugs.find_drug(heading)
    quantity, _ = quantities(heading, drug is not None)
    strength_unit = drug.strength.unit if drug and drug.strength else None
    assert quantity_unit(heading, quantity, drug is not None, strength_unit) == unit


@pytest.mark.parametrize("heading, quantity, original, authorized_, short", [
    (PARTIAL, 35, 60, 25, "Norco 10/325mg #35"),
    ("Norco 10/325mg #90", 90, None, None, "Norco 10/325mg #90"),
    ("Physical therapy 12 visits was the original request, leaving the original request IMR eligible",
     12, 12, None, "Physical therapy 12 visits"),
])
def test_partial_authorization(heading, quantity, original, authorized_, short):
    assert quantities(heading, False) == (quantity, original)
    assert authorized(quantity, original, heading) == authorized_
    assert request_text(heading) == short


@pytest.mark.parametrize("text, ml", [
    ("Methadone 10mg/ml 420 ml #1", 420.0),
    ("Fanatrex 25mg/ml oral suspension 420ml", 420.0),
    ("Dicopanol 5mg/ml oral suspension, 150ml", 150.0),
    ("Hydrocodone 5mg/5ml", None),                           # a per-5-ml strength, not a volume
    ("Ondansetron 4mg/ml", None),
    ("Norco 10/325mg #90", None),
])
def test_volume_ml(text, ml):
    assert volume_ml(text) == ml
