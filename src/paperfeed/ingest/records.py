"""The normalised form every source (JSONL dumps, OAI-PMH, the arXiv API) is turned into.

Parsers produce :class:`PaperRecord`; ``paperfeed.ingest.store`` writes them. ``None``
means "this source does not say", so an upsert never erases what another source gave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


class RecordError(ValueError):
    """A record that cannot be imported; the message says why, for the operator."""


@dataclass(frozen=True)
class UserRecord:
    username: str
    fullname: str = ""
    avatar_url: str = ""


@dataclass(frozen=True)
class AuthorRecord:
    name: str
    hidden: bool = False
    status: str = ""
    user: UserRecord | None = None


@dataclass(frozen=True)
class ListingRecord:
    """The paper appeared on the daily feed on ``date``."""

    date: date
    submitted_at: datetime
    submitted_by: UserRecord | None = None


@dataclass
class PaperRecord:
    arxiv_id: str
    title: str
    version: int | None = None
    abstract: str | None = None
    authors: list[AuthorRecord] | None = None
    categories: list[str] | None = None
    published: datetime | None = None
    updated: datetime | None = None
    comments: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
    organization: dict | None = None
    thumbnail: str | None = None
    media_urls: list[str] | None = None
    upvotes: int | None = None  # imported upvote count
    num_comments: int | None = None  # imported comment count
    listing: ListingRecord | None = None
    # How fresh this record is (snapshot day, arXiv update): newer records overwrite.
    source_updated: datetime | None = None
    extra: dict = field(default_factory=dict)
    # What was left out of the record to import it (an identity whose username sign-up would
    # refuse...), for the operator: the import reports each with the record's line.
    notes: list[str] = field(default_factory=list)
