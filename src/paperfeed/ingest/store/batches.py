"""Batch orchestration: one batch of prepared records merged and written in one transaction.

Papers the database does not hold yet, named once in their batch, take a fast path: their rows
are inserted directly (plain INSERTs, no merge), which gives the same rows as merging them
into an empty paper would. Should another writer insert one of them meanwhile, the batch
is rolled back and written again by merging.

Each batch is one transaction: a paper, its authorships and its listing are written
together or not at all, so an interrupted import is resumed by running it again. Inside an
outer ``transaction.atomic()`` the batches become savepoints of the caller's transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from paperfeed.ingest.identities import upsert_imported_users
from paperfeed.ingest.store.authors import with_user_ids
from paperfeed.ingest.store.merge import Merged, Stored, changed_papers, merge_items, merge_listing
from paperfeed.ingest.store.prepare import ARXIV_ID, Prepared
from paperfeed.ingest.store.tables import (
    ids_of_existing,
    insert_new_papers,
    load_authorships,
    load_listings,
    load_papers,
    write_authorships,
    write_listings,
    write_papers,
)
from paperfeed.papers.models import Paper


@dataclass
class UpsertStats:
    """What an upsert did. ``changed_ids`` holds the pks of papers inserted or changed."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    changed_ids: list[int] = field(default_factory=list)
    # (arxiv id or "?", reason) for records the store itself refused.
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.new + self.updated + self.unchanged

    def add(self, other: UpsertStats) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected
        self.changed_ids.extend(other.changed_ids)
        self.errors.extend(other.errors)


class FreshLoad:
    """The papers a load has written so far, when the paper table was empty as it began.

    Any other paper of a later batch is then new to the database, so the batch need not look
    it up before inserting it. Should another writer have inserted it meanwhile, the plain
    INSERT of the fast path fails and the batch is merged after looking everything up, as ever.
    """

    # Beyond this many papers the set is dropped (memory) and every batch looks its papers up.
    MAX_PAPERS = 3_000_000

    def __init__(self) -> None:
        self.written: set[str] = set()

    @classmethod
    def begin(cls) -> FreshLoad | None:
        """A tracker if the paper table is empty now, else ``None``."""
        return None if Paper.objects.exists() else cls()

    @property
    def too_large(self) -> bool:
        return len(self.written) > self.MAX_PAPERS


def write_prepared_batch(items: list[Prepared], fresh_load: FreshLoad | None = None) -> UpsertStats:
    """Write prepared records in one transaction; new papers take the fast path.

    With ``fresh_load`` (see :class:`FreshLoad`) papers it has not seen written are taken to be
    new without a look; the batch's papers are added to it once written.
    """
    try:
        with transaction.atomic():
            stats = _BatchWriter(timezone.now(), fresh_load=fresh_load).write(items)
    except (IntegrityError, connection.Database.IntegrityError):
        # (Bulk writes go through the driver's own cursors, whose errors Django does not wrap.)
        # Another writer inserted one of the "new" papers meanwhile: merge the batch instead.
        with transaction.atomic():
            stats = _BatchWriter(timezone.now(), fast_path=False).write(items)
    if fresh_load is not None:
        fresh_load.written.update(map(ARXIV_ID, items))
    return stats


class _BatchWriter:
    """Merges one batch against what is stored and writes only what changed."""

    def __init__(self, now: datetime, fast_path: bool = True, fresh_load: FreshLoad | None = None) -> None:
        self.now = now
        self.fast_path = fast_path
        self.fresh_load = fresh_load if fast_path else None
        self.stats = UpsertStats()
        # Papers this batch creates: they have no authorships to delete first.
        self.new_pks: set[int] = set()

    def write(self, items: list[Prepared]) -> UpsertStats:
        if not items:
            return self.stats
        named = Counter(map(ARXIV_ID, items))
        stored_papers = self._look_up(named)
        user_ids = upsert_imported_users(user for item in items for user in item[4])
        new_items, items = self._split_off_new(items, named, stored_papers)
        stored_pks = [row["id"] for row in stored_papers.values()]
        stored = Stored(stored_papers, load_authorships(stored_pks), load_listings(stored_pks))
        merged = merge_items(items, stored, user_ids)
        changed = self._count(merged, stored)
        if not changed and not new_items:
            return self.stats
        pks = self._write_papers(merged, changed, new_items, stored)
        authorships, listings = _changed_authorships_and_listings(merged, changed, stored, pks)
        _add_new_authorships_and_listings(new_items, pks, user_ids, authorships, listings)
        self._write_authorships(authorships)
        write_listings(listings)
        self.stats.changed_ids = [pks[a] for a in changed] + [pks[item[0]] for item in new_items]
        return self.stats

    def _look_up(self, named: Counter[str]) -> dict[str, dict]:
        """The stored rows of the batch's papers (``named``: how often the batch names each)."""
        looked_up = list(named)
        if self.fresh_load is not None:
            # Into a table that was empty: only papers this load wrote, or that the batch names
            # twice (merged, not inserted), need a look.
            written = self.fresh_load.written
            looked_up = [a for a in looked_up if named[a] > 1 or a in written]
        return self._load_papers(looked_up) if looked_up else {}

    def _load_papers(self, ids: list[str]) -> dict[str, dict]:
        return load_papers(ids)

    def _split_off_new(
        self, items: list[Prepared], named: Counter[str], stored_papers: dict[str, dict]
    ) -> tuple[list[Prepared], list[Prepared]]:
        """(the items of the fast path, the items to merge): new papers named once in the batch
        need no merge, their rows are the records'."""
        if not self.fast_path:
            return [], items
        new_items = [item for item in items if named[item[0]] == 1 and item[0] not in stored_papers]
        if new_items:
            fast = {item[0] for item in new_items}
            items = [item for item in items if item[0] not in fast]
        return new_items, items

    def _count(self, merged: Merged, stored: Stored) -> list[str]:
        """Count the merged papers as new, updated or unchanged; the arXiv ids of the first two."""
        changed = changed_papers(merged, stored)
        new = sum(1 for arxiv_id in changed if arxiv_id not in stored.papers)
        self.stats.new += new
        self.stats.updated += len(changed) - new
        self.stats.unchanged += len(merged.papers) - len(changed)
        return changed

    def _write_papers(
        self, merged: Merged, changed: list[str], new_items: list[Prepared], stored: Stored
    ) -> dict[str, int]:
        """Write the changed papers and insert the new ones; the pk of each by arXiv id."""
        write_papers([merged.papers[arxiv_id] for arxiv_id in changed], self.now)
        pks = self._insert_new_papers(new_items)
        new_ids = [item[0] for item in new_items]
        pks.update(_paper_pks([a for a in changed + new_ids if a not in pks], stored.papers))
        self.stats.new += len(new_items)
        self.new_pks = {pks[a] for a in new_ids} | {pks[a] for a in changed if a not in stored.papers}
        return pks

    def _insert_new_papers(self, items: list[Prepared]) -> dict[str, int]:
        return insert_new_papers(items, self.now)

    def _write_authorships(self, by_paper: dict[int, tuple]) -> None:
        write_authorships(by_paper, self.new_pks)


def _paper_pks(arxiv_ids: list[str], stored_papers: dict[str, dict]) -> dict[str, int]:
    pks = {a: stored_papers[a]["id"] for a in arxiv_ids if a in stored_papers}
    fresh = [a for a in arxiv_ids if a not in stored_papers]
    pks.update(ids_of_existing(fresh))
    return pks


def _changed_authorships_and_listings(
    merged: Merged, changed: list[str], stored: Stored, pks: dict[str, int]
) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """The authors and listings of the changed papers that differ from the stored ones, by pk."""
    authorships = {
        pks[a]: merged.authors[a]
        for a in changed
        if merged.authors[a] is not None and merged.authors[a] != stored.authors.get(pks[a])
    }
    listings = {
        pks[a]: merged.listings[a]
        for a in changed
        if merged.listings[a] is not None and merged.listings[a] != stored.listings.get(pks[a])
    }
    return authorships, listings


def _add_new_authorships_and_listings(
    new_items: list[Prepared],
    pks: dict[str, int],
    user_ids: dict[str, int],
    authorships: dict[int, tuple],
    listings: dict[int, tuple],
) -> None:
    """Add the authors and listings of the fast path's papers: the records' own, as merging each
    into an empty paper gives them."""
    for arxiv_id, _absent, author_rows, listing, users, _row in new_items:
        if author_rows:
            # A record that names no users has no usernames in its author rows.
            authorships[pks[arxiv_id]] = with_user_ids(author_rows, user_ids) if users else author_rows
        if listing is not None:
            listings[pks[arxiv_id]] = merge_listing(None, listing, True, user_ids)
