"""The home page's earlier days: when the latest feed day is thin, the days before it follow.

A site that lives on imported archives gets one fresh submission: the home page (the latest
feed day) would then show one paper, with the whole archive behind "← Previous". Instead the
days before it are shown below, most upvoted first, until the page holds a screenful.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.formats import date_format

from paperfeed.community.shown import ShownPaper, show_listings
from paperfeed.papers import feed

# A latest day with fewer papers than this is thin: the days before it follow it on the home page.
FULL_DAY = 20
# At most this many earlier days, and (over all of them) this many papers.
MOST_DAYS = 3
MOST_PAPERS = 50


@dataclass(frozen=True)
class DaySection:
    day: date
    label: str  # "Yesterday", "Mar 18, 2025"
    count: int  # the day's papers (in the chosen category)
    cards: list[ShownPaper]  # its most upvoted papers


def day_label(day: date, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if day == today:
        return "Today so far"
    if day == today - timedelta(days=1):
        return "Yesterday"
    return date_format(day, "M j, Y")


def earlier_days(latest: date, latest_count: int, category: str | None, reader) -> list[DaySection]:
    """The feed days before ``latest`` to show under it, or none when ``latest_count`` fills a page."""
    if latest_count >= FULL_DAY:
        return []
    sections: list[DaySection] = []
    room = MOST_PAPERS
    before = latest
    while len(sections) < MOST_DAYS and room > 0:
        day = feed.latest_feed_day(before=before)
        if day is None:
            break
        listings = feed.feed_listings(day, day, category)
        count = listings.count()
        if count:
            shown = show_listings(feed.ordered(listings, "upvotes")[:room], reader)
            sections.append(DaySection(day, day_label(day), count, shown))
            room -= len(shown)
        before = day
    return sections


def summary(latest: date, latest_count: int, sections: list[DaySection]) -> str:
    """ "Today so far: 1 paper · Yesterday: 41 papers" """
    parts = [(day_label(latest), latest_count)] + [(section.label, section.count) for section in sections]
    return " · ".join(f"{label}: {count} paper{'' if count == 1 else 's'}" for label, count in parts)
