"""A prepared record's author rows, and the imported accounts it links to.

Authors travel as rows ``(name, hidden, status, username or None)``, or as names alone when
every author is a plain one (not hidden, no status, no user: every arXiv author), which is
cheaper to carry between processes. Before a batch is written, each claimed username becomes
the pk of its imported account; those accounts are created and refreshed by
:func:`paperfeed.ingest.identities.upsert_imported_users`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from paperfeed.ingest.records import AuthorRecord, PaperRecord, UserRecord

# (hidden, status, username) of an author who is no more than a name.
PLAIN_AUTHOR = (False, "", None)
# The longest author name the database holds (PostgreSQL enforces it): longer ones are cut.
MAX_AUTHOR_NAME = 300


def author_rows(authors: Sequence[AuthorRecord]) -> tuple:
    """The rows of a record's authors (blank names left out), as names alone where all are plain."""
    rows = tuple(
        (
            " ".join(author.name.split())[:MAX_AUTHOR_NAME],
            bool(author.hidden),
            author.status or "",
            author.user.username if author.user is not None else None,
        )
        for author in authors
        if author.name and author.name.strip()
    )
    if all(row[1:] == PLAIN_AUTHOR for row in rows):
        return tuple(row[0] for row in rows)
    return rows


def users_of(record: PaperRecord) -> Iterator[UserRecord]:
    """The accounts a record names: its authors' claimed users, then its listing's submitter."""
    for author in record.authors or ():
        if author.user is not None:
            yield author.user
    if record.listing is not None and record.listing.submitted_by is not None:
        yield record.listing.submitted_by


def names_only(rows: tuple) -> bool:
    """Are these authors given by name alone (every one a plain author)?"""
    return type(rows[0]) is str


def with_user_ids(rows: tuple, user_ids: dict[str, int]) -> tuple:
    """Author rows in the full form with each claimed username replaced by its account's pk
    (``None`` where ``user_ids`` has none)."""
    if names_only(rows):
        return tuple((name, *PLAIN_AUTHOR) for name in rows)
    if not user_ids:
        if all(row[3] is None for row in rows):
            return rows
        return tuple((name, hidden, status, None) for name, hidden, status, _ in rows)
    return tuple(
        (name, hidden, status, user_ids.get(username) if username is not None else None)
        for name, hidden, status, username in rows
    )
