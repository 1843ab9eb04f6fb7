"""Write :class:`~paperfeed.ingest.records.PaperRecord` objects into the database, fast and idempotently.

Every source (JSONL dumps, OAI-PMH, the arXiv API) ends here::

    from paperfeed.ingest.store import upsert_records

    stats = upsert_records(records)            # any iterable, consumed lazily
    stats.new, stats.updated, stats.unchanged, stats.rejected
    stats.changed_ids                          # Paper pks inserted or changed, for the search index

Merge rules (per paper, keyed by the arXiv id without version):

* A record whose ``source_updated`` is newer than the stored one (or any record when the
  stored row has none) overwrites every field it has; an older or equally fresh record, or one
  without ``source_updated`` over a stored row that has one, only fills fields that are empty
  (so re-importing the same day from two sources is stable). ``None`` never erases.
* ``version`` keeps the highest number seen. ``upvotes`` keeps the local votes:
  ``upvotes = imported_upvotes + (stored upvotes - stored imported_upvotes)``.
* Authors: a record with authors replaces the paper's authorships atomically (delete +
  insert, positions 0..n-1) when it may overwrite, or when the paper has none yet.
* Listing: created from the record when the paper has none; an imported listing is
  overwritten by a newer record; a listing made on this site (``imported=False``) is kept.
* Users named by the record (HF submitters and claimed authors) are imported accounts, found by
  their source's username and never attached to a local account (see :mod:`.identities`).
* Titles and abstracts get their whitespace normalised (arXiv wraps lines). A missing GitHub
  repo or project page is looked for in the comments and the abstract.
* ``Paper.modified_at`` is set only when something about the paper changed, so an index can
  catch up with ``modified_at > last_run``.

Papers the database does not hold yet, named once in their batch, take a fast path: their rows
are inserted directly (plain INSERTs, no merge), which gives the same rows as merging them
into an empty paper would. Should another writer insert one of them meanwhile, the batch
is rolled back and written again by merging.

Each batch is one transaction: a paper, its authorships and its listing are written
together or not at all, so an interrupted import is resumed by running it again. Inside an
outer ``transaction.atomic()`` the batches become savepoints of the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import chain, islice, repeat
from operator import itemgetter

import orjson
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from paperfeed.ingest.identities import upsert_imported_users
from paperfeed.ingest.records import ListingRecord, PaperRecord, RecordError, UserRecord
from paperfeed.ingest.safe_values import checked_datetime, checked_int, safe_record
from paperfeed.ingest.shapes import cached_arxiv_id
from paperfeed.ingest.text import normalize_space
from paperfeed.papers import links
from paperfeed.papers.arxiv_ids import InvalidArxivId
from paperfeed.papers.models import Authorship, Listing, Paper

DEFAULT_BATCH_SIZE = 2000

# Paper columns written from records, in SQL column order.
_DATA_FIELDS = (
    "version",
    "title",
    "abstract",
    "categories",
    "published",
    "updated",
    "arxiv_comment",
    "journal_ref",
    "doi",
    "github_repo",
    "github_stars",
    "project_page",
    "ai_summary",
    "ai_keywords",
    "organization",
    "thumbnail",
    "media_urls",
    "imported_upvotes",
    "imported_comment_count",
    "source_updated",
)
_JSON_FIELDS = frozenset({"ai_keywords", "organization", "media_urls"})
_DATETIME_FIELDS = frozenset({"published", "updated", "source_updated"})
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
_PAPER_COLUMNS = ("arxiv_id", *_DATA_FIELDS, "upvotes", "hidden", "created_at", "modified_at")
_FIELD_BITS = tuple(1 << position for position in range(len(_DATA_FIELDS)))
# The parts of a Prepared record that every batch reads.
_ARXIV_ID = itemgetter(0)
_NEW_ROW = itemgetter(5)
# (hidden, status, username) of an author who is no more than a name.
_PLAIN_AUTHOR = (False, "", None)
# Column widths the database enforces (PostgreSQL does, SQLite does not): values longer than
# this are cut (text) or dropped (URLs, where a cut value would be a broken link).
_MAX_CATEGORIES = 300
_MAX_DOI = 200
_MAX_URL = {"github_repo": 300, "project_page": 500, "thumbnail": 500}
_MAX_AUTHOR_NAME = 300
# Parameters per "IN (...)" query: well under SQLite's and PostgreSQL's limits.
_IN_CHUNK = 5000


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


def upsert_records(
    records: Iterable[PaperRecord],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[UpsertStats, int], None] | None = None,
    collect_ids: bool = True,
) -> UpsertStats:
    """Insert or merge ``records`` into papers, authorships, listings and users.

    ``records`` is consumed lazily in batches of ``batch_size``; each batch is one transaction.
    ``on_batch(batch_stats, records_in_batch)`` is called after each committed batch (for
    progress bars). Records with an invalid arXiv id are counted in ``rejected`` and listed in
    ``errors`` instead of being written. With ``collect_ids=False`` ``changed_ids`` stays empty
    (saves memory on very large imports).
    """
    total = UpsertStats()
    for batch in _chunks(records, batch_size):
        stats = upsert_batch(batch)
        if not collect_ids:
            stats.changed_ids = []
        total.add(stats)
        if on_batch is not None:
            on_batch(stats, len(batch))
    return total


def upsert_prepared(
    items: Iterable[Prepared],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[UpsertStats, int], None] | None = None,
    collect_ids: bool = True,
) -> UpsertStats:
    """Like :func:`upsert_records` for records already turned into rows by :func:`prepare_record`
    (which a file import does in another process, while this one writes)."""
    total = UpsertStats()
    fresh_load = FreshLoad.begin()
    for batch in _chunks(items, batch_size):
        stats = write_prepared_batch(batch, fresh_load)
        if fresh_load is not None and fresh_load.too_large:
            fresh_load = None  # from now on every batch looks its papers up
        if not collect_ids:
            stats.changed_ids = []
        total.add(stats)
        if on_batch is not None:
            on_batch(stats, len(batch))
    return total


def upsert_batch(records: list[PaperRecord]) -> UpsertStats:
    """Write one batch in one transaction (see the module docstring for the merge rules)."""
    rejected = UpsertStats()
    items = []
    for record in records:
        try:
            items.append(prepare_record(safe_record(record)))  # (file lines are made safe as read)
        except (InvalidArxivId, RecordError) as error:
            rejected.rejected += 1
            rejected.errors.append((str(record.arxiv_id or "?"), str(error)))
    stats = write_prepared_batch(items) if items else UpsertStats()
    stats.add(rejected)
    return stats


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
        fresh_load.written.update(map(_ARXIV_ID, items))
    return stats


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- normalising one record -------------------------------------------------------------------


def _aware(value: datetime | None, what: str = "date") -> datetime | None:
    """An aware UTC datetime; :class:`RecordError` for anything else or a date out of range."""
    return checked_datetime(value, what)


def _url_or_none(name: str, value: str | None) -> str | None:
    return value if value is not None and len(value) <= _MAX_URL[name] else None


def record_fields(record: PaperRecord) -> dict:
    """The Paper columns a record provides (``None`` = the record does not say)."""
    abstract = normalize_space(record.abstract)
    comment = normalize_space(record.comments)
    github_repo = links.normalize_github_repo(record.github_repo) or links.find_github_repo(comment, abstract)
    project_page = links.normalize_project_page(record.project_page) or links.find_project_page(
        comment, abstract
    )
    categories = " ".join(record.categories)[:_MAX_CATEGORIES] if record.categories is not None else None
    if categories and len(categories) == _MAX_CATEGORIES and " " in categories:
        categories = categories.rsplit(" ", 1)[0]  # never keep half a category
    return {
        "version": record.version,
        "title": normalize_space(record.title),
        "abstract": abstract,
        "categories": categories,
        "published": _aware(record.published, "published"),
        "updated": _aware(record.updated, "updated"),
        "arxiv_comment": comment,
        "journal_ref": normalize_space(record.journal_ref),
        "doi": record.doi.strip()[:_MAX_DOI] if record.doi is not None else None,
        "github_repo": _url_or_none("github_repo", github_repo),
        "github_stars": record.github_stars,
        "project_page": _url_or_none("project_page", project_page),
        "ai_summary": normalize_space(record.ai_summary),
        "ai_keywords": record.ai_keywords,
        "organization": record.organization,
        "thumbnail": _url_or_none("thumbnail", record.thumbnail),
        "media_urls": record.media_urls,
        "imported_upvotes": record.upvotes,
        "imported_comment_count": record.num_comments,
        "source_updated": _aware(record.source_updated, "source_updated"),
    }


# A record ready to be written: (arxiv id without version, which of _DATA_FIELDS the record
# leaves out (bit i for field i: it says nothing, None), its authors or None, its listing, the
# users it names, and its INSERT parameters should the paper be new, without created_at and
# modified_at). Authors are rows (name, hidden, status, username or None), or names alone when
# every author is a plain one (not hidden, no status, no user: every arXiv author).
#
# Plain tuples, cheap to pickle between processes: the values to merge into a stored paper are
# read back from the INSERT parameters and the bits (see record_values), only for the few
# records that need merging.
Prepared = tuple[str, int, tuple | None, ListingRecord | None, tuple[UserRecord, ...], tuple]


def prepare_record(record: PaperRecord) -> Prepared:
    """Validate and normalise one record into the values it writes; raise
    :class:`~paperfeed.papers.arxiv_ids.InvalidArxivId` or :class:`RecordError` if it cannot be."""
    parsed = cached_arxiv_id(record.arxiv_id)
    if not (record.title and record.title.strip()):
        raise RecordError("the record has no title")
    fields = record_fields(record)
    if parsed.version and (fields["version"] or 0) < parsed.version:
        fields["version"] = checked_int(parsed.version, "the id's version", "version")  # "…v3": 3
    authors = None
    if record.authors:
        authors = tuple(
            (
                " ".join(author.name.split())[:_MAX_AUTHOR_NAME],
                bool(author.hidden),
                author.status or "",
                author.user.username if author.user is not None else None,
            )
            for author in record.authors
            if author.name and author.name.strip()
        )
        if all(row[1:] == _PLAIN_AUTHOR for row in authors):
            authors = tuple(row[0] for row in authors)
    return (
        parsed.id,
        absent_fields(fields.values()),
        authors,
        record.listing,
        tuple(_users_of(record)),
        _new_paper_row(parsed.id, fields, _datetime_adapter()),
    )


def _new_paper_row(arxiv_id: str, fields: dict, adapt: Callable[[datetime | None], object]) -> tuple:
    """The INSERT parameters (``_PAPER_COLUMNS`` but the two timestamps) of a paper made from
    one record: what merging the record into an empty paper (``_NEW_PAPER``) gives."""
    version = fields["version"]
    upvotes = fields["imported_upvotes"]
    if upvotes is None:
        upvotes = 0
    comment_count = fields["imported_comment_count"]
    ai_keywords = fields["ai_keywords"]
    media_urls = fields["media_urls"]
    return (
        arxiv_id,
        None if version is None else max(version, 0),
        fields["title"] or "",
        fields["abstract"] or "",
        fields["categories"] or "",
        adapt(fields["published"]),
        adapt(fields["updated"]),
        fields["arxiv_comment"] or "",
        fields["journal_ref"] or "",
        fields["doi"] or "",
        fields["github_repo"] or "",
        fields["github_stars"],
        fields["project_page"] or "",
        fields["ai_summary"] or "",
        "[]" if ai_keywords is None else _json(ai_keywords),
        _json(fields["organization"]),
        fields["thumbnail"] or "",
        "[]" if media_urls is None else _json(media_urls),
        upvotes,
        0 if comment_count is None else comment_count,
        adapt(fields["source_updated"]),
        upvotes,  # no local votes yet
        False,  # hidden
    )


def absent_fields(values: Iterable[object]) -> int:
    """The bits of :data:`Prepared` for a record's values in ``_DATA_FIELDS`` order: which are None."""
    absent = 0
    for bit, value in zip(_FIELD_BITS, values, strict=True):
        if value is None:
            absent |= bit
    return absent


def record_values(item: Prepared) -> tuple:
    """A prepared record's values in ``_DATA_FIELDS`` order, as :func:`record_fields` gave them
    (None where the record says nothing), read back from its INSERT parameters."""
    absent, row = item[1], item[5]
    values = []
    for position, name in enumerate(_DATA_FIELDS):
        if absent & _FIELD_BITS[position]:
            values.append(None)
            continue
        value = row[position + 1]  # the parameters start with the arXiv id
        if name in _DATETIME_FIELDS:
            value = _from_database_datetime(value)
        elif name in _JSON_FIELDS:
            value = orjson.loads(value)
        values.append(value)
    return tuple(values)


def _is_fresh(record_updated: datetime | None, stored_updated: datetime | None) -> bool:
    """May this record overwrite stored values (rather than only fill empty ones)?

    Only a strictly newer record may. Two sources often carry the same day (an HF snapshot and
    the arXiv listing of that day) with slightly different text; letting equals overwrite would
    make each re-run flip the paper between them and report changes that are none.
    """
    if stored_updated is None:
        return True
    return record_updated is not None and record_updated > stored_updated


def merge_paper(stored: dict, incoming: dict, fresh: bool) -> dict:
    """The paper row after applying ``incoming`` (from :func:`record_fields`) to ``stored``."""
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


# --- writing a batch --------------------------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _json(value: object) -> str | None:
    if value is None:
        return None
    if value == []:
        return "[]"
    return orjson.dumps(value).decode()


def _sqlite_datetime(value: datetime | None) -> str | None:
    # What Django's SQLite backend stores: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def _datetime_adapter() -> Callable[[datetime | None], object]:
    """A fast stand-in for ``connection.ops.adapt_datetimefield_value`` (all values are aware UTC)."""
    if connection.vendor == "sqlite":
        return _sqlite_datetime
    return connection.ops.adapt_datetimefield_value


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
        named = Counter(map(_ARXIV_ID, items))
        looked_up = list(named)
        if self.fresh_load is not None:
            # Into a table that was empty: only papers this load wrote, or that the batch names
            # twice (merged, not inserted), need a look.
            written = self.fresh_load.written
            looked_up = [a for a in looked_up if named[a] > 1 or a in written]
        stored = self._load_papers(looked_up) if looked_up else {}
        user_ids = upsert_imported_users(user for item in items for user in item[4])
        new_items: list[Prepared] = []
        if self.fast_path:
            # New papers named once in the batch need no merge: their rows are the records'.
            new_items = [item for item in items if named[item[0]] == 1 and item[0] not in stored]
            if new_items:
                fast = {item[0] for item in new_items}
                items = [item for item in items if item[0] not in fast]
        stored_pks = [row["id"] for row in stored.values()]
        stored_authors = self._load_authorships(stored_pks)
        stored_listings = self._load_listings(stored_pks)

        papers: dict[str, dict] = {}
        authors: dict[str, tuple | None] = {}
        listings: dict[str, tuple | None] = {}
        for item in items:
            arxiv_id, _absent, author_rows, listing, _users, _row = item
            if arxiv_id not in papers:
                row = stored.get(arxiv_id)
                papers[arxiv_id] = row if row is not None else {**_NEW_PAPER, "arxiv_id": arxiv_id}
                authors[arxiv_id] = stored_authors.get(row["id"]) if row else None
                listings[arxiv_id] = stored_listings.get(row["id"]) if row else None
            current = papers[arxiv_id]
            incoming = dict(zip(_DATA_FIELDS, record_values(item), strict=True))
            fresh = _is_fresh(incoming["source_updated"], current["source_updated"])
            papers[arxiv_id] = merge_paper(current, incoming, fresh)
            if author_rows and (fresh or not authors[arxiv_id]):
                # An empty author list says nothing, like None: it never erases authors.
                authors[arxiv_id] = _with_user_ids(author_rows, user_ids)
            if listing is not None:
                listings[arxiv_id] = _merge_listing(listings[arxiv_id], listing, fresh, user_ids)

        changed = []
        for arxiv_id, row in papers.items():
            before = stored.get(arxiv_id)
            if before is None:
                self.stats.new += 1
            elif (
                any(row[name] != before[name] for name in _DATA_FIELDS)
                or authors[arxiv_id] != stored_authors.get(before["id"])
                or listings[arxiv_id] != stored_listings.get(before["id"])
            ):
                self.stats.updated += 1
            else:
                self.stats.unchanged += 1
                continue
            changed.append(arxiv_id)
        if not changed and not new_items:
            return self.stats

        self._write_papers([papers[arxiv_id] for arxiv_id in changed])
        pks = self._insert_new_papers(new_items)
        new_ids = [item[0] for item in new_items]
        pks.update(self._paper_pks([a for a in changed + new_ids if a not in pks], stored))
        self.stats.new += len(new_items)
        self.new_pks = {pks[a] for a in new_ids} | {pks[a] for a in changed if a not in stored}
        by_paper = {
            pks[a]: authors[a]
            for a in changed
            if authors[a] is not None and authors[a] != stored_authors.get(pks[a])
        }
        listed = {
            pks[a]: listings[a]
            for a in changed
            if listings[a] is not None and listings[a] != stored_listings.get(pks[a])
        }
        for arxiv_id, _absent, author_rows, listing, users, _row in new_items:
            if author_rows:
                # A record that names no users has no usernames in its author rows.
                by_paper[pks[arxiv_id]] = _with_user_ids(author_rows, user_ids) if users else author_rows
            if listing is not None:
                listed[pks[arxiv_id]] = _merge_listing(None, listing, True, user_ids)
        self._write_authorships(by_paper)
        self._write_listings(listed)
        self.stats.changed_ids = [pks[a] for a in changed] + [pks[a] for a in new_ids]
        return self.stats

    # -- reading what is stored

    def _load_papers(self, ids: list[str]) -> dict[str, dict]:
        if connection.vendor == "sqlite":
            # SQLite has no row locks (a writer holds the database); plain SQL is much faster.
            return _load_papers_sqlite(ids)
        # A cheap raw look first: on a fresh import nothing exists and the ORM load is skipped.
        existing = list(_ids_of_existing(ids))
        if not existing:
            return {}
        rows = Paper.objects.filter(arxiv_id__in=[arxiv_id for arxiv_id, _ in existing])
        if connection.features.has_select_for_update:
            rows = rows.select_for_update()  # a concurrent import or vote waits for this batch
        return {row["arxiv_id"]: row for row in rows.values("id", "arxiv_id", *_DATA_FIELDS)}

    def _load_authorships(self, paper_ids: list[int]) -> dict[int, tuple]:
        found: dict[int, list] = {}
        if not paper_ids:
            return {}
        # Plain SQL: Django's per-row conversion costs more than the query. (On SQLite ``hidden``
        # comes back as 0/1, which compares equal to the booleans of incoming rows.)
        table = _quote(Authorship._meta.db_table)
        columns = ", ".join(map(_quote, ("paper_id", "name", "hidden", "status", "user_id")))
        order = f" ORDER BY {_quote('paper_id')}, {_quote('position')}"
        with connection.cursor() as cursor:
            for paper_id, *author in _select_in(
                cursor, f"SELECT {columns} FROM {table}", "paper_id", paper_ids, order
            ):
                found.setdefault(paper_id, []).append(tuple(author))
        return {paper_id: tuple(rows) for paper_id, rows in found.items()}

    def _load_listings(self, paper_ids: list[int]) -> dict[int, tuple]:
        if not paper_ids:
            return {}
        rows = Listing.objects.filter(paper_id__in=paper_ids).values_list(
            "paper_id", "date", "submitted_at", "submitted_by_id", "imported"
        )
        return {paper_id: tuple(rest) for paper_id, *rest in rows}

    # -- writing

    def _write_papers(self, rows: list[dict]) -> None:
        if not rows:
            return
        table = _quote(Paper._meta.db_table)
        columns = _PAPER_COLUMNS
        updates = [f"{_quote(c)} = excluded.{_quote(c)}" for c in (*_DATA_FIELDS, "modified_at")]
        # Local votes survive: the stored upvotes minus the stored imported part.
        updates.append(
            f"{_quote('upvotes')} = {table}.{_quote('upvotes')} - {table}.{_quote('imported_upvotes')}"
            f" + excluded.{_quote('imported_upvotes')}"
        )
        head = f"INSERT INTO {table} ({', '.join(_quote(c) for c in columns)}) VALUES "
        tail = f" ON CONFLICT ({_quote('arxiv_id')}) DO UPDATE SET {', '.join(updates)}"
        adapt = _datetime_adapter()
        now = adapt(self.now)
        params = []
        for row in rows:
            values = [row["arxiv_id"]]
            for name in _DATA_FIELDS:
                value = row[name]
                if name in _JSON_FIELDS:
                    value = _json(value)
                elif name in _DATETIME_FIELDS:
                    value = adapt(value)
                values.append(value)
            values += [row["imported_upvotes"], False, now, now]
            params.append(values)
        _insert_rows(head, len(columns), params, tail)

    def _insert_new_papers(self, items: list[Prepared]) -> dict[str, int]:
        """The fast path: plain INSERTs of papers the database does not hold (a concurrent insert
        of the same paper fails the batch, which is then merged instead).

        Returns the pks of the papers inserted where they are known without asking: on SQLite
        the batch holds the database's write lock, so it numbers the papers itself exactly as
        AUTOINCREMENT would (after the largest id ever used) and needs no query to learn them.
        """
        if not items:
            return {}
        now = _datetime_adapter()(self.now)
        stamps = (now, now)
        table = _quote(Paper._meta.db_table)
        if connection.vendor != "sqlite":
            _append_rows(table, _PAPER_COLUMNS, [item[5] + stamps for item in items])
            return {}
        first = _next_sqlite_pk(Paper._meta.db_table)
        pks = range(first, first + len(items))
        stamp_column = [now] * len(items)
        by_column = [pks, *zip(*map(_NEW_ROW, items), strict=True), stamp_column, stamp_column]
        _sqlite_insert(table, ("id", *_PAPER_COLUMNS), by_column)
        return {item[0]: pk for pk, item in zip(pks, items, strict=True)}

    def _paper_pks(self, arxiv_ids: list[str], stored: dict[str, dict]) -> dict[str, int]:
        pks = {a: stored[a]["id"] for a in arxiv_ids if a in stored}
        fresh = [a for a in arxiv_ids if a not in stored]
        pks.update(_ids_of_existing(fresh))
        return pks

    def _write_authorships(self, by_paper: dict[int, tuple]) -> None:
        if not by_paper:
            return
        table = _quote(Authorship._meta.db_table)
        with connection.cursor() as cursor:
            ids = [pk for pk in by_paper if pk not in self.new_pks]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {table} WHERE {_quote('paper_id')} IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
        # Column by column (what the SQLite path wants), extended a paper at a time.
        paper_ids: list[int] = []
        positions: list[int] = []
        names: list[str] = []
        hidden: list[bool] = []
        statuses: list[str] = []
        user_ids: list[int | None] = []
        for paper_id, rows in by_paper.items():
            count = len(rows)
            paper_ids.extend(repeat(paper_id, count))
            positions.extend(range(count))
            if _names_only(rows):
                names.extend(rows)
                hidden.extend(repeat(False, count))
                statuses.extend(repeat("", count))
                user_ids.extend(repeat(None, count))
            else:
                for name, is_hidden, status, user_id in rows:
                    names.append(name)
                    hidden.append(is_hidden)
                    statuses.append(status)
                    user_ids.append(user_id)
        if names:
            _append_columns(
                table,
                ("paper_id", "position", "name", "hidden", "status", "user_id"),
                [paper_ids, positions, names, hidden, statuses, user_ids],
            )

    def _write_listings(self, by_paper: dict[int, tuple]) -> None:
        if not by_paper:
            return
        table = _quote(Listing._meta.db_table)
        ops = connection.ops
        adapt = _datetime_adapter()
        cols = ("paper_id", "date", "submitted_at", "submitted_by_id", "imported", "hidden")
        updates = ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in cols[1:5])
        _insert_rows(
            f"INSERT INTO {table} ({', '.join(_quote(c) for c in cols)}) VALUES ",
            len(cols),
            [
                (paper_id, ops.adapt_datefield_value(day), adapt(submitted_at), submitted_by, imported, False)
                for paper_id, (day, submitted_at, submitted_by, imported) in by_paper.items()
            ],
            f" ON CONFLICT ({_quote('paper_id')}) DO UPDATE SET {updates}",
        )


def _append_rows(table: str, columns: tuple[str, ...], rows: list) -> None:
    """Insert ``rows`` (no conflict handling): COPY on PostgreSQL, else :func:`_sqlite_insert`.

    COPY streams the rows to the server in one command, several times faster than even a
    pipelined executemany; a duplicate key still fails the whole COPY (and so the batch).
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        import psycopg

        names = ", ".join(map(_quote, columns))
        with (
            psycopg.Cursor(connection.connection) as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    elif connection.vendor == "sqlite":
        _sqlite_insert(table, columns, list(zip(*rows, strict=True)))
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        names = ", ".join(map(_quote, columns))
        _insert_rows(f"INSERT INTO {table} ({names}) VALUES ", len(columns), rows)


def _append_columns(table: str, columns: tuple[str, ...], by_column: list[Sequence]) -> None:
    """:func:`_append_rows` of rows given column by column (equally long sequences)."""
    if connection.vendor == "sqlite":
        _sqlite_insert(table, columns, by_column)
    else:
        _append_rows(table, columns, list(zip(*by_column, strict=True)))


# Columns that hold booleans (stored as 0/1 by SQLite), where False and 0 are the same value.
_BOOLEAN_COLUMNS = frozenset({"hidden", "imported"})


# Rows per multi-row INSERT statement (fewer if the statement would bind too many values).
_SQLITE_ROWS_PER_INSERT = 500


def _sqlite_insert(table: str, columns: tuple[str, ...], by_column: list[Sequence]) -> None:
    """INSERT rows, given column by column, on the sqlite3 connection itself, many per statement.

    Row by row, SQLite runs the statement once per row, and each run of an INSERT into an
    AUTOINCREMENT table reads and rewrites its ``sqlite_sequence`` entry; Python adds its own
    per-run work. One statement of hundreds of rows costs a quarter of that per row.

    A column that holds the same value in every row (NULL, an empty string, a timestamp, a
    boolean...) is written into the statement instead of bound: fewer values to bind, and
    sqlite3 binds ``None`` and ``bool`` only after a failed look for an adapter, which costs
    more than the rest of a row's values (arXiv rows hold a dozen such columns).
    """
    count = len(by_column[0])
    row_sql = []
    varying = []
    for name, values in zip(columns, by_column, strict=True):
        literal = _sqlite_literal(values[0], name in _BOOLEAN_COLUMNS)
        if literal is not None and values.count(values[0]) == count:
            row_sql.append(literal)
        else:
            row_sql.append("?")
            varying.append(values)
    one_row = f"({', '.join(row_sql)})"
    head = f"INSERT INTO {table} ({', '.join(map(_quote, columns))}) VALUES "
    raw = connection.connection  # Django's cursor wrapper would rewrite and wrap each call
    if not varying:
        raw.executemany(head + one_row, [()] * count)
        return
    width = len(varying)
    values = list(chain.from_iterable(zip(*varying, strict=True)))
    per_statement = max(1, min(_SQLITE_ROWS_PER_INSERT, _sqlite_max_variables(raw) // width))
    whole = count // per_statement
    if whole:
        step = per_statement * width
        raw.executemany(
            head + ", ".join([one_row] * per_statement),
            [values[start : start + step] for start in range(0, whole * step, step)],
        )
    if rest := count - whole * per_statement:
        raw.execute(head + ", ".join([one_row] * rest), values[whole * per_statement * width :])


def _sqlite_literal(value: object, boolean: bool) -> str | None:
    """``value`` as an SQL literal that SQLite stores exactly as it stores the bound value, or
    ``None`` where it would not bother (long text) or could not be sure."""
    if value is None:
        return "NULL"
    if boolean and type(value) in (bool, int):
        return "1" if value else "0"  # a boolean column holds 0/1 (False == 0 in count())
    if type(value) is str and len(value) <= 40 and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    if type(value) is int:  # (count() also matches a float equal to it: none occur here)
        return str(value)
    return None


def _sqlite_max_variables(raw) -> int:
    """How many values one statement may bind (32766 by default since SQLite 3.32, 999 before)."""
    return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def _next_sqlite_pk(table: str) -> int:
    """The id SQLite's AUTOINCREMENT would give the next row of ``table`` (call inside the write
    transaction): one past the largest id the table holds or ever held."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({_quote('id')}) FROM {_quote(table)}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        sequence = cursor.fetchone()
    return max(largest, sequence[0] if sequence else 0) + 1


def _insert_rows(head: str, width: int, rows: list, tail: str = "") -> None:
    """Run ``head`` + ``(%s, ...)`` + ``tail`` once per row of ``rows`` with executemany.

    On PostgreSQL a plain psycopg cursor (server-side parameters, pipelined) is used: Django's
    client-side-binding cursor spends more time quoting values in Python than the server
    spends inserting them.
    """
    if not rows:
        return
    sql = head + "(" + ", ".join(["%s"] * width) + ")" + tail
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.Cursor(connection.connection) as cursor:
            cursor.executemany(sql, rows)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _select_in(cursor, select: str, column: str, values: list, tail: str = "") -> Iterator[tuple]:
    """Rows of ``select ... WHERE column IN (values) tail``, asked in chunks of ``_IN_CHUNK`` values."""
    for start in range(0, len(values), _IN_CHUNK):
        chunk = values[start : start + _IN_CHUNK]
        cursor.execute(f"{select} WHERE {_quote(column)} IN ({', '.join(['%s'] * len(chunk))}){tail}", chunk)
        yield from cursor.fetchall()


def _ids_of_existing(arxiv_ids: list[str]) -> Iterator[tuple[str, int]]:
    """(arxiv_id, pk) of the papers among ``arxiv_ids`` that exist, by raw SQL (the ORM's
    per-parameter preparation costs more than the query for thousands of ids)."""
    table = _quote(Paper._meta.db_table)
    with connection.cursor() as cursor:
        yield from _select_in(
            cursor, f"SELECT {_quote('arxiv_id')}, {_quote('id')} FROM {table}", "arxiv_id", arxiv_ids
        )


def _load_papers_sqlite(ids: list[str]) -> dict[str, dict]:
    """The stored rows of the papers among ``ids``, as ``.values()`` would give them (aware UTC
    datetimes, decoded JSON), by plain SQL."""
    table = _quote(Paper._meta.db_table)
    columns = ("id", "arxiv_id", *_DATA_FIELDS)
    select = ", ".join(map(_quote, columns))
    found: dict[str, dict] = {}
    loads = orjson.loads
    with connection.cursor() as cursor:
        for values in _select_in(cursor, f"SELECT {select} FROM {table}", "arxiv_id", ids):
            row = dict(zip(columns, values, strict=True))
            for name in _DATETIME_FIELDS:
                row[name] = _from_database_datetime(row[name])
            for name in _JSON_FIELDS:
                if row[name] is not None:
                    row[name] = loads(row[name])
            found[row["arxiv_id"]] = row
    return found


def _from_database_datetime(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime from a stored or INSERT value: Django's SQLite backend stores naive
    UTC text (which its connection already turns into naive datetimes when reading a "datetime"
    column); PostgreSQL's are aware datetimes."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _users_of(record: PaperRecord) -> Iterator[UserRecord]:
    for author in record.authors or ():
        if author.user is not None:
            yield author.user
    if record.listing is not None and record.listing.submitted_by is not None:
        yield record.listing.submitted_by


def _names_only(author_rows: tuple) -> bool:
    """Are these authors given by name alone (every one a plain author, see Prepared)?"""
    return type(author_rows[0]) is str


def _with_user_ids(author_rows: tuple, user_ids: dict[str, int]) -> tuple:
    """Author rows (the full form, see Prepared) with the claimed username replaced by the user's pk."""
    if _names_only(author_rows):
        return tuple((name, *_PLAIN_AUTHOR) for name in author_rows)
    if not user_ids:
        if all(row[3] is None for row in author_rows):
            return author_rows
        return tuple((name, hidden, status, None) for name, hidden, status, _ in author_rows)
    return tuple(
        (name, hidden, status, user_ids.get(username) if username is not None else None)
        for name, hidden, status, username in author_rows
    )


def _merge_listing(stored: tuple | None, listing: ListingRecord, fresh: bool, user_ids: dict) -> tuple | None:
    """(date, submitted_at, submitted_by_id, imported) after applying a record's listing."""
    submitter = user_ids.get(listing.submitted_by.username) if listing.submitted_by else None
    submitted_at = _aware(listing.submitted_at)
    day: date = listing.date
    if stored is None:
        return (day, submitted_at, submitter, True)
    stored_day, stored_at, stored_by, imported = stored
    if not imported:
        return stored  # submitted on this site: the community's own listing wins
    if fresh:
        return (day, submitted_at, submitter if submitter is not None else stored_by, True)
    return (stored_day, stored_at, stored_by if stored_by is not None else submitter, True)
