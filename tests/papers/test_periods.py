"""Feed periods: days, ISO weeks and months as written in URLs and API parameters."""

from datetime import date

import pytest

from paperfeed.papers.periods import InvalidPeriod, parse_day, parse_month, parse_week


def test_a_day_parses():
    assert parse_day("2025-03-18") == date(2025, 3, 18)


@pytest.mark.parametrize("text", ["2025-13-40", "2025-02-30", "2025-3-1", "yesterday", "", "2025-03-18x"])
def test_an_impossible_or_malformed_day_is_refused(text):
    with pytest.raises(InvalidPeriod):
        parse_day(text)


def test_an_iso_week_runs_monday_to_sunday():
    week = parse_week("2025-W12")
    assert (week.start, week.end) == (date(2025, 3, 17), date(2025, 3, 23))
    assert week.slug == "2025-W12"


def test_iso_week_1_can_start_in_the_previous_year():
    assert parse_week("2025-W01").start == date(2024, 12, 30)


@pytest.mark.parametrize("text", ["2025-W54", "2025-W00", "2025-12", "2025W12", "2021-W53"])
def test_a_week_that_does_not_exist_is_refused(text):
    with pytest.raises(InvalidPeriod):
        parse_week(text)


def test_a_year_with_53_weeks_has_week_53():
    assert parse_week("2020-W53").end == date(2021, 1, 3)


def test_a_month_covers_all_its_days():
    february = parse_month("2024-02")
    assert (february.start, february.end) == (date(2024, 2, 1), date(2024, 2, 29))


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025-1", "March"])
def test_an_impossible_month_is_refused(text):
    with pytest.raises(InvalidPeriod):
        parse_month(text)


def test_neighbouring_periods():
    assert parse_week("2025-W01").previous().slug == "2024-W52"
    assert parse_month("2025-12").next().slug == "2026-01"
    assert parse_month("2025-01").previous().slug == "2024-12"
