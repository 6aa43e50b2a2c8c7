"""The record's promises of reliability, each tried many times and counted.

`make soak` runs the same trials (tests/harness/store.py) longer; here each
runs a bounded number of times so the suite stays quick.
"""

from __future__ import annotations

import pytest
from harness import store as trials


def test_concurrent_staff_lose_nothing(tmp_path):
    # Three at once on two cores keeps a writer waiting at every turn; make
    # soak runs eight, with more than twice the items each.
    figures = trials.concurrent_staff(tmp_path, processes=3, items_each=60, batch=30)
    assert figures.tried == 180
    assert figures.ok, figures.line()


@pytest.mark.parametrize("operation", trials.CRASH_OPERATIONS)
def test_a_killed_process_leaves_all_or_nothing(tmp_path, operation):
    figures = trials.crashes(tmp_path, operation, kills=4)
    assert figures.tried == 4
    assert figures.ok, figures.line()


def test_damaged_and_foreign_files_are_refused_untouched(tmp_path):
    figures = trials.damaged_files(tmp_path, attempts=trials.ATTEMPTS[:2])
    assert figures.tried >= 12
    assert figures.ok, figures.line()


def test_backups_taken_while_staff_write_are_whole(tmp_path):
    figures = trials.backups_under_load(tmp_path, backups=3)
    assert figures.tried == 3
    assert figures.ok, figures.line()


def test_names_reach_their_member_and_no_other(tmp_path):
    figures = trials.names(tmp_path, examples=8)
    assert figures.tried >= 8 * 4
    assert figures.ok, figures.line()


def test_a_damaged_page_is_never_written_nor_copied(tmp_path):
    figures = trials.damaged_pages(tmp_path, rounds=2)
    assert figures.tried == 2 * 4
    assert figures.ok, figures.line()


def test_staff_wait_their_turn_while_an_import_runs(tmp_path):
    # Both rounds: an import that lands, then one refused at its last row.
    figures = trials.imports_under_contention(tmp_path, rounds=2, staff=3)
    assert figures.tried == 2 * 4
    assert figures.ok, figures.line()


def test_any_row_changed_around_transition_is_caught_on_both_stores(tmp_path, postgres):
    figures = trials.content_tamperings(tmp_path, postgres, per_store=4)
    assert figures.tried == 8
    assert figures.ok, figures.line()
