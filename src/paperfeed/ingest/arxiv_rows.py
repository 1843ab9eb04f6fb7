"""Plain arXiv records straight to prepared rows, without the intermediate record objects.

Most lines of an arXiv dump are the plain ``arxiv`` shape (see :mod:`paperfeed.ingest.shapes`).
For those, :class:`PlainArxivRows` gives exactly what ``prepare_record(parse_record(data))``
gives, without building a :class:`PaperRecord` and an :class:`AuthorRecord` per author and
without normalising the many fields such a record never has. It also remembers what repeats
from line to line (dates and their database form). Anything else, and any line that is not
good, is left to the general path (``None``), so error messages do not change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from paperfeed.ingest.records import RecordError
from paperfeed.ingest.safe_values import column_range
from paperfeed.ingest.shapes import (
    cached_arxiv_id,
    category_list,
    detect_shape,
    parse_timestamp,
    repair_float_id,
    required_id,
    split_authors,
    string_list,
)
from paperfeed.ingest.store.authors import MAX_AUTHOR_NAME
from paperfeed.ingest.store.dialect import datetime_adapter
from paperfeed.ingest.store.prepare import (
    DATA_FIELDS,
    MAX_CATEGORIES,
    MAX_DOI,
    Prepared,
    absent_fields,
    url_or_none,
)
from paperfeed.ingest.text import is_single_spaced, normalize_space
from paperfeed.papers import links
from paperfeed.papers.arxiv_ids import InvalidArxivId
from paperfeed.papers.links import mentions_github

# Ids already in canonical form, which parse_arxiv_id gives back unchanged (and the version):
# new-style with a real month (5-digit numbers from 1501 on) and old-style without a subject
# class. Anything else (URLs, prefixes, float-mangled ids, bad ids) goes the long way.
_CANONICAL_ID = re.compile(
    r"([0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4}|(?:1[5-9]|[2-9][0-9])(?:0[1-9]|1[0-2])\.[0-9]{5}"
    r"|[a-z][a-z\-]*/[0-9]{7})(?:v([0-9]+))?"
)
# Float-mangled new-style ids that are no arXiv id as written (three digits before the dot, or
# more than five after it), which the general path therefore repairs (shapes.repair_float_id).
_FLOAT_MANGLED_ID = re.compile(r"[0-9]{3}\.[0-9]+|[0-9]{4}\.[0-9]{6,}")
# Versions the column holds on every database (more digits than this never fit).
_MAX_VERSION = column_range("version")[1]
_MAX_VERSION_DIGITS = len(str(_MAX_VERSION)) - 1
# Dates remembered per import: arXiv dumps hold a few thousand distinct days.
_MAX_REMEMBERED_TIMES = 50_000
_NO_TIME: tuple[None, None] = (None, None)
# Where in prepare.DATA_FIELDS the fields a plain arXiv record may leave out are ("version" is 0).
_ABSTRACT, _CATEGORIES, _PUBLISHED, _UPDATED, _COMMENT, _JOURNAL_REF, _DOI, _GITHUB_REPO = map(
    DATA_FIELDS.index,
    ("abstract", "categories", "published", "updated", "arxiv_comment", "journal_ref", "doi", "github_repo"),
)
_PROJECT_PAGE, _SOURCE_UPDATED = map(DATA_FIELDS.index, ("project_page", "source_updated"))
# The fields such a record may give; the bits of the others are always set (see prepare.Prepared).
_GIVEN = frozenset(
    {"version", "title", "abstract", "categories", "published", "updated", "arxiv_comment", "journal_ref"}
    | {"doi", "github_repo", "project_page", "source_updated"}
)
_NEVER_GIVEN = absent_fields(name if name in _GIVEN else None for name in DATA_FIELDS)


# What the rows of a plain arXiv line depend on besides its other fields: its id and version.
Identity = tuple[str, int | None]


class _NotPlain(Exception):
    """The line needs the general path (which gives the same result or the error)."""


class PlainArxivRows:
    """Prepares the plain arXiv lines of one import; ``None`` for any other line."""

    def __init__(self, adapt_datetime: Callable[[datetime | None], object] | None = None) -> None:
        # The database form of a datetime, as the store writes it (looked up once, not per line).
        self.adapt = adapt_datetime or datetime_adapter()
        self._times: dict[str, tuple[datetime, object]] = {}

    def __call__(self, data: Any) -> Prepared | None:
        identity = self.identity(data)
        return None if identity is None else self.prepare(data, identity)

    def identity(self, data: Any) -> Identity | None:
        """(arXiv id without version, version or None) of a plain arXiv line; ``None`` for any other
        line, and for one whose id is bad."""
        try:
            if detect_shape(data) != "arxiv":
                return None
            raw_id = data["id"]
            canonical = _CANONICAL_ID.fullmatch(raw_id) if type(raw_id) is str else None
            if canonical is not None:
                arxiv_id, number = canonical.groups()
                if number is not None and len(number) > _MAX_VERSION_DIGITS:
                    return None  # the general path refuses a version the column cannot hold
                return arxiv_id, int(number) or None if number else None
            if (repaired := _repaired_float_id(raw_id)) is not None:
                return repaired, None
            parsed = cached_arxiv_id(required_id(raw_id, repair=True))
            if parsed.version is not None and parsed.version > _MAX_VERSION:
                return None
            return parsed.id, parsed.version or None
        except (RecordError, InvalidArxivId):
            return None  # the general path raises the error, with its usual message

    def prepare(self, data: dict, identity: Identity) -> Prepared | None:
        """The rows of a plain arXiv line of this :meth:`identity`; ``None`` if the line needs the
        general path."""
        try:
            return self._prepare(data, identity)
        except (RecordError, InvalidArxivId, _NotPlain):
            return None  # the general path raises the error, with its usual message

    def _time(self, value: Any, what: str) -> tuple[datetime, object] | tuple[None, None]:
        """(aware datetime, its database form) of a timestamp field, as ``parse_timestamp`` reads it."""
        if type(value) is str:
            known = self._times.get(value)
            if known is not None:
                return known
        parsed = parse_timestamp(value, what)
        if parsed is None:
            return _NO_TIME
        if len(self._times) >= _MAX_REMEMBERED_TIMES:
            self._times.clear()
        known = self._times[value] = (parsed, self.adapt(parsed))
        return known

    def _prepare(self, data: dict, identity: Identity) -> Prepared:
        # The checks follow shapes.parse_arxiv and store.prepare_record; their order does not
        # matter here, since a line that fails any of them is handed to the general path.
        get = data.get
        arxiv_id, version = identity
        title = get("title")
        if type(title) is not str or not title.strip():
            raise _NotPlain
        # Authors as names alone (every arXiv author is a plain one: see store.authors).
        authors = get("authors")
        author_names = None
        if type(authors) is str:
            # split_authors gives single-spaced, non-empty names.
            names = split_authors(authors)
            if names and max(map(len, names)) > MAX_AUTHOR_NAME:
                names = [name[:MAX_AUTHOR_NAME] for name in names]
            author_names = tuple(names)
        elif authors is not None:
            names = string_list(authors, "authors")
            author_names = tuple(" ".join(name.split())[:MAX_AUTHOR_NAME] for name in names if name.strip())
        if not author_names:
            author_names = None

        time = self._time
        listed = created = published = updated = _NO_TIME
        if (value := get("listed")) is not None:
            listed = time(value, "listed")
        if (value := get("created")) is not None:
            created = time(value, "created")
        if (value := get("published")) is not None:
            published = time(value, "published")
        if published[0] is None:
            published = created if created[0] is not None else listed
        if (value := get("updated")) is not None:
            updated = time(value, "updated")
        fresh = updated if updated[0] is not None else listed if listed[0] is not None else created

        abstract = _plain_text(get("abstract"))
        comment = _plain_text(get("comment", get("comments")))
        journal_ref = _plain_text(get("journal_ref"))
        doi = get("doi")
        if doi is not None:
            if type(doi) is not str:
                raise _NotPlain
            doi = doi.strip()[:MAX_DOI]
        categories = _joined_categories(get("categories"))
        github_repo = project_page = None
        if (abstract and mentions_github(abstract)) or (comment and mentions_github(comment)):
            github_repo = url_or_none("github_repo", links.find_github_repo(comment, abstract))
            project_page = url_or_none("project_page", links.find_project_page(comment, abstract))
        title = normalize_space(title)

        # The fields a plain arXiv record leaves out (see prepare.Prepared): those it never has,
        # and those this one lacks.
        absent = (
            _NEVER_GIVEN
            | (version is None)
            | (abstract is None) << _ABSTRACT
            | (categories is None) << _CATEGORIES
            | (published[0] is None) << _PUBLISHED
            | (updated[0] is None) << _UPDATED
            | (comment is None) << _COMMENT
            | (journal_ref is None) << _JOURNAL_REF
            | (doi is None) << _DOI
            | (github_repo is None) << _GITHUB_REPO
            | (project_page is None) << _PROJECT_PAGE
            | (fresh[0] is None) << _SOURCE_UPDATED
        )
        # What store.prepare_record makes of these values (its INSERT parameters).
        new_row = (
            arxiv_id,
            version,
            title or "",
            abstract or "",
            categories or "",
            published[1],
            updated[1],
            comment or "",
            journal_ref or "",
            doi or "",
            github_repo or "",
            None,
            project_page or "",
            "",
            "[]",
            None,
            "",
            "[]",
            0,
            0,
            fresh[1],
            0,
            False,
        )
        return (arxiv_id, absent, author_names, None, (), new_row)


def _repaired_float_id(raw_id: Any) -> str | None:
    """The canonical id a float-mangled id (a string or a JSON number) stands for, found without
    the general path's failed parse; ``None`` where that path is needed to tell."""
    if type(raw_id) is float:
        raw_id = repr(raw_id)
    elif type(raw_id) is not str:
        return None
    if _FLOAT_MANGLED_ID.fullmatch(raw_id) is None:
        return None
    repaired = repair_float_id(raw_id)
    return repaired if repaired is not None and _CANONICAL_ID.fullmatch(repaired) else None


def _plain_text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is not str:
        raise _NotPlain
    return normalize_space(value)


def _joined_categories(value: Any) -> str | None:
    """The ``categories`` column of a record's categories, as ``prepare.record_fields`` makes it."""
    joined = None
    if type(value) is list:
        try:
            joined = " ".join(value)
        except TypeError:
            joined = None  # not all strings: category_list says why
    if joined is None or not is_single_spaced(joined):
        # (Single-spaced, the list holds no blank names and none with spaces at its ends.)
        names = category_list(value)
        if names is None:
            return None
        joined = " ".join(names)
    categories = joined[:MAX_CATEGORIES]
    if categories and len(categories) == MAX_CATEGORIES and " " in categories:
        categories = categories.rsplit(" ", 1)[0]  # never keep half a category
    return categories
