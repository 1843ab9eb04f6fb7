"""The merge rules: what a record changes in a stored paper, its authors and its listing.

Per paper, keyed by the arXiv id without version:

* A record whose ``source_updated`` is newer than the stored one (or any record when the
  stored row has none) overwrites every field it has; an older or equally fresh record, or one
  without ``source_updated`` over a stored row that has one, only fills fields that are empty
  (so re-importing the same day from two sources is stable). ``None`` never erases.
* ``version`` keeps the highest number seen. ``upvotes`` keeps the local votes:
  ``upvotes = imported_upvotes + (stored upvotes - stored imported_upvotes)`` (written by
  :func:`paperfeed.ingest.store.tables.write_papers`).
* Authors: a record with authors replaces the paper's authorships atomically (delete +
  insert, positions 0..n-1) when it may overwrite, or when the paper has none yet.
* Listing: created from the record when the paper has none; an imported listing is
  overwritten by a newer record; a listing made on this site (``imported=False``) is kept.
* Users named by the record (HF submitters and claimed authors) are imported accounts, found by
  their source's username and never attached to a local account (see
  :mod:`paperfeed.ingest.identities`).
* ``Paper.modified_at`` is set only when something about the paper changed, so an index can
  catch up with ``modified_at > last_run``.

Everything here works on plain values: nothing reads or writes the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from paperfeed.ingest.records import ListingRecord
from paperfeed.ingest.safe_values import checked_datetime
from paperfeed.ingest.store.authors import with_user_ids
from paperfeed.ingest.store.prepare import DATA_FIELDS, Prepared, record_values

# A paper the database does not hold yet, as a row to merge records into.
_NEW_PAPER = {
    "id": None,
    "version": None,
    "title": "",
    "abstract": "",
    "categories": "",
    "published": None,
    "updated": None,
    "arxiv_comment": "",
    "journal_ref": "",
    "doi": "",
    "github_repo": "",
    "github_stars": None,
    "project_page": "",
    "ai_summary": "",
    "ai_keywords": [],
    "organization": None,
    "thumbnail": "",
    "media_urls": [],
    "imported_upvotes": 0,
    "imported_comment_count": 0,
    "source_updated": None,
}


@dataclass
class Stored:
    """What the database holds of a batch's papers.

    ``papers`` maps arXiv ids to rows (``id`` and ``DATA_FIELDS``); ``authors`` and ``listings``
    map paper pks to author rows (the full form, user pks) and to
    ``(date, submitted_at, submitted_by_id, imported)``.
    """

    papers: dict[str, dict]
    authors: dict[int, tuple]
    listings: dict[int, tuple]


@dataclass
class Merged:
    """A batch's papers after merging its records, by arXiv id: rows, authors, listings
    (``None`` where the paper has none)."""

    papers: dict[str, dict]
    authors: dict[str, tuple | None]
    listings: dict[str, tuple | None]


def merge_items(items: list[Prepared], stored: Stored, user_ids: dict[str, int]) -> Merged:
    """Apply ``items`` in order to what is ``stored`` (a paper may be named more than once)."""
    papers: dict[str, dict] = {}
    authors: dict[str, tuple | None] = {}
    listings: dict[str, tuple | None] = {}
    for item in items:
        arxiv_id, _absent, author_rows, listing, _users, _row = item
        if arxiv_id not in papers:
            row = stored.papers.get(arxiv_id)
            papers[arxiv_id] = row if row is not None else {**_NEW_PAPER, "arxiv_id": arxiv_id}
            authors[arxiv_id] = stored.authors.get(row["id"]) if row else None
            listings[arxiv_id] = stored.listings.get(row["id"]) if row else None
        current = papers[arxiv_id]
        incoming = dict(zip(DATA_FIELDS, record_values(item), strict=True))
        fresh = is_fresh(incoming["source_updated"], current["source_updated"])
        papers[arxiv_id] = merge_paper(current, incoming, fresh)
        if author_rows and (fresh or not authors[arxiv_id]):
            # An empty author list says nothing, like None: it never erases authors.
            authors[arxiv_id] = with_user_ids(author_rows, user_ids)
        if listing is not None:
            listings[arxiv_id] = merge_listing(listings[arxiv_id], listing, fresh, user_ids)
    return Merged(papers, authors, listings)


def changed_papers(merged: Merged, stored: Stored) -> list[str]:
    """The arXiv ids (in batch order) of the merged papers that are new or differ from what is
    stored, in their row, their authors or their listing."""
    changed = []
    for arxiv_id, row in merged.papers.items():
        before = stored.papers.get(arxiv_id)
        if (
            before is None
            or any(row[name] != before[name] for name in DATA_FIELDS)
            or merged.authors[arxiv_id] != stored.authors.get(before["id"])
            or merged.listings[arxiv_id] != stored.listings.get(before["id"])
        ):
            changed.append(arxiv_id)
    return changed


def is_fresh(record_updated: datetime | None, stored_updated: datetime | None) -> bool:
    """May this record overwrite stored values (rather than only fill empty ones)?

    Only a strictly newer record may. Two sources often carry the same day (an HF snapshot and
    the arXiv listing of that day) with slightly different text; letting equals overwrite would
    make each re-run flip the paper between them and report changes that are none.
    """
    if stored_updated is None:
        return True
    return record_updated is not None and record_updated > stored_updated


def merge_paper(stored: dict, incoming: dict, fresh: bool) -> dict:
    """The paper row after applying ``incoming`` (from
    :func:`~paperfeed.ingest.store.prepare.record_fields`) to ``stored``."""
    merged = dict(stored)
    for name, value in incoming.items():
        if value is None or name == "source_updated":
            continue
        if name == "version":
            merged[name] = max(value, stored[name] or 0)
        elif fresh or not stored[name]:
            merged[name] = value
    if fresh and incoming["source_updated"] is not None:
        merged["source_updated"] = incoming["source_updated"]
    return merged


def merge_listing(
    stored: tuple | None, listing: ListingRecord, fresh: bool, user_ids: dict[str, int]
) -> tuple | None:
    """(date, submitted_at, submitted_by_id, imported) after applying a record's listing."""
    submitter = user_ids.get(listing.submitted_by.username) if listing.submitted_by else None
    submitted_at = checked_datetime(listing.submitted_at, "date")
    day: date = listing.date
    if stored is None:
        return (day, submitted_at, submitter, True)
    stored_day, stored_at, stored_by, imported = stored
    if not imported:
        return stored  # submitted on this site: the community's own listing wins
    if fresh:
        return (day, submitted_at, submitter if submitter is not None else stored_by, True)
    return (stored_day, stored_at, stored_by if stored_by is not None else submitter, True)
