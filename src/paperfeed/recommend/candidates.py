"""Which papers a window holds: those first published in it or put on the feed in it.

Every reader's For you ranks the same windows (today, this week, this month), so a window's
papers and their vectors are kept in the process until the papers or the index change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from paperfeed.core import feed_version
from paperfeed.papers.models import Listing, Paper
from paperfeed.recommend.vectors import VectorSpace

BACKGROUND_SAMPLE = 1000  # papers drawn from the corpus as a reader's negatives
WINDOWS_KEPT = 6  # windows kept per process (a month of vectors is about 8 MB)
LARGEST_KEPT = 12_000  # a longer window (an API caller's year) is read afresh each time


@dataclass
class Window:
    pks: np.ndarray  # sorted
    vectors: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def candidates(self, space: VectorSpace, excluded: set[int]) -> tuple[np.ndarray, np.ndarray]:
        """The window's papers that have vectors in ``space``, less ``excluded``, and their vectors."""
        key = f"{space.name}:{space.version}"
        if key not in self.vectors:
            self.vectors = {key: space.matrix(self.pks.tolist())}  # an older space's are dropped
        pks, matrix = self.vectors[key]
        if not excluded or not len(pks):
            return pks, matrix
        keep = ~np.isin(pks, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
        return pks[keep], matrix[keep]


_lock = threading.Lock()
_windows: OrderedDict[tuple, Window] = OrderedDict()


def window(start: date, end: date) -> Window:
    """The window's papers, kept while the feed version (any write to papers) stays the same."""
    key = (start, end, feed_version.current())
    with _lock:
        found = _windows.get(key) if key[2] is not None else None
        if found is not None:
            _windows.move_to_end(key)
            return found
    made = Window(np.array(window_ids(start, end), dtype=np.int64))
    if key[2] is not None and len(made.pks) <= LARGEST_KEPT:
        with _lock:
            _windows[key] = made
            while len(_windows) > WINDOWS_KEPT:
                _windows.popitem(last=False)
    return made


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
