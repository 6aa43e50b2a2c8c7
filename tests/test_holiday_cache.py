"""Ontario's holidays kept on disk: always the dates `holidays` gives, whatever
state the cache file is in."""

from __future__ import annotations

import json
from datetime import date

import pytest

from transition import holiday_cache
from transition.calendar import compute_ontario_holidays

YEARS = range(2010, 2101)


def test_every_year_to_2100_reads_back_as_holidays_computes_it():
    for year in YEARS:
        assert holiday_cache.ontario_holidays(year) == compute_ontario_holidays(year)
    stored = json.loads(holiday_cache.cache_path().read_text())
    assert sorted(map(int, stored["years"])) == list(YEARS)
    for year in YEARS:
        assert holiday_cache.ontario_holidays(year) == compute_ontario_holidays(year)


def test_a_stored_year_is_read_not_recomputed(monkeypatch):
    holiday_cache.ontario_holidays(2030)
    monkeypatch.setattr(holiday_cache, "compute_ontario_holidays", _must_not_run)
    assert holiday_cache.ontario_holidays(2030)[date(2030, 7, 1)] == "Canada Day"


def test_dates_stored_by_another_release_of_holidays_are_not_trusted():
    path = holiday_cache.cache_path()
    path.parent.mkdir(parents=True)
    stale = {"stamp": "an older holidays", "years": {"2030": [["2030-05-01", "Made-up Day"]]}}
    path.write_text(json.dumps(stale))
    assert holiday_cache.ontario_holidays(2030) == compute_ontario_holidays(2030)
    assert json.loads(path.read_text())["stamp"] == holiday_cache.release_stamp()


@pytest.mark.parametrize(
    "content",
    [
        "",
        "not json",
        "[]",
        '{"stamp": null}',
        '{"years": {}}',
        '{"stamp": "%s", "years": []}',
        '{"stamp": "%s", "years": {"2030": [["May 1", "x"]]}}',
        '{"stamp": "%s", "years": {"2030": [["2030-05-01"]]}}',
        '{"stamp": "%s", "years": {"2030": [["2030-05-01", 7]]}}',
    ],
)
def test_a_damaged_cache_file_is_replaced(content):
    path = holiday_cache.cache_path()
    path.parent.mkdir(parents=True)
    stamp = holiday_cache.release_stamp().replace("\\", "\\\\")
    path.write_text(content.replace("%s", stamp))
    assert holiday_cache.ontario_holidays(2030) == compute_ontario_holidays(2030)
    assert "2030" in json.loads(path.read_text())["years"]


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(holiday_cache.CACHE_ENV, str(blocker / "cache"))
    assert holiday_cache.ontario_holidays(2030) == compute_ontario_holidays(2030)
    assert list(tmp_path.glob(".ontario-holidays*")) == []


def _must_not_run(year: int) -> dict[date, str]:
    raise AssertionError(f"{year} was computed again")
