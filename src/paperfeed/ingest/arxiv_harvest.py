"""A resumable OAI-PMH harvest of arXiv: fetch page, write its records, move the checkpoint.

The checkpoint (one :class:`HarvestCheckpoint` per set and date window) holds the token of the
next page. It moves in the same transaction that writes a page's records, so after a crash,
a network failure or a broken page, running the same harvest again continues with the first
page that was not written; nothing is fetched or counted twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx
from django.conf import settings
from django.db import transaction

from paperfeed.ingest import http, oaipmh
from paperfeed.ingest.models import HarvestCheckpoint
from paperfeed.ingest.store import UpsertStats, upsert_records

SERVICE = "arXiv OAI-PMH"
USER_AGENT = "paperfeed (self-hosted paper feed; OAI-PMH harvester)"
KEY_PREFIX = "arxiv-oai"
OPEN_UNTIL = "open@"  # key marker for a window asked for without --until


class HarvestFailed(Exception):
    """The harvest stopped; the message says why and what the checkpoint holds."""


@dataclass(frozen=True)
class HarvestWindow:
    from_date: date
    until_date: date | None = None  # None: up to today
    set_spec: str = ""

    def __post_init__(self) -> None:
        if self.until_date is not None and self.from_date > self.until_date:
            raise ValueError(f"--from {self.from_date} is after --until {self.until_date}.")
        if self.set_spec and not oaipmh.SET_SPEC.match(self.set_spec):
            raise ValueError(f"“{self.set_spec}” is not an OAI-PMH set (examples: cs, math, physics:hep-th).")

    def key_stem(self) -> str:
        return f"{KEY_PREFIX}|{self.set_spec or '*'}|{self.from_date.isoformat()}|"


@dataclass
class PageDone:
    """Progress after one page has been written."""

    page: int
    records: int  # records in this page (written, deleted or skipped)
    harvested: int  # records seen so far in the whole window, across runs
    complete_list_size: int | None
    elapsed_seconds: float


@dataclass
class HarvestReport:
    window: HarvestWindow
    until_date: date  # the window's end as harvested (today for an open window)
    pages: int = 0
    written: UpsertStats = field(default_factory=UpsertStats)
    deleted: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    resumed: bool = False  # continued from a checkpoint left by an earlier run
    already_completed: bool = False
    records_seen: int = 0  # across every run of this window
    elapsed_seconds: float = 0.0

    @property
    def records(self) -> int:
        return self.written.written + self.written.rejected


def harvest(
    window: HarvestWindow,
    *,
    restart: bool = False,
    client: httpx.Client | None = None,
    policy: http.RetryPolicy | None = None,
    on_page: Callable[[PageDone], None] | None = None,
    warn: Callable[[str], None] | None = None,
    today: date | None = None,
) -> HarvestReport:
    """Harvest ``window`` (resuming its checkpoint) and upsert every record; see the module doc."""
    warn = warn or (lambda message: None)
    checkpoint = _checkpoint_for(window, today or datetime.now(UTC).date())
    report = HarvestReport(window=window, until_date=checkpoint.until_date)
    if checkpoint.completed and not restart:
        report.already_completed = True
        report.records_seen = checkpoint.records_seen
        return report
    if restart:
        _reset(checkpoint)
    report.resumed = bool(checkpoint.resumption_token)

    own_client = client is None
    client = client or httpx.Client(headers={"User-Agent": USER_AGENT})
    policy = policy or http.RetryPolicy.from_settings()
    started = time.monotonic()
    try:
        _run(checkpoint, window, client, policy, report, on_page, warn, started)
    finally:
        report.elapsed_seconds = time.monotonic() - started
        report.records_seen = checkpoint.records_seen
        if own_client:
            client.close()
    return report


def _checkpoint_for(window: HarvestWindow, today: date) -> HarvestCheckpoint:
    stem = window.key_stem()
    if window.until_date is not None:
        key, until = f"{stem}{window.until_date.isoformat()}", window.until_date
    else:
        # An open window ends today; an unfinished one from an earlier day is resumed as it was.
        unfinished = (
            HarvestCheckpoint.objects.filter(key__startswith=f"{stem}{OPEN_UNTIL}", completed=False)
            .order_by("-updated_at")
            .first()
        )
        if unfinished is not None:
            return unfinished
        key, until = f"{stem}{OPEN_UNTIL}{today.isoformat()}", today
    checkpoint, _ = HarvestCheckpoint.objects.get_or_create(
        key=key,
        defaults={"from_date": window.from_date, "until_date": until, "set_spec": window.set_spec},
    )
    return checkpoint


def _reset(checkpoint: HarvestCheckpoint) -> None:
    checkpoint.resumption_token = ""
    checkpoint.records_seen = 0
    checkpoint.completed = False
    checkpoint.save()


def _run(
    checkpoint: HarvestCheckpoint,
    window: HarvestWindow,
    client: httpx.Client,
    policy: http.RetryPolicy,
    report: HarvestReport,
    on_page: Callable[[PageDone], None] | None,
    warn: Callable[[str], None],
    started: float,
) -> None:
    url = settings.ARXIV_OAI_URL
    token = checkpoint.resumption_token
    while True:
        where = _describe_page(report.pages + 1, token)
        params = (
            oaipmh.resume_params(token)
            if token
            else oaipmh.list_records_params(window.from_date, checkpoint.until_date, window.set_spec)
        )
        try:
            page = oaipmh.parse_list_records(_fetch(client, url, params, policy, where, warn))
        except oaipmh.MalformedPage as exc:
            raise HarvestFailed(
                f"arXiv OAI-PMH {where} is malformed: {exc}. Nothing from this page was written; "
                f"the checkpoint still points at it, so running the same command again retries it."
            ) from exc
        except oaipmh.OaiError as exc:
            if exc.code == "noRecordsMatch":
                page = oaipmh.OaiPage()  # an empty window is a finished harvest
            elif exc.code == "badResumptionToken" and token and report.pages == 0:
                # Tokens expire; the saved one is stale, so start the window again (upserts are idempotent).
                reason = exc.message or exc.code
                warn(f"The saved resumption token has expired ({reason}); starting the window again.")
                _reset(checkpoint)
                report.resumed = False
                token = ""
                continue
            else:
                raise HarvestFailed(
                    f"arXiv OAI-PMH refused {where} with error “{exc.code}”: {exc.message or 'no details'}"
                ) from exc
        if page.resumption_token and page.resumption_token == token:
            raise HarvestFailed(f"arXiv OAI-PMH sent back the same resumption token for {where}; stopping.")

        with transaction.atomic():
            stats = upsert_records(page.records)
            checkpoint.resumption_token = page.resumption_token
            checkpoint.records_seen += page.size
            checkpoint.completed = not page.resumption_token
            checkpoint.save()

        report.pages += 1
        report.written.add(stats)
        report.deleted += len(page.deleted)
        report.skipped.extend(page.skipped)
        report.skipped.extend(stats.errors)
        if on_page is not None:
            on_page(
                PageDone(
                    page=report.pages,
                    records=page.size,
                    harvested=checkpoint.records_seen,
                    complete_list_size=page.complete_list_size,
                    elapsed_seconds=time.monotonic() - started,
                )
            )
        if not page.resumption_token:
            return
        token = page.resumption_token


def _fetch(
    client: httpx.Client,
    url: str,
    params: dict[str, str],
    policy: http.RetryPolicy,
    where: str,
    warn: Callable[[str], None],
) -> bytes:
    try:
        response = http.get_with_retries(client, url, params, service=SERVICE, policy=policy, on_retry=warn)
    except http.FetchError as exc:
        raise HarvestFailed(
            f"{exc} (while fetching {where}; the checkpoint is kept, rerun to resume)"
        ) from exc
    # OAI-PMH errors normally come with HTTP 200, but some servers send them with a 4xx.
    if response.status_code == 200 or oaipmh.parse_error(response.content) is not None:
        return response.content
    raise HarvestFailed(
        f"arXiv OAI-PMH answered HTTP {response.status_code} for {where} ({response.request.url})."
    )


def _describe_page(number: int, token: str) -> str:
    return f"page {number} (resumptionToken “{token}”)" if token else f"page {number} (the first page)"
