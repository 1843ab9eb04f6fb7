"""Write :class:`~paperfeed.ingest.records.PaperRecord` objects into the database, fast and idempotently.

Every source (JSONL dumps, OAI-PMH, the arXiv API) ends here::

    from paperfeed.ingest.store import upsert_records

    stats = upsert_records(records)            # any iterable, consumed lazily
    stats.new, stats.updated, stats.unchanged, stats.rejected
    stats.changed_ids                          # Paper pks inserted or changed, for the search index

The package, in the order a record goes through it:

* :mod:`.prepare`: a record checked and normalised into the rows it writes (:data:`Prepared`);
  :mod:`.authors`: its author rows and the imported accounts they name.
* :mod:`.merge`: the merge rules, as pure functions (what a record changes in a stored paper).
* :mod:`.batches`: one batch in one transaction: look up, merge, write (new papers take a fast
  path); :mod:`.tables`: the reads and writes of the paper, authorship and listing tables;
  :mod:`.dialect`: the SQL that makes them fast on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from paperfeed.ingest.records import PaperRecord, RecordError
from paperfeed.ingest.safe_values import safe_record
from paperfeed.ingest.store.batches import FreshLoad, UpsertStats, write_prepared_batch
from paperfeed.ingest.store.prepare import Prepared, prepare_record
from paperfeed.papers.arxiv_ids import InvalidArxivId

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "Prepared",
    "UpsertStats",
    "prepare_record",
    "upsert_batch",
    "upsert_prepared",
    "upsert_records",
]

DEFAULT_BATCH_SIZE = 2000


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
    return _in_batches(records, batch_size, upsert_batch, on_batch, collect_ids)


def upsert_prepared(
    items: Iterable[Prepared],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[UpsertStats, int], None] | None = None,
    collect_ids: bool = True,
) -> UpsertStats:
    """Like :func:`upsert_records` for records already turned into rows by :func:`prepare_record`
    (which a file import does in another process, while this one writes)."""
    fresh_load = FreshLoad.begin()

    def write(batch: list[Prepared]) -> UpsertStats:
        nonlocal fresh_load
        stats = write_prepared_batch(batch, fresh_load)
        if fresh_load is not None and fresh_load.too_large:
            fresh_load = None  # from now on every batch looks its papers up
        return stats

    return _in_batches(items, batch_size, write, on_batch, collect_ids)


def upsert_batch(records: list[PaperRecord]) -> UpsertStats:
    """Write one batch in one transaction (see :mod:`.merge` for the merge rules)."""
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


def _in_batches(
    items: Iterable,
    batch_size: int,
    write: Callable[[list], UpsertStats],
    on_batch: Callable[[UpsertStats, int], None] | None,
    collect_ids: bool,
) -> UpsertStats:
    """``write`` each batch of ``items`` (one transaction each), adding up what they did."""
    total = UpsertStats()
    for batch in _chunks(items, batch_size):
        stats = write(batch)
        if not collect_ids:
            stats.changed_ids = []
        total.add(stats)
        if on_batch is not None:
            on_batch(stats, len(batch))
    return total


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
