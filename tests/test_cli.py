"""CliRunner tests: every command has --help, runs, and fails with one clear line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import LETTERS

COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_build_stats_check(tmp_path, raw_dir):
    runner = CliRunner()
    data = tmp_path / "data"
    result = runner.invoke(main, ["build", "--raw", str(raw_dir), "--data", str(data), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "letters" in result.output and "imr.duckdb" in result.output
    result = runner.invoke(main, ["stats", str(data)])
    assert result.exit_code == 0 and "outcome=" in result.output
    result = runner.invoke(main, ["check", str(data)])
    assert result.exit_code == 0 and result.output.startswith("OK")


@pytest.mark.parametrize("flags, mode", [([], "build │ unchanged │ │ processed │ 0"),
                                         (["--full"], "build │ full │ │ processed │ 1")])
def test_rebuild_mode_is_reported(tmp_path, raw_dir, flags, mode):
    args = ["build", "--raw", str(raw_dir), "--data", str(tmp_path / "data"), "--jobs", "1"]
    assert CliRunner().invoke(main, args).exit_code == 0
    result = CliRunner().invoke(main, args + flags)
    assert result.exit_code == 0 and mode in " ".join(result.output.split()), result.output


@pytest.mark.parametrize("args, message", [
    (["build", "--raw", "/nonexistent/raw"], "RAW directory not found"),
    (["stats", "/nonexistent/data"], "no database"),
    (["sql", "/nonexistent/data"], "no database"),
])
def test_user_errors_are_one_line(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("value", ["0", "-5"])
def test_build_refuses_a_non_positive_max_bytes(tmp_path, raw_dir, value):
    result = CliRunner().invoke(main, ["build", "--raw", str(raw_dir), "--data", str(tmp_path / "d"), "--max-bytes", value])
    assert result.exit_code == 2 and "--max-bytes" in result.output and "x>=1" in result.output
    assert not (tmp_path / "d").exists()


def test_build_of_an_empty_raw_dir(tmp_path):
    (tmp_path / "raw").mkdir()
    result = CliRunner().invoke(main, ["build", "--raw", str(tmp_path / "raw"), "--data", str(tmp_path / "d")])
    assert result.exit_code == 1 and "no .pdf or .txt files" in result.output


def test_build_into_an_unwritable_data_dir(tmp_path, raw_dir):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = CliRunner().invoke(main, ["build", "--raw", str(raw_dir), "--data", str(blocker / "data")])
    assert result.exit_code == 1 and "Error:" in result.output and "Traceback" not in result.output


def test_check_fails_on_a_missing_dataset(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1 and "no published dataset" in result.output


def test_extract_and_ingest_print_one_letter():
    runner = CliRunner()
    result = runner.invoke(main, ["extract", str(LETTERS / "y2016_basic.txt")])
    assert result.exit_code == 0 and '"item_number": 1' in result.output
    result = runner.invoke(main, ["ingest", str(LETTERS / "y2016_basic.txt")])
    assert result.exit_code == 0 and "IMR ISSUES" in result.output
    result = runner.invoke(main, ["extract", str(LETTERS / "unknown_layout.txt")])
    assert result.exit_code == 1 and "unknown_layout" in result.output
