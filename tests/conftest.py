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


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    """An empty RAW directory holding a copy of one good fixture letter."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(LETTERS / "y2016_basic.txt", raw / "good.txt")
    return raw
