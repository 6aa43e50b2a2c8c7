"""Options that go together or exclude each other are declared on their
command and checked by Click as it parses, before the command runs."""

from __future__ import annotations

from typing import Annotated

import pytest
import typer
from conftest import invoke_transition

from transition.cli.app import _command
from transition.cli.constraints import (
    CheckedCommand,
    Words,
    any_of,
    at_most_one,
    checked,
    excludes,
    needs,
    one_of,
    only_with,
)
from transition.cli.startup import main as console
from transition.errors import UsageError


def _commands(group, path=("transition",)):
    for name, command in sorted(getattr(group, "commands", {}).items()):
        yield (*path, name), command
        yield from _commands(command, (*path, name))


CHECKED = [
    (" ".join(path), command)
    for path, command in _commands(_command())
    if isinstance(command, CheckedCommand)
]


def test_the_commands_whose_options_depend_on_each_other_declare_it():
    assert {path for path, _ in CHECKED} == {
        "transition access grant",
        "transition assign",
        "transition calendar",
        "transition election add",
        "transition election set",
        "transition export ics",
        "transition member file",
        "transition member set",
        "transition remind",
        "transition render",
        "transition rules",
    }


@pytest.mark.parametrize(("path", "command"), CHECKED, ids=[path for path, _ in CHECKED])
def test_every_rule_names_the_commands_own_parameters_and_shows_in_its_help(path, command):
    say = Words(command)
    for rule in command.rules:
        assert set(rule.names) <= set(say.params), rule
        assert rule.when is None or rule.when.lstrip("!") in say.params, rule
    said = invoke_transition(*path.split()[1:], "--help")
    assert said.returncode == 0
    assert "Options that go together:" in said.stdout
    for rule in command.rules:
        first_words = rule.describe(say).split(",")[0]
        assert first_words[1:] in " ".join(said.stdout.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["calendar"], "give one of YEAR, --next or --by-election"),
        (
            ["calendar", "2030", "--by-election"],
            "give one of YEAR, --next or --by-election, not several",
        ),
        (
            ["calendar", "2030", "--name", "x"],
            "--opens, --nomination-day, --voting-day, --bylaw-date and --name "
            "go with --by-election",
        ),
        (
            ["calendar", "--by-election", "--opens", "2025-01-01"],
            "--by-election needs --nomination-day and --voting-day: the clerk's dates",
        ),
        (["election", "add"], "give either --year YEAR or --by-election"),
        (
            ["election", "add", "--year", "2030", "--by-election"],
            "give either --year YEAR or --by-election, not both",
        ),
        (
            ["election", "add", "--by-election", "--name", "W"],
            "--by-election needs --opens, --nomination-day and --voting-day",
        ),
        (["election", "set", "e", "--statutory"], "--source and --statutory go with --office"),
        (
            ["election", "set", "e", "--office", "mayor"],
            "with --office, give either --nomination-day",
        ),
        (
            ["election", "set", "e", "--office", "mayor", "--voting-day", "2030-10-26"],
            "--office takes no --voting-day",
        ),
        (
            ["election", "set", "e", "--office", "mayor", "--statutory", "--source", "s"],
            "--statutory takes no --source",
        ),
        (
            ["election", "set", "e", "--office", "mayor", "--nomination-day", "2030-08-21"],
            "with --office, --nomination-day needs --source",
        ),
        (
            ["election", "set", "e"],
            "give --opens, --nomination-day, --voting-day, --bylaw-date, --clerk-email or "
            "--no-clerk-email to change",
        ),
        (["member", "set", "jane"], "give --running, --option, --email or --no-email to change"),
        (["member", "file", "jane"], "give either --date YYYY-MM-DD or --clear"),
        (["member", "file", "jane", "--clear", "--planned"], "--clear takes no --planned"),
        (["export", "ics"], "give either MEMBER or --all"),
        (["export", "ics", "jane", "--all"], "give either MEMBER or --all, not both"),
        (["render", "checklist", "jane", "--all", "-o", "x.pdf"], "give MEMBER or --all, not both"),
        (
            ["render", "checklist", "jane", "--combined", "-o", "x.pdf"],
            "--combined goes with --all",
        ),
        (["access", "grant", "ann"], "give one of --office MEMBER, --clerk or --auditor"),
    ],
)
def test_options_that_do_not_go_together_are_a_usage_error_before_anything_opens(
    args, message, tmp_path
):
    said = invoke_transition(*args)
    assert (said.returncode, said.stdout) == (2, "")
    assert said.stderr.startswith(f"transition: error: {message}"), said.stderr
    command = next(
        path for path, _ in CHECKED if f"transition {' '.join(args)} ".startswith(path + " ")
    )
    assert said.stderr.endswith(f" (see '{command} --help')\n")
    assert not (tmp_path / "transition.db").exists()  # refused while parsing: nothing opened


# -- the rules on a command of their own ---------------------------------------------


def _app(*rules):
    app = typer.Typer(rich_markup_mode=None)

    @app.command(cls=checked(*rules))
    def run(
        count: Annotated[int, typer.Option("--count", envvar="TEST_COUNT")] = 0,
        fast: Annotated[bool, typer.Option("--fast")] = False,
        slow: Annotated[bool, typer.Option("--slow")] = False,
    ) -> None:
        typer.echo(f"ran {count} {fast} {slow}")

    return app


def _run(app, *args, env=None):
    from typer.testing import CliRunner

    return CliRunner().invoke(app, list(args), env=env)


def test_an_option_given_at_its_default_value_still_counts_as_given():
    app = _app(excludes("fast", "count"))
    assert _run(app, "--fast").output == "ran 0 True False\n"
    refused = _run(app, "--fast", "--count", "0")
    assert isinstance(refused.exception, UsageError) and refused.exception.exit_code == 2
    assert "--fast takes no --count" in str(refused.exception)
    from_environment = _run(app, "--fast", env={"TEST_COUNT": "0"})
    assert "--fast takes no --count" in str(from_environment.exception)


def test_a_rule_can_hold_only_when_another_option_is_given_or_absent():
    app = _app(one_of("fast", "slow", when="count"), any_of("fast", "slow", when="!count"))
    assert "with --count, give either --fast or --slow" in str(_run(app, "--count", "1").exception)
    assert "give --fast or --slow" in str(_run(app).exception)
    assert _run(app, "--count", "1", "--slow").exit_code == 0
    assert _run(app, "--fast").exit_code == 0


def test_needs_and_only_with_name_what_is_missing():
    app = _app(needs("count", "fast", "slow"), only_with("count", "slow"))
    assert "--count needs --fast and --slow" in str(_run(app, "--count", "2").exception)
    assert "--count needs --slow" in str(_run(app, "--count", "2", "--fast").exception)
    assert "--slow goes with --count" in str(_run(app, "--slow").exception)
    assert _run(app, "--count", "2", "--fast", "--slow").exit_code == 0


@pytest.mark.parametrize("args", [[], ["--help"]])
def test_a_rule_naming_no_parameter_is_caught_at_once(args):
    refused = _run(_app(one_of("fast", "quick")), *args)
    assert isinstance(refused.exception, LookupError)
    assert "'quick', which is no parameter" in str(refused.exception)


def test_the_console_script_prints_a_broken_rule_as_one_line(capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", ["transition", "member", "set", "jane"])
    with pytest.raises(SystemExit) as stop:
        console()
    assert stop.value.code == 2
    assert capsys.readouterr().err == (
        "transition: error: give --running, --option, --email or --no-email to change "
        "(see 'transition member set --help')\n"
    )


def test_at_most_one_of_three_is_said_so():
    app = _app(at_most_one("count", "fast", "slow"))
    refused = _run(app, "--fast", "--slow")
    assert "give one of --count, --fast or --slow at most" in str(refused.exception)
    assert _run(app, "--slow").exit_code == 0
