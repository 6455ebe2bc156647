"""Every shell command the README shows works, pasted into a fresh shell of a checkout after set-up."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Placeholders, the test suite itself, and long runs: shown, not run here.
NOT_RUN = re.compile(r"/path/to/|tcp://|^make (test|test-slow|bench)\b|^pip ")


def readme_commands() -> list[str]:
    """The command lines of the README's ```sh blocks, comments stripped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.S) for line in block.splitlines()]
    return [re.sub(r"\s{2,}#.*$", "", line).strip() for line in lines if line.strip()]


COMMANDS = [c for c in readme_commands() if not NOT_RUN.search(c)]


def test_the_readme_shows_commands_that_run_here():
    assert COMMANDS[0] == "make build-dataset" and len(COMMANDS) >= 8
    assert not [c for c in COMMANDS if re.match(r"(duckdb|imr)\b", c)], "a bare command needs an activated venv"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A checkout sharing this one's virtualenv, with the shipped letters in data/raw and nothing built."""
    root = tmp_path_factory.mktemp("checkout")
    for name in (".venv", "Makefile", "pyproject.toml", "requirements.lock", "examples", "schemas", "pipeline"):
        (root / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    return root


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs_in_a_fresh_shell(checkout, command):
    if command != "make build-dataset" and not (checkout / "data" / "imr.duckdb").exists():
        subprocess.run(["make", "build-dataset"], cwd=checkout, check=True, capture_output=True)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    result = subprocess.run(["bash", "-c", command], cwd=checkout, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "Error" not in result.stdout
