"""Holiday dates from the `holidays` package, kept on disk between runs.

A closure calendar (the first day to file nomination papers, a filing date's
check) needs holidays, and the `holidays` package builds them only after
importing its whole country registry: about 90 ms, more than half of a
`transition calendar`. A year's holidays never change for a given release of
`holidays`, so the first run that needs them saves them in the user's cache
folder, stamped with that release's files, and later runs read them back.
A new release of `holidays` changes the stamp and the dates are asked for
afresh. The cache only saves time: when it cannot be read or written, the
dates come from `holidays` directly and nothing is reported.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from contextlib import suppress
from datetime import date
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from transition.core.closures import HolidayQuery, package_holidays

#: Moves the cache folder (the tests point it at a temporary one).
CACHE_ENV = "TRANSITION_CACHE_DIR"
CACHE_NAME = "holidays.json"

#: The files of `holidays` whose change means the stored dates may be stale.
STAMPED_FILES = ("version.py", "countries/canada.py")


def cache_path() -> Path:
    return _cache_path(os.environ.get(CACHE_ENV))


@lru_cache(maxsize=4)
def _cache_path(folder: str | None) -> Path:
    if not folder:
        from platformdirs import user_cache_path

        return user_cache_path("transition", appauthor=False) / CACHE_NAME
    return Path(folder) / CACHE_NAME


@lru_cache(maxsize=1)
def release_stamp() -> str:
    """Where the installed `holidays` lives and its key files' sizes and times,
    found without importing it."""
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return "holidays not installed"
    root = Path(spec.origin).parent
    parts = [str(root)]
    for name in STAMPED_FILES:
        with suppress(FileNotFoundError):
            stat = (root / name).stat()
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def cached_holidays(query: HolidayQuery, year: int) -> dict[date, str]:
    """The package's answer for `query` in `year`: from the cache, else from
    `holidays` (and then saved for the next run). A `HolidaySource`."""
    path = cache_path()
    try:
        stamp = release_stamp()
    except OSError:
        return package_holidays(query, year)
    answers = _read_once(path, stamp)
    key = f"{query.key}/{year}"
    stored = answers.get(key)
    if stored is not None:
        return {date.fromisoformat(day): name for day, name in stored}
    found = package_holidays(query, year)
    answers[key] = sorted((day.isoformat(), name) for day, name in found.items())
    _write(path, {"stamp": stamp, "answers": answers})
    return found


#: The file as last read in this process: its size and time, its stamp and
#: its answers. A calendar asks for some thirty years' holidays at once.
_LAST_READ: dict[Path, tuple[tuple[int, int], str, dict[str, Sequence[Sequence[str]]]]] = {}


def _read_once(path: Path, stamp: str) -> dict[str, Sequence[Sequence[str]]]:
    """`_read`, from memory while the file is as it was when last read."""
    try:
        stat = path.stat()
        seen = (stat.st_size, stat.st_mtime_ns)
    except OSError:
        return _read(path, stamp)
    last = _LAST_READ.get(path)
    if last is not None and last[:2] == (seen, stamp):
        return last[2]
    answers = _read(path, stamp)
    _LAST_READ[path] = (seen, stamp, answers)
    return answers


def _read(path: Path, stamp: str) -> dict[str, Sequence[Sequence[str]]]:
    """The stored answers, or none if the file is missing, damaged or stale:
    for each query and year, its holidays as (ISO day, name) pairs."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["stamp"] != stamp:
            return {}
        answers = data["answers"]
        for entries in answers.values():
            for day, name in entries:
                date.fromisoformat(day)
                if not isinstance(name, str):
                    raise TypeError(name)
        return dict(answers)
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
