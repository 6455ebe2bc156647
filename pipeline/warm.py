"""Imported by the worker server after pipeline.batch (pipeline.workers.PRELOAD): what each worker would
otherwise do on its first batch is done once, before the workers fork, and shared by them: a small letter
is extracted and its rows gathered (the category rules' screens, the lexicon and code tables), and
pandera's check backends for polars are registered: ~0.3 s of CPU per worker. pyarrow on its first
conversion and pandera on its first check look for pandas, and pandera's check backends for hypothesis
(its data strategies, 70 ms to import): both are kept absent then, so the worker server imports neither
(pyarrow and pandera remember the answer; nothing a worker runs needs pandas or a strategy).

Nothing here may run polars (the Arrow schemas come from polars, so they stay cold): forking a process
whose polars thread pool has started deadlocks the child.
"""
from __future__ import annotations

import polars as pl
import pyarrow as pa
from pandera.backends.register_checks import register_default_check_backends

from pipeline.extract.letter import extract_letter
from pipeline.ingest import letter_from_bytes
from pipeline.rows import BatchRows
from schemas.pandera_polars import absent

# A 2016-layout letter with a drug item and a treatment item (the category rules), each with its citations
# (an invented case).
LETTER = """\
Case Number: CM16-0000001 Date Assigned: 01/04/2016
Date of Injury: 03/02/2012 Decision Date: 02/01/2016
UR Denial Date: 12/01/2015 Priority: Standard
Application Received: 12/15/2015
HOW THE IMR FINAL DETERMINATION WAS MADE
The expert reviewer has the following credentials:
State(s) of Licensure: California
Certification(s)/Specialty: Internal Medicine
CLINICAL CASE SUMMARY
The injured worker is a 50 year old male who reported an injury on 03/02/2012.
IMR ISSUES, DECISIONS AND RATIONALES
Norco 10/325mg #60: Upheld
Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines, page 78.
MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines, Opioids, page 78.
Decision rationale: The request is not medically necessary.
Physical therapy 2 times a week for 4 weeks for the lumbar spine: Overturned
Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines, page 98-99.
MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines, Physical Medicine, page 98-99.
Decision rationale: The request is medically necessary.
"""


def warm() -> None:
    """Never fails: a warm-up that goes wrong must not take the worker server down (the workers then warm up on
    their first batch, which tests/test_light_imports.py notices)."""
    try:
        letter = letter_from_bytes("warm.txt", LETTER.encode())
        BatchRows().add_letter(letter, extract_letter(letter.text))
        with absent("pandas", "hypothesis"):
            pa.array([0])
            register_default_check_backends(pl.LazyFrame)
    except Exception:  # noqa: BLE001 - a speed-up only
        pass


warm()
