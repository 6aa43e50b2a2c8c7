"""Shared test helpers: the real console script, run as a user would."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
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
    environment = dict(os.environ)
    environment["COLUMNS"] = "200"
    environment.update(env or {})
    done = subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=environment, timeout=60
    )
    return Result(done.returncode, done.stdout, done.stderr)


def invoke_transition(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the command line in this process: the same code, without the start-up cost.

    For the many small calls of detailed tests; the console script itself is
    exercised by `run_transition`.
    """
    from transition.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in (env or {})}
    os.environ.update(env or {})
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(list(args))
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def transition():
    return run_transition


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test sees a user's settings: each has its own database and scratch folder."""
    for name in list(os.environ):
        if name.startswith("TRANSITION_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRANSITION_DB", str(tmp_path / "transition.db"))
    monkeypatch.setenv("TRANSITION_USER", "tester")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "transition.db"


def ok(result: Result) -> str:
    """The output of a command that must succeed."""
    assert result.returncode == 0, result.stderr
    return result.stdout


def as_json(result: Result):
    import json

    return json.loads(ok(result))


JANE_ACCOUNT = ("--platform", "X", "--handle", "@CllrDoe", "--role", "single")


@pytest.fixture
def jane(db_path):
    """The 2030 election and Jane Doe (ward 7), running on one City-connected X account."""
    ok(invoke_transition("election", "add", "--year", "2030"))
    ok(invoke_transition("member", "add", "Jane Doe", "--ward", "7"))
    ok(invoke_transition("account", "add", "jane", *JANE_ACCOUNT, "--email", "jane.doe@toronto.ca"))
    ok(invoke_transition("member", "set", "jane", "--running", "yes", "--option", "single"))
    return db_path
