"""The command line's promises of reliability, each tried many times and counted.

`make soak` runs the same trials (tests/harness/cli.py) longer.
"""

from __future__ import annotations

from harness import cli as trials


def test_hostile_input_never_breaks_the_tool_or_the_record(tmp_path):
    figures = trials.hostile_input(tmp_path, examples=12)
    assert figures.tried >= 12 * 12
    assert figures.ok, figures.line()


def test_an_interrupt_at_any_moment_is_quiet_and_all_or_nothing(tmp_path):
    figures = trials.interrupts(tmp_path, tries=8)
    assert figures.tried == 8
    assert figures.ok, figures.line()
