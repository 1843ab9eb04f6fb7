"""Which papers a window holds: those first published in it or put on the feed in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from paperfeed.papers.models import Listing, Paper

BACKGROUND_SAMPLE = 1000  # papers drawn from the corpus as a reader's negatives


def window_ids(start: date, end: date) -> list[int]:
    """Visible papers published, or listed on the feed, from ``start`` to ``end`` (both included)."""
    first = datetime.combine(start, time.min, tzinfo=UTC)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    published = Paper.objects.visible().filter(published__gte=first, published__lt=after)
    listed = Listing.objects.filter(date__gte=start, date__lte=end, hidden=False, paper__hidden=False)
    ids = set(published.values_list("pk", flat=True))
    ids.update(listed.values_list("paper_id", flat=True))
    return sorted(ids)


def background_ids(exclude: set[int], seed: int, count: int = BACKGROUND_SAMPLE) -> list[int]:
    """A fixed random sample of the corpus for one reader (the same for the same seed)."""
    pool = np.fromiter(Paper.objects.visible().values_list("pk", flat=True).iterator(), dtype=np.int64)
    if exclude:
        pool = pool[~np.isin(pool, np.fromiter(exclude, dtype=np.int64))]
    if len(pool) <= count:
        return pool.tolist()
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(pool, size=count, replace=False)).tolist()
