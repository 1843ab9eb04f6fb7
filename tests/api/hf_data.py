"""Reading Hugging Face daily-papers records the way the importer does."""

from __future__ import annotations


def submitter_of(record: dict) -> str | None:
    # The paper's submittedOnDailyBy names the user under "user", the item's submittedBy under "name".
    by = record["paper"].get("submittedOnDailyBy") or {}
    item_by = record.get("submittedBy") or {}
    return by.get("user") or item_by.get("name")


def feed_time(record: dict) -> str:
    """When the paper appeared on the feed: the paper's own submission time wins over the item's."""
    return record["paper"].get("submittedOnDailyAt") or record["publishedAt"]


def feed_day(record: dict) -> str:
    return feed_time(record)[:10]
