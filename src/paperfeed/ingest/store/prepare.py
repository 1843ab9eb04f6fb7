"""Record preparation: one :class:`~paperfeed.ingest.records.PaperRecord` checked and normalised
into the values it writes (a :data:`Prepared` tuple), before any database is asked.

Titles and abstracts get their whitespace normalised (arXiv wraps lines). A missing GitHub
repo or project page is looked for in the comments and the abstract. Values longer than their
column are cut (text) or dropped (URLs, where a cut value would be a broken link).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from operator import itemgetter

import orjson

from paperfeed.ingest.records import ListingRecord, PaperRecord, RecordError, UserRecord
from paperfeed.ingest.safe_values import checked_datetime, checked_int
from paperfeed.ingest.shapes import cached_arxiv_id
from paperfeed.ingest.store.authors import author_rows, users_of
from paperfeed.ingest.store.dialect import datetime_adapter, from_database_datetime, to_json
from paperfeed.ingest.text import normalize_space
from paperfeed.papers import links

# Paper columns written from records, in SQL column order (the order of record_fields).
DATA_FIELDS = (
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
JSON_FIELDS = frozenset({"ai_keywords", "organization", "media_urls"})
DATETIME_FIELDS = frozenset({"published", "updated", "source_updated"})
# The columns of a new paper's INSERT parameters (see Prepared), the two timestamps last.
PAPER_COLUMNS = ("arxiv_id", *DATA_FIELDS, "upvotes", "hidden", "created_at", "modified_at")
_FIELD_BITS = tuple(1 << position for position in range(len(DATA_FIELDS)))
# Column widths the database enforces (PostgreSQL does, SQLite does not): longer categories
# and DOIs are cut.
MAX_CATEGORIES = 300
MAX_DOI = 200
_MAX_URL = {"github_repo": 300, "project_page": 500, "thumbnail": 500}

# A record ready to be written: (arxiv id without version, which of DATA_FIELDS the record
# leaves out (bit i for field i: it says nothing, None), its authors or None (see
# .authors), its listing, the users it names, and its INSERT parameters should the paper be
# new, without created_at and modified_at).
#
# Plain tuples, cheap to pickle between processes: the values to merge into a stored paper are
# read back from the INSERT parameters and the bits (see record_values), only for the few
# records that need merging.
Prepared = tuple[str, int, tuple | None, ListingRecord | None, tuple[UserRecord, ...], tuple]
# The parts of a Prepared record that every batch reads.
ARXIV_ID = itemgetter(0)
NEW_ROW = itemgetter(5)


def prepare_record(record: PaperRecord) -> Prepared:
    """Validate and normalise one record into the values it writes; raise
    :class:`~paperfeed.papers.arxiv_ids.InvalidArxivId` or :class:`RecordError` if it cannot be."""
    parsed = cached_arxiv_id(record.arxiv_id)
    if not (record.title and record.title.strip()):
        raise RecordError("the record has no title")
    fields = record_fields(record)
    if parsed.version and (fields["version"] or 0) < parsed.version:
        fields["version"] = checked_int(parsed.version, "the id's version", "version")  # "…v3": 3
    return (
        parsed.id,
        absent_fields(fields.values()),
        author_rows(record.authors) if record.authors else None,
        record.listing,
        tuple(users_of(record)),
        _new_paper_row(parsed.id, fields, datetime_adapter()),
    )


def record_fields(record: PaperRecord) -> dict:
    """The Paper columns a record provides (``None`` = the record does not say)."""
    abstract = normalize_space(record.abstract)
    comment = normalize_space(record.comments)
    github_repo = links.normalize_github_repo(record.github_repo) or links.find_github_repo(comment, abstract)
    project_page = links.normalize_project_page(record.project_page) or links.find_project_page(
        comment, abstract
    )
    categories = " ".join(record.categories)[:MAX_CATEGORIES] if record.categories is not None else None
    if categories and len(categories) == MAX_CATEGORIES and " " in categories:
        categories = categories.rsplit(" ", 1)[0]  # never keep half a category
    return {
        "version": record.version,
        "title": normalize_space(record.title),
        "abstract": abstract,
        "categories": categories,
        "published": checked_datetime(record.published, "published"),
        "updated": checked_datetime(record.updated, "updated"),
        "arxiv_comment": comment,
        "journal_ref": normalize_space(record.journal_ref),
        "doi": record.doi.strip()[:MAX_DOI] if record.doi is not None else None,
        "github_repo": url_or_none("github_repo", github_repo),
        "github_stars": record.github_stars,
        "project_page": url_or_none("project_page", project_page),
        "ai_summary": normalize_space(record.ai_summary),
        "ai_keywords": record.ai_keywords,
        "organization": record.organization,
        "thumbnail": url_or_none("thumbnail", record.thumbnail),
        "media_urls": record.media_urls,
        "imported_upvotes": record.upvotes,
        "imported_comment_count": record.num_comments,
        "source_updated": checked_datetime(record.source_updated, "source_updated"),
    }


def url_or_none(name: str, value: str | None) -> str | None:
    """``value`` for the URL column ``name`` (github_repo, project_page or thumbnail), or ``None``
    if it is longer than the column: a cut URL would be a broken link."""
    return value if value is not None and len(value) <= _MAX_URL[name] else None


def _new_paper_row(arxiv_id: str, fields: dict, adapt: Callable[[datetime | None], object]) -> tuple:
    """The INSERT parameters (``PAPER_COLUMNS`` but the two timestamps) of a paper made from
    one record: what merging the record into an empty paper (see :mod:`.merge`) gives."""
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
        "[]" if ai_keywords is None else to_json(ai_keywords),
        to_json(fields["organization"]),
        fields["thumbnail"] or "",
        "[]" if media_urls is None else to_json(media_urls),
        upvotes,
        0 if comment_count is None else comment_count,
        adapt(fields["source_updated"]),
        upvotes,  # no local votes yet
        False,  # hidden
    )


def absent_fields(values: Iterable[object]) -> int:
    """The bits of :data:`Prepared` for a record's values in ``DATA_FIELDS`` order: which are None."""
    absent = 0
    for bit, value in zip(_FIELD_BITS, values, strict=True):
        if value is None:
            absent |= bit
    return absent


def record_values(item: Prepared) -> tuple:
    """A prepared record's values in ``DATA_FIELDS`` order, as :func:`record_fields` gave them
    (None where the record says nothing), read back from its INSERT parameters."""
    absent, row = item[1], item[5]
    values = []
    for position, name in enumerate(DATA_FIELDS):
        if absent & _FIELD_BITS[position]:
            values.append(None)
            continue
        value = row[position + 1]  # the parameters start with the arXiv id
        if name in DATETIME_FIELDS:
            value = from_database_datetime(value)
        elif name in JSON_FIELDS:
            value = orjson.loads(value)
        values.append(value)
    return tuple(values)
