"""Shared fixtures: where ../shared is (tests that need it skip cleanly without it), built datasets."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
LETTERS = Path(__file__).resolve().parent / "letters"


def shared(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


@pytest.fixture(scope="session")
def seed_dataset(tmp_path_factory) -> Path:
    """The default dataset (data/raw) built once into a temporary DATA directory."""
    from pipeline.build import build

    data = tmp_path_factory.mktemp("seed-data")
    build(ROOT / "data" / "raw", data, jobs=1)
    return data


@pytest.fixture(scope="session")
def default_data(seed_dataset) -> Path:
    return seed_dataset


@pytest.fixture(scope="session")
def empty_data(tmp_path_factory) -> Path:
    """A dataset whose only input is an empty file: no letters, one reject."""
    from pipeline.build import build

    tmp = tmp_path_factory.mktemp("empty")
    (tmp / "raw").mkdir()
    (tmp / "raw" / "empty.txt").write_bytes(b"")
    build(tmp / "raw", tmp / "data", jobs=1)
    return tmp / "data"


@pytest.fixture(scope="session")
def example_data(tmp_path_factory) -> Path:
    """One example row per table (schemas/codes/examples.csv): joins, unnests, dates, MME all return rows."""
    from pipeline.dictionary import example_frame
    from pipeline.load import write_database
    from pipeline.parts import write_parts
    from schemas.tables import TABLES

    data = tmp_path_factory.mktemp("examples")
    write_parts(data / "parquet", "00000", {table: example_frame(table) for table in TABLES})
    write_database(data / "imr.duckdb", data / "parquet")
    return data


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    """An empty RAW directory holding a copy of one good fixture letter."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(LETTERS / "y2016_basic.txt", raw / "good.txt")
    return raw
