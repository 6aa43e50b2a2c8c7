"""Ontario's public holidays, kept on disk between runs.

A business day (the first day to file nomination papers, a filing date's
check) needs Ontario's holidays, and the `holidays` package builds them only
after importing its whole country registry: about 90 ms, more than half of a
`transition calendar`. A year's holidays never change for a given release of
`holidays`, so the first run that needs a year saves them in the user's cache
folder, stamped with that release's files, and later runs read them back.
A new release of `holidays` changes the stamp and the dates are asked for
afresh. The cache only saves time: when it cannot be read or written, the
dates come from `holidays` directly and nothing is reported.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from datetime import date
from importlib.util import find_spec
from pathlib import Path

from transition.calendar import compute_ontario_holidays

#: Moves the cache folder (the tests point it at a temporary one).
CACHE_ENV = "TRANSITION_CACHE_DIR"
CACHE_NAME = "ontario-holidays.json"

#: The files of `holidays` whose change means the stored dates may be stale.
STAMPED_FILES = ("version.py", "countries/canada.py")


def cache_path() -> Path:
    folder = os.environ.get(CACHE_ENV)
    if not folder:
        from platformdirs import user_cache_path

        return user_cache_path("transition", appauthor=False) / CACHE_NAME
    return Path(folder) / CACHE_NAME


def release_stamp() -> str:
    """Where the installed `holidays` lives and its key files' sizes and times,
    found without importing it."""
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return "holidays not installed"
    root = Path(spec.origin).parent
    parts = [str(root)]
    for name in STAMPED_FILES:
        stat = (root / name).stat()
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def ontario_holidays(year: int) -> dict[date, str]:
    """Ontario's holidays in `year`: from the cache, else from `holidays` (and
    then saved for the next run)."""
    path = cache_path()
    try:
        stamp = release_stamp()
    except OSError:
        return compute_ontario_holidays(year)
    years = _read(path, stamp)
    stored = years.get(str(year))
    if stored is not None:
        return {date.fromisoformat(day): name for day, name in stored}
    holidays = compute_ontario_holidays(year)
    years[str(year)] = sorted((day.isoformat(), name) for day, name in holidays.items())
    _write(path, {"stamp": stamp, "years": years})
    return holidays


def _read(path: Path, stamp: str) -> dict[str, list[list[str]]]:
    """The stored years, or none if the file is missing, damaged or stale."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["stamp"] != stamp:
            return {}
        years = data["years"]
        for entries in years.values():
            for day, name in entries:
                date.fromisoformat(day)
                if not isinstance(name, str):
                    raise TypeError(name)
        return dict(years)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _write(path: Path, data: dict[str, object]) -> None:
    """Replace the file whole, so a reader never sees half of it; a run that
    cannot write simply does without."""
    scratch = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch.write_text(json.dumps(data), encoding="utf-8")
        os.replace(scratch, path)
    except OSError:
        with suppress(OSError):
            scratch.unlink(missing_ok=True)
