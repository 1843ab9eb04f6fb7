"""Feed periods written in URLs and API parameters: a day, an ISO week, a month."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta


class InvalidPeriod(ValueError):
    """A malformed or impossible period; the message is fit to show a user."""


@dataclass(frozen=True)
class Period:
    kind: str  # "day", "week" or "month"
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "day":
            return self.start.strftime("%A, %B %-d, %Y")
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"Week {week}, {year} ({self.start:%b %-d} – {self.end:%b %-d})"
        return self.start.strftime("%B %Y")

    @property
    def slug(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.strftime("%Y-%m")

    def previous(self) -> Period | None:
        """The period before this one; None at the start of the calendar (year 1)."""
        try:
            if self.kind == "day":
                return day_period(self.start - timedelta(days=1))
            if self.kind == "week":
                return week_period_of(self.start - timedelta(days=7))
            return month_period_of(self.start - timedelta(days=1))
        except OverflowError:
            return None

    def next(self) -> Period | None:
        """The period after this one; None at the end of the calendar (year 9999)."""
        try:
            if self.kind == "day":
                return day_period(self.start + timedelta(days=1))
            if self.kind == "week":
                return week_period_of(self.start + timedelta(days=7))
            return month_period_of(self.end + timedelta(days=1))
        except OverflowError:
            return None


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_day(text: str) -> date:
    match = _DAY.match(text or "")
    if not match:
        raise InvalidPeriod(f"“{text}” is not a date: use YYYY-MM-DD, e.g. 2025-03-18.")
    try:
        return date(*map(int, match.groups()))
    except ValueError as error:
        raise InvalidPeriod(f"“{text}” is not a real date ({error}).") from None


def day_period(day: date) -> Period:
    return Period("day", day, day)


def parse_week(text: str) -> Period:
    match = _WEEK.match(text or "")
    if not match:
        raise InvalidPeriod(f"“{text}” is not an ISO week: use YYYY-Www, e.g. 2025-W12.")
    year, week = map(int, match.groups())
    try:
        start = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise InvalidPeriod(f"“{text}” is not a real week: {year} has no week {week}.") from None
    period = week_period_of(start)
    if period is None:
        raise InvalidPeriod(f"“{text}” runs past {date.max.isoformat()}, the last day there can be.")
    return period


def week_period_of(day: date) -> Period | None:
    """The ISO week holding ``day``; None for the last days of 9999, whose week ends in 10000."""
    start = day - timedelta(days=day.isoweekday() - 1)
    try:
        return Period("week", start, start + timedelta(days=6))
    except OverflowError:
        return None


def parse_month(text: str) -> Period:
    match = _MONTH.match(text or "")
    if not match:
        raise InvalidPeriod(f"“{text}” is not a month: use YYYY-MM, e.g. 2025-03.")
    year, month = map(int, match.groups())
    if not 1 <= month <= 12 or year < 1:
        raise InvalidPeriod(f"“{text}” is not a real month.")
    return month_period_of(date(year, month, 1))


def month_period_of(day: date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period("month", day.replace(day=1), day.replace(day=last))
