"""Holidays kept on disk: always the dates `holidays` gives, whatever state the
cache file is in."""

from __future__ import annotations

import json
from datetime import date

import pytest

from transition.core.closures import HolidayQuery, package_holidays
from transition.store import holiday_cache

YEARS = range(2010, 2101)
PUBLIC = HolidayQuery("CA", "ON", "en_CA", "public")
OPTIONAL = HolidayQuery("CA", "ON", "en_CA", "optional")
KEY_2030 = f"{PUBLIC.key}/2030"


def cached(year: int, query: HolidayQuery = PUBLIC) -> dict[date, str]:
    return holiday_cache.cached_holidays(query, year)


def test_every_year_to_2100_reads_back_as_holidays_computes_it():
    for query in (PUBLIC, OPTIONAL):
        for year in YEARS:
            assert cached(year, query) == package_holidays(query, year)
    stored = json.loads(holiday_cache.cache_path().read_text())
    assert len(stored["answers"]) == 2 * len(YEARS)
    for query in (PUBLIC, OPTIONAL):
        for year in YEARS:
            assert cached(year, query) == package_holidays(query, year)


def test_a_stored_year_is_read_not_recomputed(monkeypatch):
    cached(2030)
    monkeypatch.setattr(holiday_cache, "package_holidays", _must_not_run)
    assert cached(2030)[date(2030, 7, 1)] == "Canada Day"


def test_each_category_is_stored_apart():
    assert date(2030, 8, 5) not in cached(2030, PUBLIC)
    assert cached(2030, OPTIONAL)[date(2030, 8, 5)] == "Civic Holiday"


def test_dates_stored_by_another_release_of_holidays_are_not_trusted():
    path = holiday_cache.cache_path()
    path.parent.mkdir(parents=True)
    stale = {"stamp": "an older holidays", "answers": {KEY_2030: [["2030-05-01", "Made-up"]]}}
    path.write_text(json.dumps(stale))
    assert cached(2030) == package_holidays(PUBLIC, 2030)
    assert json.loads(path.read_text())["stamp"] == holiday_cache.release_stamp()


@pytest.mark.parametrize(
    "content",
    [
        "",
        "not json",
        "[]",
        '{"stamp": null}',
        '{"answers": {}}',
        '{"stamp": "%s", "answers": []}',
        '{"stamp": "%s", "answers": {"%k": [["May 1", "x"]]}}',
        '{"stamp": "%s", "answers": {"%k": [["2030-05-01"]]}}',
        '{"stamp": "%s", "answers": {"%k": [["2030-05-01", 7]]}}',
    ],
)
def test_a_damaged_cache_file_is_replaced(content):
    path = holiday_cache.cache_path()
    path.parent.mkdir(parents=True)
    stamp = holiday_cache.release_stamp().replace("\\", "\\\\")
    path.write_text(content.replace("%s", stamp).replace("%k", KEY_2030))
    assert cached(2030) == package_holidays(PUBLIC, 2030)
    assert KEY_2030 in json.loads(path.read_text())["answers"]


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(holiday_cache.CACHE_ENV, str(blocker / "cache"))
    assert cached(2030) == package_holidays(PUBLIC, 2030)
    assert list(tmp_path.glob(".holidays*")) == []


def _must_not_run(query: HolidayQuery, year: int) -> dict[date, str]:
    raise AssertionError(f"{query.key} {year} was computed again")
