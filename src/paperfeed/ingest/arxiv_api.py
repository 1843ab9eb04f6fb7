"""Look papers up by id with the arXiv API (``/api/query?id_list=...``, an Atom feed).

arXiv answers a well-formed id it does not know with no entry at all, and an id it cannot read
with an entry titled "Error" whose id is ``http://arxiv.org/api/errors#...`` (with HTTP 200 or
400). :func:`lookup_papers` sorts the answer into records, unknown ids and rejected ids.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from django.conf import settings

from paperfeed.ingest import http
from paperfeed.ingest.records import AuthorRecord, PaperRecord
from paperfeed.papers.arxiv_ids import ArxivId, InvalidArxivId, parse_arxiv_id

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
MAX_IDS_PER_REQUEST = 100  # arXiv's advice for id_list queries
SERVICE = "arXiv"
USER_AGENT = "paperfeed (self-hosted paper feed; arXiv API client)"


class ArxivAPIError(Exception):
    """The lookup could not be done; the message is fit for the person who asked."""


class ArxivUnreachable(ArxivAPIError):
    """Network down, connection refused, timeout, or arXiv kept saying it is busy."""


class ArxivResponseError(ArxivAPIError):
    """arXiv answered, but not with something usable (HTTP error, broken XML, API error)."""


@dataclass
class Lookup:
    """The answer for a list of ids, in the order they were asked for."""

    records: list[PaperRecord] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)  # well-formed ids arXiv has no paper for
    rejected: dict[str, str] = field(default_factory=dict)  # id -> arXiv's reason


def query_id(arxiv_id: ArxivId) -> str:
    """The id as arXiv's id_list wants it: old-style ids without the subject class, plus version."""
    base = arxiv_id.id
    if "/" in base:
        archive, number = base.split("/", 1)
        base = f"{archive.split('.', 1)[0]}/{number}"
    return f"{base}v{arxiv_id.version}" if arxiv_id.version else base


def fetch_paper(arxiv_id: str, *, client: httpx.Client | None = None) -> PaperRecord | None:
    """One paper by id or URL; ``None`` if arXiv does not know it.

    Raises :class:`~paperfeed.papers.arxiv_ids.InvalidArxivId` for a malformed id (before any
    request, or when arXiv rejects it) and :class:`ArxivAPIError` when arXiv cannot answer.
    """
    lookup = lookup_papers([arxiv_id], client=client, policy=interactive_policy())
    if lookup.rejected:
        raise InvalidArxivId(next(iter(lookup.rejected.values())))
    return lookup.records[0] if lookup.records else None


def fetch_papers(ids: list[str], *, client: httpx.Client | None = None) -> list[PaperRecord]:
    """The papers arXiv has for ``ids`` (unknown ids are left out; use :func:`lookup_papers` to see them)."""
    return lookup_papers(ids, client=client).records


def lookup_papers(
    ids: Iterable[str],
    *,
    client: httpx.Client | None = None,
    batch_size: int = MAX_IDS_PER_REQUEST,
    delay_seconds: float | None = None,
    policy: http.RetryPolicy | None = None,
) -> Lookup:
    """Look ``ids`` (ids or URLs in any form :func:`parse_arxiv_id` accepts) up, ≤100 per request.

    Every id is parsed before the first request, so one malformed id raises
    :class:`InvalidArxivId` and nothing is fetched.
    """
    wanted = list(dict.fromkeys(query_id(parse_arxiv_id(text)) for text in ids))
    batch_size = max(1, min(batch_size, MAX_IDS_PER_REQUEST))
    delay = api_delay_seconds() if delay_seconds is None else delay_seconds
    policy = policy or http.RetryPolicy.from_settings()
    lookup = Lookup()
    own_client = client is None
    client = client or httpx.Client(headers={"User-Agent": USER_AGENT})
    try:
        for start in range(0, len(wanted), batch_size):
            batch = wanted[start : start + batch_size]
            answer = _sort_answer(batch, parse_feed(_request(client, batch, delay, policy)))
            if answer.rejected and answer.not_found:
                # arXiv drops the whole query when one id is unreadable: ask again for the others.
                retry = _sort_answer(
                    answer.not_found, parse_feed(_request(client, answer.not_found, delay, policy))
                )
                answer.records += retry.records
                answer.not_found = retry.not_found
                answer.rejected.update(retry.rejected)
            lookup.records += answer.records
            lookup.not_found += answer.not_found
            lookup.rejected.update(answer.rejected)
    finally:
        if own_client:
            client.close()
    return lookup


def interactive_policy() -> http.RetryPolicy:
    """Someone is waiting on a web page: one quick retry, then an answer."""
    base = http.RetryPolicy.from_settings()
    return http.RetryPolicy(
        attempts=min(base.attempts, 2),
        backoff_seconds=min(base.backoff_seconds, 1.0),
        max_wait_seconds=5.0,
        timeout_seconds=base.timeout_seconds,
    )


def api_delay_seconds() -> float:
    """Pause between API calls: arXiv asks for one request every three seconds."""
    return float(getattr(settings, "ARXIV_API_DELAY_SECONDS", 3.0))


# --- pacing -----------------------------------------------------------------------------------

_pace_lock = threading.Lock()
_next_free_at: float | None = None  # the earliest moment the next request may go


def _wait_for_turn(delay: float) -> None:
    """Keep ``delay`` seconds between requests from this process (threads included).

    Each caller books the next free moment under the lock and waits for it after letting go, so
    the lock is held for microseconds and never across a sleep: other threads book their own turns
    meanwhile instead of queueing on the lock.
    """
    global _next_free_at
    with _pace_lock:
        now = time.monotonic()
        turn = now if _next_free_at is None else max(now, _next_free_at)
        _next_free_at = turn + max(delay, 0.0)
    if turn > now:
        http.pause(turn - now)


# --- one request ------------------------------------------------------------------------------


def _request(client: httpx.Client, batch: list[str], delay: float, policy: http.RetryPolicy) -> bytes:
    url = settings.ARXIV_API_URL
    params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
    _wait_for_turn(delay)
    try:
        response = http.get_with_retries(client, url, params, service=SERVICE, policy=policy)
    except http.FetchError as exc:
        raise ArxivUnreachable(str(exc)) from exc
    body = response.content
    # A 400 with an Atom feed is arXiv's way of reporting a bad id; anything else is an error.
    if response.status_code == 200 or (response.status_code == 400 and body.lstrip().startswith(b"<")):
        return body
    raise ArxivResponseError(
        f"arXiv answered HTTP {response.status_code} for {response.request.url}: {_snippet(body)}"
    )


def _snippet(body: bytes, limit: int = 120) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return (text[:limit] + "…") if len(text) > limit else (text or "(empty body)")


# --- parsing the Atom feed --------------------------------------------------------------------


@dataclass
class Feed:
    entries: list[PaperRecord]
    errors: list[str]  # summaries of "Error" entries, e.g. "incorrect id format for 1234.5"


def parse_feed(body: bytes) -> Feed:
    """Parse an arXiv API Atom feed; raise :class:`ArxivResponseError` if it is not one."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        if b"Rate exceeded" in body[:200]:
            raise ArxivResponseError(
                "arXiv is limiting the request rate (“Rate exceeded.”); wait a minute and try again."
            ) from exc
        raise ArxivResponseError(f"arXiv answered with malformed XML ({exc}): {_snippet(body)}") from exc
    if root.tag != f"{ATOM}feed":
        raise ArxivResponseError(f"arXiv answered with XML that is not an Atom feed (root <{root.tag}>).")
    feed = Feed(entries=[], errors=[])
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = _text(entry, f"{ATOM}id")
        if "/api/errors" in entry_id:
            feed.errors.append(_text(entry, f"{ATOM}summary") or entry_id.rsplit("#", 1)[-1])
            continue
        record = entry_to_record(entry)
        if record is not None:
            feed.entries.append(record)
    return feed


def entry_to_record(entry: ET.Element) -> PaperRecord | None:
    """One ``<entry>`` as a record; ``None`` for the empty entries arXiv sends for unknown ids."""
    entry_id = _text(entry, f"{ATOM}id")
    title = " ".join(_text(entry, f"{ATOM}title").split())
    if "/abs/" not in entry_id or not title:
        return None
    try:
        parsed = parse_arxiv_id(entry_id.split("/abs/", 1)[1])
    except InvalidArxivId:
        return None
    primary = entry.find(f"{ARXIV}primary_category")
    categories = [primary.get("term")] if primary is not None and primary.get("term") else []
    for category in entry.findall(f"{ATOM}category"):
        term = category.get("term")
        if term and term not in categories:
            categories.append(term)
    links = {}
    for link in entry.findall(f"{ATOM}link"):
        kind = link.get("title") or link.get("rel") or ""
        if link.get("href") and kind in {"pdf", "doi", "alternate"}:
            links["abs" if kind == "alternate" else kind] = link.get("href")
    updated = _datetime(_text(entry, f"{ATOM}updated"))
    return PaperRecord(
        arxiv_id=query_id(ArxivId(parsed.id, None)),
        version=parsed.version,
        title=title,
        abstract=_text(entry, f"{ATOM}summary").strip() or None,
        authors=[
            AuthorRecord(name=" ".join(name.split()))
            for author in entry.findall(f"{ATOM}author")
            if (name := _text(author, f"{ATOM}name"))
        ],
        categories=categories,
        published=_datetime(_text(entry, f"{ATOM}published")),
        updated=updated,
        comments=_optional(entry, f"{ARXIV}comment"),
        journal_ref=_optional(entry, f"{ARXIV}journal_ref"),
        doi=_optional(entry, f"{ARXIV}doi"),
        # arXiv's own date for the latest version: the store lets the freshest source win.
        source_updated=updated,
        extra={"links": links},
    )


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _optional(element: ET.Element, tag: str) -> str | None:
    return " ".join(_text(element, tag).split()) or None


def _datetime(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _sort_answer(batch: list[str], feed: Feed) -> Lookup:
    """Match entries to the ids asked for (arXiv does not keep the request's order)."""
    lookup = Lookup()
    by_id: dict[str, list[PaperRecord]] = {}
    for record in feed.entries:
        by_id.setdefault(record.arxiv_id, []).append(record)
    unmatched_errors = list(feed.errors)
    for wanted in batch:
        parsed = parse_arxiv_id(wanted)
        base = query_id(ArxivId(parsed.id, None))
        candidates = by_id.get(base, [])
        match = next((r for r in candidates if parsed.version in (None, r.version)), None)
        if match is not None:
            lookup.records.append(match)
            continue
        reason = next((e for e in unmatched_errors if e == wanted or e.endswith(f" {wanted}")), None)
        if reason is not None:
            unmatched_errors.remove(reason)
            lookup.rejected[wanted] = f"arXiv rejected “{wanted}”: {reason}"
        else:
            lookup.not_found.append(wanted)
    if unmatched_errors:
        # An error that names no id (a bad parameter): the whole answer cannot be trusted.
        raise ArxivResponseError(f"arXiv reported an error: {'; '.join(unmatched_errors)}")
    return lookup
