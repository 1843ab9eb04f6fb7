"""Digest periods: which one is due at a moment, its key in the send log, and the window it covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from paperfeed.digests.models import Frequency


@dataclass(frozen=True)
class DigestPeriod:
    frequency: str
    key: str  # unique per frequency: "daily:2026-11-20", "weekly:2026-W47"
    label: str  # for people: "Friday, 20 November 2026", "week 47 of 2026"
    start: datetime  # papers listed or published from here ...
    end: datetime  # ... up to here


def period_at(frequency: str, now: datetime) -> DigestPeriod:
    """The period whose digest is due at ``now`` (UTC).

    Daily digests belong to weekdays: on a weekend the due period is the Friday before (so a
    manual run then only catches up on what Friday's run missed). Weekly ones follow ISO weeks.
    """
    if frequency == Frequency.DAILY:
        day = now.date()
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        end = now if day == now.date() else datetime.combine(day, time.max, tzinfo=now.tzinfo)
        # Monday's digest covers the weekend too.
        start_day = day - timedelta(days=3 if day.weekday() == 0 else 1)
        start = datetime.combine(start_day, time.min, tzinfo=now.tzinfo)
        return DigestPeriod(
            frequency, f"daily:{day.isoformat()}", f"{day:%A}, {day.day} {day:%B %Y}", start, end
        )
    if frequency == Frequency.WEEKLY:
        year, week, _ = now.isocalendar()
        start = datetime.combine(now.date() - timedelta(days=7), time.min, tzinfo=now.tzinfo)
        return DigestPeriod(frequency, f"weekly:{year}-W{week:02d}", f"week {week} of {year}", start, now)
    raise ValueError(f"unknown digest frequency {frequency!r}; use daily or weekly")


def upcoming_period(frequency: str, now: datetime) -> DigestPeriod:
    """The next digest of this frequency as it would be if sent now (for previews)."""
    moment = now
    while frequency == Frequency.DAILY and moment.weekday() >= 5:
        moment += timedelta(days=1)
    return period_at(frequency, moment)


def period_from_key(key: str) -> DigestPeriod:
    """Rebuild a period from its send-log key (for "view in browser")."""
    frequency, _, value = key.partition(":")
    try:
        if frequency == Frequency.DAILY:
            moment = datetime.combine(datetime.fromisoformat(value).date(), time(23, 59))
        elif frequency == Frequency.WEEKLY:
            moment = datetime.strptime(value + "-7", "%G-W%V-%u").replace(hour=23, minute=59)
        else:
            raise ValueError(key)
    except ValueError as error:
        raise ValueError(f"not a digest period key: {key!r}") from error
    return period_at(frequency, moment.replace(tzinfo=UTC))
