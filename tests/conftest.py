"""Shared test helpers: the real console script, run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("transition")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_transition(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the installed `transition` console script in a subprocess."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRANSITION_")}
    environment["COLUMNS"] = "120"
    environment.update(env or {})
    done = subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=environment, timeout=60
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def transition():
    return run_transition


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test sees a user's settings; each gets its own scratch folder."""
    for name in list(os.environ):
        if name.startswith("TRANSITION_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
