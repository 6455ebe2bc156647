"""The one declaration of every column of every table (pandera, polars backend).

The Arrow schema written to Parquet, the DuckDB views and their column comments, the data
dictionary and the validation of each batch are all derived from these models.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from schemas.pandera_polars import pa
import polars as pl

from schemas.codes import document_ids, usps_states, vocabulary

PARTITION_COLUMN = "decision_year"

# Plausible values. A nullable column's range checks are also what `pipeline.validate.null_implausible` applies:
# a value outside them is nulled (and reported as an `implausible_value` reject), the row lands.
FIRST_IMR_DATE = dt.date(2013, 1, 1)       # IMR began with UR decisions of July 2013; nothing of it is older
FIRST_INJURY_DATE = dt.date(1950, 1, 1)    # an injury may be decades old (a worker in their 70s), not older
LAST_DATE = dt.date.today() + dt.timedelta(days=365)   # today + 1 year, at import: later is a misread year
AGE_RANGE = (14, 100)                      # California's youngest working age (with a permit) to a misread


def bound_text(value) -> str:
    """A bound as the docs write it: LAST_DATE moves every day, so it is named, not printed."""
    return "today + 1 year" if value == LAST_DATE else str(value)


def _dated(description: str, first: dt.date = FIRST_IMR_DATE):
    """A nullable date column whose plausible values lie between `first` and LAST_DATE."""
    return pa.Field(nullable=True, ge=first, le=LAST_DATE, description=description)
DOCUMENT_ID = ("Canonical id of the cited document (schemas/codes/guideline_documents.csv, matched by the words of "
               "its aliases, years and editions aside): every way of writing the Chronic Pain Medical Treatment "
               "Guidelines is 'mtus_chronic_pain', each ACOEM chapter has its own id; null for a document the table lacks.")
CHAPTER = ("The chapter of an ODG citation (its first section, without 'Chapter' or '(updated …)': 'Pain (Chronic)'), "
           "or of an ACOEM Practice Guidelines citation that names the chapter after the title; else null.")
SOURCE_PATH = ("Path of the input file, relative to the RAW directory, '/'-separated; a name that is not valid UTF-8 "
               "is stored escaped: each undecodable byte as `\\xHH`, a literal backslash as `\\\\` (README, Reading rejects).")
INGREDIENT = pl.Struct({"name": pl.String, "strength": pl.Float64, "unit": pl.String})


class Letters(pa.DataFrameModel):
    """One row per IMR determination letter."""

    letter_id: str = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$",
                              description="Stable id: 16 hex digits of the SHA-256 of the letter's normalised text with all whitespace removed "
                                          "(case, digits and punctuation kept): the PDF and the text of one letter share it, different letters never do.")
    source_path: str = pa.Field(description=SOURCE_PATH)
    sha256: str = pa.Field(str_length=64, description="SHA-256 of the input file's bytes.")
    layout: str = pa.Field(isin=vocabulary("layout"), description="Which letter layout the text was parsed as.")
    case_number: Optional[str] = pa.Field(nullable=True, str_matches=r"^CM\d{2}-\d{7}$",
                                          description="MAXIMUS case number, e.g. 'CM16-0213037'; null when the letter has no header.")
    date_assigned: Optional[dt.date] = _dated("Date the case was assigned to MAXIMUS.")
    date_of_injury: Optional[dt.date] = _dated("Date of the industrial injury (header, else the case summary).", FIRST_INJURY_DATE)
    decision_date: Optional[dt.date] = _dated("Date of the final determination.")
    ur_denial_date: Optional[dt.date] = _dated("Date of the utilization-review denial under dispute.")
    application_received: Optional[dt.date] = _dated("Date the IMR application was received.")
    priority: Optional[str] = pa.Field(nullable=True, isin=vocabulary("priority"), description="Review priority.")
    reviewer_licensure: list[str] = pa.Field(description="States where the expert reviewer is licensed, USPS codes in letter order.")
    reviewer_specialties: list[str] = pa.Field(description="Board certifications / specialties of the expert reviewer, as written.")
    patient_age: Optional[int] = pa.Field(nullable=True, ge=AGE_RANGE[0], le=AGE_RANGE[1], description="Injured worker's age from the case summary.")
    patient_sex: Optional[str] = pa.Field(nullable=True, isin=vocabulary("patient_sex"), description="Injured worker's sex from the case summary.")
    n_items: int = pa.Field(ge=0, description="Number of disputed items decided in the letter.")
    decision_year: Optional[int] = pa.Field(nullable=True, description="Year of decision_date; the Parquet partition key (null → __HIVE_DEFAULT_PARTITION__).")

    @pa.check("reviewer_licensure", name="usps_states")
    @classmethod
    def _licensure_codes(cls, data) -> pl.LazyFrame:
        """Every element a USPS code of schemas/codes/states.csv (a list column has no isin)."""
        return data.lazyframe.select(pl.col(data.key).list.eval(pl.element().is_in(usps_states())).list.all())

    class Config:
        strict = True
        coerce = True


class Items(pa.DataFrameModel):
    """One row per disputed item (treatment or service) of a determination letter."""

    letter_id: str = pa.Field(description="The letter this item belongs to (letters.letter_id).")
    item_number: int = pa.Field(ge=1, description="Order of the item's decision heading in the letter, from 1.")
    item_text: str = pa.Field(description="The decision heading before ': Upheld' / ': Overturned', whitespace folded.")
    outcome: str = pa.Field(isin=vocabulary("outcome"), description="Reviewer's decision on the UR denial.")
    category: str = pa.Field(isin=vocabulary("category"), description="DWC treatment category, from schemas/codes/categories.csv.")
    retrospective: bool = pa.Field(description="True when the request is retrospective (a past date of service).")
    service_date: Optional[dt.date] = _dated("Date of service of a retrospective request ('DOS 3/4/15').")
    drug: Optional[str] = pa.Field(nullable=True, description="Drug name as written in the heading, up to the strength; null when not a drug.")
    drug_generic: Optional[str] = pa.Field(nullable=True, description="Lowercase generic ingredients joined by '/'; null for a drug missing from the lexicon.")
    drug_class: Optional[str] = pa.Field(nullable=True, isin=vocabulary("drug_class"), description="Therapeutic class of the drug.")
    strength_values: Optional[list[float]] = pa.Field(nullable=True, description="Strength figures as written: '10/325mg' → [10, 325].")
    strength_unit: Optional[str] = pa.Field(nullable=True, description="Unit of strength_values: mg, mcg, mcg/hr, %, g, ml, mg/ml, units.")
    ingredients: Optional[pl.List(INGREDIENT)] = pa.Field(
        nullable=True, description="Generic ingredients in the order written, each with its own strength and unit "
        "('Norco 10/325mg' → hydrocodone 10 mg, acetaminophen 325 mg; a brand's fixed composition from "
        "schemas/codes/drug_compositions.csv: LidoPro); strength null when the heading's figures cannot be paired; null when drug_generic is.")
    quantity: Optional[int] = pa.Field(nullable=True, ge=0, description="Count of units or visits under review: '#90' → 90; partial authorizations: the remaining portion.")
    quantity_unit: Optional[str] = pa.Field(nullable=True, isin=vocabulary("quantity_unit"),
                                            description="What quantity counts (the word written next to it, schemas/codes/quantity_units.csv; 'unit' when none is written); null when quantity is.")
    original_quantity: Optional[int] = pa.Field(nullable=True, ge=0, description="Partial authorizations only: the original request's count.")
    authorized_quantity: Optional[int] = pa.Field(nullable=True, ge=0, description="Partial authorizations only: the count the claims administrator authorized (original_quantity = authorized_quantity + quantity).")
    request_text: str = pa.Field(description="The request under review in short: a partial authorization's remaining portion ('Norco 10/325mg #35'), else the heading.")
    volume_ml: Optional[float] = pa.Field(nullable=True, ge=0, description="Volume of a liquid written without '#' ('420 ml'), in ml; quantity stays null for it.",
                                          metadata={"unit": "ml"})
    refills: Optional[int] = pa.Field(nullable=True, ge=0, description="Number of refills requested: 'with 3 refills' → 3.")
    frequency: Optional[str] = pa.Field(nullable=True, description="Dosing frequency when the heading states it ('BID', 'twice daily').")
    days_supply: Optional[int] = pa.Field(nullable=True, ge=0, description="Days of supply when the heading states it ('30 day supply').")
    mme_factor: Optional[float] = pa.Field(nullable=True, ge=0, description="Morphine-milligram-equivalent factor of the opioid ingredient's formulation (schemas/codes/opioid_mme.csv: CDC 2022, per mg, per mcg/hr of a patch per day of wear, …).")
    total_mme: Optional[float] = pa.Field(nullable=True, ge=0, description="MME of the whole quantity under review: strength × mme_factor × wear days of a patch × quantity (× ml for a per-ml solution); 'Fentanyl patch 25mcg/hr #10' → 1800.",
                                          metadata={"unit": "MME (mg of oral morphine)"})
    daily_mme: Optional[float] = pa.Field(nullable=True, ge=0, description="MME a day: one unit's MME × doses a day of the frequency (one unit a dose; schemas/codes/dosing_frequencies.csv), else total_mme / days_supply; null when the heading gives neither.",
                                          metadata={"unit": "MME per day"})
    guideline_source: str = pa.Field(isin=vocabulary("guideline_source"), description="Source of the reviewer's first cited guideline.")
    guideline_document: Optional[str] = pa.Field(nullable=True, description="Reviewer's first cited document, as written without 'Decision based on'.")
    guideline_document_id: Optional[str] = pa.Field(nullable=True, isin=document_ids(), description=DOCUMENT_ID)
    guideline_chapter: Optional[str] = pa.Field(nullable=True, description=CHAPTER)
    guideline_sections: list[str] = pa.Field(description="Sections of that document ('Section(s): A, B' → [A, B]).")
    guideline_pages: list[int] = pa.Field(description="Pages of that document, ranges expanded ('74-96, 124').")
    rationale: Optional[str] = pa.Field(nullable=True, description="The decision rationale text, whitespace folded.")
    decision_year: Optional[int] = pa.Field(nullable=True, description="Year of the letter's decision_date; the Parquet partition key.")

    class Config:
        strict = True
        coerce = True
        unique = ["letter_id", "item_number"]


class Citations(pa.DataFrameModel):
    """One row per guideline document cited for an item, by the claims administrator or the reviewer."""

    letter_id: str = pa.Field(description="The letter (letters.letter_id).")
    item_number: int = pa.Field(ge=1, description="The item (items.item_number).")
    cited_by: str = pa.Field(isin=vocabulary("cited_by"), description="Whose guideline line the citation comes from.")
    citation_number: int = pa.Field(ge=1, description="Order of the document within that line, from 1.")
    source: str = pa.Field(isin=vocabulary("guideline_source"), description="MTUS, ODG, ACOEM, other or none.")
    document: Optional[str] = pa.Field(nullable=True, description="Document as written, without 'Decision based on'.")
    document_id: Optional[str] = pa.Field(nullable=True, isin=document_ids(), description=DOCUMENT_ID)
    chapter: Optional[str] = pa.Field(nullable=True, description=CHAPTER)
    sections: list[str] = pa.Field(description="Sections cited in that document.")
    pages: list[int] = pa.Field(description="Pages cited in that document, ranges expanded.")
    text: str = pa.Field(description="The citation as written, whitespace folded.")

    class Config:
        strict = True
        coerce = True
        unique = ["letter_id", "item_number", "cited_by", "citation_number"]


class Rejects(pa.DataFrameModel):
    """One row per input file, letter or item that could not go into the dataset, with why."""

    source_path: str = pa.Field(description=SOURCE_PATH + " An unlistable folder ends in '/'.")
    letter_id: Optional[str] = pa.Field(nullable=True, description="The letter, when the reject is an item of a letter that landed, or a duplicate.")
    item_number: Optional[int] = pa.Field(nullable=True, description="The item, for item-level rejects.")
    field: Optional[str] = pa.Field(nullable=True, description="The column whose implausible value was nulled (reason implausible_value); "
                                    "null for every other reject. A file-level reject has item_number and field null.")
    stage: str = pa.Field(isin=vocabulary("reject_stage"), description="Pipeline stage that rejected it.")
    reason: str = pa.Field(isin=vocabulary("reject_reason"), description="Reason code.")
    detail: str = pa.Field(description="Human-readable detail (the failing check, the kept duplicate, the error).")

    class Config:
        strict = True
        coerce = True


TABLES: dict[str, type[pa.DataFrameModel]] = {
    "letters": Letters, "items": Items, "citations": Citations, "rejects": Rejects,
}
PARTITIONED = {"letters", "items"}


def polars_schema(model: type[pa.DataFrameModel]) -> pl.Schema:
    """The polars schema (column order = declaration order) of a table model."""
    return pl.Schema({name: col.dtype.type for name, col in model.to_schema().columns.items()})


def describe(col) -> str:
    """A column's description, with its unit (Field metadata 'unit') when it has one."""
    unit = (col.metadata or {}).get("unit")
    return f"{col.description or ''} Unit: {unit}." if unit else col.description or ""


def descriptions(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """{column: description with unit} of a table model."""
    return {name: describe(col) for name, col in model.to_schema().columns.items()}
