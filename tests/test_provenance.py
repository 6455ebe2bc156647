"""Reproducible builds: requirements.lock agrees with pyproject.toml and is what is installed; the manifest
records the versions that built the data; the extractor version covers every module that decides rows."""
from __future__ import annotations

import json
import re
import tomllib
from importlib.metadata import distributions, requires, version

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import pipeline
from pipeline.build import build
from pipeline.cli import main
from pipeline.provenance import library_versions, version_drift
from tests.conftest import ROOT

LOCK = (ROOT / "requirements.lock").read_text()
ENTRIES = re.split(r"^(?=[A-Za-z0-9])", LOCK, flags=re.M)[1:]    # one pinned package each, with its hashes and 'via'
LOCKED = {canonicalize_name(name): Version(v) for name, v in (e.split(" ", 1)[0].split("==") for e in ENTRIES)}
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = [Requirement(r) for r in (*PYPROJECT["project"]["dependencies"],
                                    *PYPROJECT["project"]["optional-dependencies"]["test"])]
DECLARED = [*RUNTIME, *map(Requirement, PYPROJECT["build-system"]["requires"])]
RELOCK = "pyproject.toml and requirements.lock disagree: run `make lock`"


def _extra_requirements(requirement: Requirement) -> list[str]:
    """Names that the requirement's extras (pandera[polars]) bring in, from the installed metadata."""
    found = []
    for line in requires(requirement.name) or []:
        dep = Requirement(line)
        if dep.marker and any(dep.marker.evaluate({"extra": extra}) for extra in requirement.extras) \
                and not dep.marker.evaluate({"extra": ""}):
            found.append(canonicalize_name(dep.name))
    return found


@pytest.mark.parametrize("requirement", DECLARED, ids=str)
def test_every_declared_requirement_is_locked_at_a_version_it_allows(requirement):
    name = canonicalize_name(requirement.name)
    assert name in LOCKED, f"{requirement} is not locked; {RELOCK}"
    assert requirement.specifier.contains(LOCKED[name], prereleases=True), \
        f"{requirement} does not allow the locked {LOCKED[name]}; {RELOCK}"
    assert set(_extra_requirements(requirement)) <= set(LOCKED), f"{requirement}'s extras are not locked; {RELOCK}"


def test_every_direct_entry_of_the_lock_is_still_declared():
    direct = {name for name, entry in zip(LOCKED, ENTRIES) if "imr-dataset (pyproject.toml)" in entry}
    assert direct == {canonicalize_name(r.name) for r in RUNTIME}, RELOCK


def test_the_lock_pins_hashes_and_names_no_index():
    assert len(ENTRIES) == len(LOCKED) and all("--hash=sha256:" in entry for entry in ENTRIES)
    assert not re.search(r"^-|://", LOCK, re.M)


def test_the_environment_is_exactly_the_locked_set():
    installed = {canonicalize_name(d.metadata["Name"]): Version(d.version) for d in distributions()}
    assert {n: installed.get(n) for n in LOCKED} == LOCKED, "the environment is not the lock: run `make test`"
    assert set(installed) - set(LOCKED) <= {"pip", "imr-dataset"}


def test_the_manifest_records_the_versions_that_built_the_data(seed_dataset):
    manifest = json.loads((seed_dataset / "parquet" / "manifest.json").read_text())
    assert manifest["versions"] == library_versions()
    assert list(manifest["versions"]) == ["python", "polars", "pyarrow", "pandera", "duckdb", "pypdfium2"]
    assert manifest["versions"]["polars"] == version("polars")


@pytest.mark.parametrize("recorded, warning", [
    (library_versions(), None),
    ({**library_versions(), "polars": "0.0.1"}, f"built with other versions: polars 0.0.1 (running {version('polars')})"),
    ({**library_versions(), "python": "3.10.0", "duckdb": "1.0.0"}, "python 3.10.0 (running"),
    (None, "records no library versions"),
])
def test_version_drift_names_what_differs(recorded, warning):
    drift = version_drift(recorded)
    assert drift == warning if warning is None else warning in drift


@pytest.mark.parametrize("versions, warned", [(None, False), ({"polars": "0.0.1"}, True)])
def test_check_warns_in_one_line_but_passes_when_versions_differ(tmp_path, raw_dir, versions, warned):
    data = tmp_path / "data"
    build(raw_dir, data, jobs=1)
    manifest = data / "parquet" / "manifest.json"
    if versions:
        text = json.loads(manifest.read_text())
        manifest.write_text(json.dumps({**text, "versions": {**text["versions"], **versions}}))
    result = CliRunner().invoke(main, ["check", str(data)])
    lines = result.output.splitlines()
    assert result.exit_code == 0 and lines[-1].startswith("OK")
    assert [line.startswith("WARN") for line in lines[:-1]] == ([True] if warned else [])


def test_other_library_versions_rebuild_in_full_instead_of_appending(tmp_path, raw_dir, monkeypatch):
    import pipeline.plan as plan_module

    build(raw_dir, tmp_path / "data", jobs=1)
    assert build(raw_dir, tmp_path / "data", jobs=1).mode == "unchanged"
    monkeypatch.setattr(plan_module, "library_versions", lambda: {**library_versions(), "pyarrow": "0.0.1"})
    assert build(raw_dir, tmp_path / "data", jobs=1).mode == "full"


PACKAGE = ROOT / "pipeline"


@pytest.mark.parametrize("module, decides", [
    ("batch.py", True), ("validate.py", True), ("parts.py", True), ("build.py", True), ("rows.py", True),
    ("ingest.py", True), ("clean.py", True), ("extract/letter.py", True), ("layouts/final.py", True),
    ("cli.py", False), ("report.py", False), ("check.py", False), ("provenance.py", False),
])
def test_the_extractor_version_covers_every_module_that_decides_rows(module, decides):
    assert (PACKAGE / module in pipeline.extractor_sources()) == decides


def test_every_module_left_out_of_the_extractor_version_exists():
    assert all((PACKAGE / name).is_file() for name in pipeline.NOT_ROW_DECIDING)
