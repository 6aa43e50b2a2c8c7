"""Two staff members saving at the same moment both succeed."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import invoke_transition, ok

CYCLES = 25

WORKER = """
import contextlib, io, sys
from transition.cli import main

item, cycles = sys.argv[1], int(sys.argv[2])
failures = []
for n in range(cycles):
    for args in (["done", item, "--note", f"pass {n}"], ["reopen", item]):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                main(args)
            except SystemExit as stop:
                if stop.code:
                    failures.append(err.getvalue())
print(len(failures)); print("".join(failures))
"""


def test_two_processes_marking_items_at_once_lose_nothing(jane):
    first, second = (
        str(item["id"]) for item in json.loads(ok(invoke_transition("checklist", "--json")))[:2]
    )
    events_before = len(json.loads(ok(invoke_transition("log", "--json"))))

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, item, str(CYCLES)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for item in (first, second)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        count, _, failures = out.partition("\n")
        assert count == "0", failures
        assert "locked" not in err

    log = json.loads(ok(invoke_transition("log", "--json")))
    new = log[: len(log) - events_before]
    for item in (first, second):
        mine = [e for e in new if e["subject"] == f"item {item}"]
        assert [e["action"] for e in mine].count("item.done") == CYCLES
        assert [e["action"] for e in mine].count("item.reopened") == CYCLES
