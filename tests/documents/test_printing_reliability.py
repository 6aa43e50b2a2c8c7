"""The printed files' promises of reliability, each tried many times and counted.

`make soak` runs the same trials (tests/harness/documents.py) longer.
"""

from __future__ import annotations

from harness import documents as trials


def test_every_member_gets_a_file_of_their_own(tmp_path):
    figures = trials.file_names(tmp_path, members=24)
    assert figures.tried == 24
    assert figures.ok, figures.line()


def test_print_workers_end_with_a_killed_render(tmp_path):
    figures = trials.orphaned_workers(tmp_path, kills=2)
    assert figures.tried == 2
    assert figures.ok, figures.line()
