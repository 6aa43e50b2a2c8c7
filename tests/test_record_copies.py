"""The suite's copies of built records: a copy only of the state a build
started from, with what the build returned and the machine's anchor."""

from __future__ import annotations

import json

from conftest import as_json, invoke_transition, ok
from record_copies import Copies

T = invoke_transition


def test_a_build_runs_once_and_later_tests_get_its_copy(tmp_path, monkeypatch):
    copies = Copies(tmp_path / "copies", server=lambda: None)  # type: ignore[arg-type, return-value]
    (tmp_path / "copies").mkdir()
    builds: list[str] = []

    def build() -> str:
        builds.append("built")
        ok(T("election", "add", "--year", "2030"))
        ok(T("member", "add", "Jane Doe", "--ward", "7"))
        return "Jane"

    for test in ("first", "second"):
        monkeypatch.setenv("TRANSITION_DB", str(tmp_path / test / "transition.db"))
        monkeypatch.setenv("TRANSITION_STATE_DIR", str(tmp_path / test / "state"))
        (tmp_path / test).mkdir()
        assert copies.once("jane", build) == "Jane"
        assert [m["name"] for m in as_json(T("member", "list", "--json"))] == ["Jane Doe"]
    assert builds == ["built"]
    anchors = json.loads((tmp_path / "second" / "state" / "anchors.json").read_text())
    assert any(key.endswith(str(tmp_path / "second" / "transition.db")) for key in anchors)
    ok(T("check"))  # the copy's trail is whole, and extends the anchor moved to it


def test_a_record_written_before_the_build_gets_a_build_of_its_own(tmp_path, monkeypatch):
    copies = Copies(tmp_path / "copies", server=lambda: None)  # type: ignore[arg-type, return-value]
    (tmp_path / "copies").mkdir()

    def build() -> None:
        ok(T("member", "add", "Jane Doe", "--ward", "7"))

    monkeypatch.setenv("TRANSITION_DB", str(tmp_path / "first.db"))
    ok(T("election", "add", "--year", "2030"))
    copies.once("jane", build)
    monkeypatch.setenv("TRANSITION_DB", str(tmp_path / "second.db"))
    ok(T("election", "add", "--year", "2030"))
    ok(T("member", "add", "Pat Lee", "--ward", "3"))  # a write the first record lacks
    copies.once("jane", build)
    names = sorted(m["name"] for m in as_json(T("member", "list", "--json")))
    assert names == ["Jane Doe", "Pat Lee"]
