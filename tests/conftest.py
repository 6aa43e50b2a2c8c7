"""Shared test helpers: the real console script, run as a user would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from harness import SCRIPT, Result, invoke_transition, run_transition

__all__ = ["SCRIPT", "Result", "as_json", "invoke_transition", "ok", "run_transition"]


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
    monkeypatch.setenv("TRANSITION_CACHE_DIR", str(tmp_path / "cache"))
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
