"""Promises about the project's shape: a pure core, light commands, a full wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SCRIPT

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"sqlalchemy", "sqlmodel", "weasyprint", "alembic", "jinja2", "icalendar", "pyhanko"}
PRINTING = {"weasyprint", "jinja2", "icalendar", "alembic", "pypdf", "pikepdf", "pyhanko"}


@pytest.mark.parametrize(
    "args",
    [["--help"], ["calendar", "2030", "--json"], ["rules", "--json"], ["calendar", "--help"]],
)
def test_date_commands_do_not_import_the_database_or_pdf_libraries(args):
    assert not _packages_imported_by(args) & HEAVY


def test_a_second_calendar_reads_ontario_holidays_from_the_cache():
    """The first filing day needs Ontario's holidays; the `holidays` package is
    asked once, and later runs read its answer from the cache folder."""
    assert "holidays" in _packages_imported_by(["calendar", "2030"])
    assert "holidays" not in _packages_imported_by(["calendar", "2030"])
    assert "holidays" in _packages_imported_by(["calendar", "2034"])


def _packages_imported_by(args: list[str]) -> set[str]:
    done = subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"},
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in lines}


def test_database_commands_load_neither_printing_nor_migrations(db_path):
    assert (
        subprocess.run([str(SCRIPT), "election", "add", "--year", "2030"], check=True).returncode
        == 0
    )
    imported = _packages_imported_by(["status", "--json"])
    assert "sqlalchemy" in imported
    assert not imported & PRINTING


@pytest.mark.parametrize(
    ("args", "collecting"),
    [
        (["status", "--json"], True),
        (["render", "overview", "-o", "{tmp}/overview.pdf"], True),
        (["calendar", "2030", "--json"], False),
    ],
)
def test_start_up_runs_without_the_garbage_collector_and_work_runs_with_it(
    db_path, tmp_path, args, collecting
):
    """The console script loads its libraries with collection off; a command
    that opens the database, or prints (reading the database in a child),
    turns it back on (so long renders and imports collect) after freezing what
    start-up built."""
    subprocess.run([str(SCRIPT), "election", "add", "--year", "2030"], check=True)
    args = [arg.format(tmp=tmp_path) for arg in args]
    probe = (
        "import atexit, gc, sys\n"
        "state = lambda: print(gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr)\n"
        "atexit.register(state)\n"
        f"sys.argv = ['transition', *{args!r}]\n"
        "from transition.cli.startup import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.split() == [str(collecting), str(collecting)]


def test_every_command_has_help_and_a_place_in_the_readme():
    import typer

    from transition.cli.app import app

    readme = (ROOT / "README.md").read_text()

    def walk(command, path):  # type: ignore[no-untyped-def]
        for name, sub in getattr(command, "commands", {}).items():
            yield f"{path} {name}", sub
            yield from walk(sub, f"{path} {name}")

    commands = list(walk(typer.main.get_command(app), "transition"))
    assert len(commands) > 20
    for name, sub in commands:
        assert sub.help, f"{name} has no help text"
        assert name in readme, f"README does not show `{name}`"


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True, capture_output=True)


def test_the_installed_wheel_carries_and_uses_its_migrations(tmp_path):
    """Built and installed as a user gets it, the tool creates its database from
    the migrations inside the package, not from a checkout."""
    _pip("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT))
    (wheel,) = tmp_path.glob("transition-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "transition/core/profiles/toronto-2016.toml" in names
    assert any(name.startswith("transition/templates/") for name in names)
    assert "transition/migrations/env.py" in names
    assert any(name.startswith("transition/migrations/versions/0001") for name in names)

    installed = tmp_path / "site"
    _pip("install", "--no-deps", "-q", "--target", str(installed), str(wheel))
    probe = (
        "import sys, transition; from transition.cli.app import main; "
        "print(transition.__file__, file=sys.stderr); main(['init', '--db', sys.argv[1]])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "fresh.db")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(str(installed))
    assert "was created" in done.stdout


@pytest.mark.parametrize(
    "name", ["regular-elections.json", "toronto-closures.json", "periods.json"]
)
def test_the_snapshots_to_2100_are_current(name):
    """Elections and the City's closure days, as the engine and the installed
    `holidays` compute them today: a change of either shows up here."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from snapshot_elections import SNAPSHOT_TEXTS, SNAPSHOTS
    finally:
        sys.path.pop(0)
    path = SNAPSHOTS / name
    assert path.read_text() == SNAPSHOT_TEXTS[path](), "run `make snapshot` and review the diff"
