"""Values from imported records made safe to store and to show: text, dates and numbers.

An import must never store what a page, a feed or an API answer cannot carry:

* **Text** loses the characters XML 1.0 forbids (C0 controls but tab, newline and carriage
  return; lone surrogates; U+FFFE and U+FFFF) and those it discourages that no paper needs (DEL
  and the C1 controls): one of them in a title makes every Atom and RSS feed that shows it fail.
  Controls that Python counts as whitespace become spaces, the rest are removed.
* **Dates** must fall in :data:`EARLIEST` … :data:`LATEST` (UTC): outside it a date is a broken
  record (year 1, year 9999), and its neighbours overflow in date arithmetic.
* **Integers** must fit their column on every supported database.

Records from every source pass :func:`safe_record`, but for the lines of a file import that
cannot need it: each raw line is looked at first (:func:`may_hold_unsafe_text`, a few byte
searches), and only the rare line that may hold such a character is cleaned. Dates and numbers
of file lines are checked as they are read (:mod:`paperfeed.ingest.shapes`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from django.db.backends.base.operations import BaseDatabaseOperations

from paperfeed.ingest.records import AuthorRecord, ListingRecord, PaperRecord, RecordError, UserRecord
from paperfeed.papers.models import Paper

# Controls Python's str.split() takes for whitespace: they separate words, so they become spaces.
_SPACE_LIKE = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
# The other characters XML 1.0 forbids or that no paper needs.
_REMOVED = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# What a raw JSON line holds when a decoded string of it may hold such a character. JSON forbids
# raw control characters in strings (orjson refuses them, and unpaired surrogates), so they come
# from escapes (\u0001, \b, \f...); DEL, the C1 controls (UTF-8 \xc2\x80-\x9f) and U+FFFE/U+FFFF
# (\xef\xbf\xbe/\xbf) may be written raw. A quick look for a backslash before b, f or u (a
# literal start: fast) comes first; only the few lines it finds are read exactly, skipping
# escaped backslashes (LaTeX's \\beta is no \b) and harmless escapes (\u00e9).
_MAYBE_ESCAPE = re.compile(rb"\\[ubf]").search
_UNSAFE_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\(?:[bf]|u00[01]|u007[fF]|u00[89]|u[fF]{3}[eEfF])").search
_UNSAFE_RAW = re.compile(b"\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]").search

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2199, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)

# Every integer column a record fills is a PositiveIntegerField: the range all databases hold.
_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def column_range(field: str) -> tuple[int, int]:
    """The integers every supported database stores in ``Paper.<field>``."""
    return _INTEGER_RANGES[Paper._meta.get_field(field).get_internal_type()]


def clean_text(text: str) -> str:
    """``text`` without the characters feeds cannot carry (see the module docstring)."""
    if _REMOVED.search(text) is not None:
        text = _REMOVED.sub("", text)
    if _SPACE_LIKE.search(text) is not None:
        text = _SPACE_LIKE.sub(" ", text)
    return text


def may_hold_unsafe_text(line: bytes) -> bool:
    """Might a string of this raw JSON line hold a character :func:`clean_text` removes?"""
    # (Run on every line of an import: C-level searches first.)
    return (
        (_MAYBE_ESCAPE(line) is not None and _UNSAFE_ESCAPE(line) is not None)
        or b"\x7f" in line
        or (not line.isascii() and (b"\xc2" in line or b"\xef\xbf" in line) and _UNSAFE_RAW(line) is not None)
    )


def scrub(value: Any) -> Any:
    """A decoded JSON value with :func:`clean_text` applied to every string in it (keys too)."""
    if type(value) is str:
        return clean_text(value)
    if type(value) is dict:
        return {scrub(key): scrub(item) for key, item in value.items()}
    if type(value) is list:
        return [scrub(item) for item in value]
    return value


def checked_datetime(value: datetime | None, what: str) -> datetime | None:
    """``value`` as an aware UTC datetime; :class:`RecordError` if it is out of range."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise RecordError(f"'{what}' must be a date, got {value!r}")
    try:
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        aware = None
    if aware is None or not EARLIEST <= aware <= LATEST:
        raise RecordError(
            f"'{what}' is out of range: {value.isoformat()} (dates must fall in "
            f"{EARLIEST.year}-{LATEST.year})"
        )
    return aware


def checked_int(value: int | None, what: str, field: str) -> int | None:
    """``value`` if the column ``Paper.<field>`` holds it on every database, else :class:`RecordError`."""
    if value is None:
        return None
    low, high = column_range(field)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RecordError(f"'{what}' must be an integer from {low} to {high:,}, got {value!r}")
    return value


def _optional_text(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


def _user(user: UserRecord | None) -> UserRecord | None:
    if user is None:
        return None
    return replace(user, fullname=clean_text(user.fullname), avatar_url=clean_text(user.avatar_url))


def _author(author: AuthorRecord) -> AuthorRecord:
    return replace(
        author, name=clean_text(author.name), status=clean_text(author.status), user=_user(author.user)
    )


def safe_record(record: PaperRecord) -> PaperRecord:
    """A copy of ``record`` whose every text is clean and whose numbers and dates fit; raises
    :class:`RecordError` for a number or date out of range. (Usernames are checked where they
    are read: see :mod:`paperfeed.ingest.usernames`.)"""
    listing = record.listing
    if listing is not None:
        if not EARLIEST.date() <= listing.date <= LATEST.date():
            raise RecordError(f"the feed day is out of range: {listing.date.isoformat()}")
        listing = ListingRecord(
            date=listing.date,
            submitted_at=checked_datetime(listing.submitted_at, "submitted_at"),
            submitted_by=_user(listing.submitted_by),
        )
    return replace(
        record,
        title=clean_text(record.title),
        version=checked_int(record.version, "version", "version"),
        abstract=_optional_text(record.abstract),
        authors=None if record.authors is None else [_author(a) for a in record.authors],
        categories=None if record.categories is None else [clean_text(c) for c in record.categories],
        published=checked_datetime(record.published, "published"),
        updated=checked_datetime(record.updated, "updated"),
        comments=_optional_text(record.comments),
        journal_ref=_optional_text(record.journal_ref),
        doi=_optional_text(record.doi),
        github_repo=_optional_text(record.github_repo),
        github_stars=checked_int(record.github_stars, "github_stars", "github_stars"),
        project_page=_optional_text(record.project_page),
        ai_summary=_optional_text(record.ai_summary),
        ai_keywords=scrub(record.ai_keywords),
        organization=scrub(record.organization),
        thumbnail=_optional_text(record.thumbnail),
        media_urls=scrub(record.media_urls),
        upvotes=checked_int(record.upvotes, "upvotes", "imported_upvotes"),
        num_comments=checked_int(record.num_comments, "num_comments", "imported_comment_count"),
        listing=listing,
        source_updated=checked_datetime(record.source_updated, "source_updated"),
    )
