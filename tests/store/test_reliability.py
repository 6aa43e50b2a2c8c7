"""The promises of reliability, each tried many times and counted.

`make soak` runs the same trials (tests/harness.py) longer; here each runs a
bounded number of times so the suite stays quick.
"""

from __future__ import annotations

import harness
import pytest


def test_concurrent_staff_lose_nothing(tmp_path):
    figures = harness.concurrent_staff(tmp_path, processes=4, items_each=100, batch=25)
    assert figures.tried == 400
    assert figures.ok, figures.line()


@pytest.mark.parametrize("operation", harness.CRASH_OPERATIONS)
def test_a_killed_process_leaves_all_or_nothing(tmp_path, operation):
    figures = harness.crashes(tmp_path, operation, kills=6)
    assert figures.tried == 6
    assert figures.ok, figures.line()


def test_damaged_and_foreign_files_are_refused_untouched(tmp_path):
    figures = harness.damaged_files(tmp_path, attempts=harness.ATTEMPTS[:2])
    assert figures.tried >= 12
    assert figures.ok, figures.line()


def test_hostile_input_never_breaks_the_tool_or_the_record(tmp_path):
    figures = harness.hostile_input(tmp_path, examples=12)
    assert figures.tried >= 12 * 12
    assert figures.ok, figures.line()


def test_backups_taken_while_staff_write_are_whole(tmp_path):
    figures = harness.backups_under_load(tmp_path, backups=4)
    assert figures.tried == 4
    assert figures.ok, figures.line()
