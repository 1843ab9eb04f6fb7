"""Fetching submitted papers the database lacks from arXiv, away from web requests.

A submission of an unknown id is stored as a :class:`PendingSubmission` and answered at once.
Fetchers finish it: a thread in each web process (started by the first such submission,
stopping again when idle) and ``paperfeed worker``. A fetcher claims the ids of waiting rows,
looks them up in one arXiv request (paced, with a timeout and one quick retry), stores what
arXiv has, and then lists each paper with the usual rules or fails the submission with the
reason its submitter is shown. Claims of a fetcher that died age out after ``CLAIM_SECONDS``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from paperfeed.community.models import FetchStatus, PendingSubmission
from paperfeed.papers.models import Paper

log = logging.getLogger(__name__)

IDS_PER_FETCH = 20  # one arXiv request answers them all
CLAIM_SECONDS = 120  # longer than any fetch can take (two attempts with their timeouts)
POLL_SECONDS = 5.0  # the thread also looks for work this often (submissions from other processes)
IDLE_SECONDS = 60.0  # a thread with nothing to do for this long stops; the next submission starts one


def fetch_pending(max_ids: int = IDS_PER_FETCH) -> int:
    """Claim up to ``max_ids`` waiting arXiv ids, fetch them and finish their submissions.

    Returns how many submissions were finished; 0 means nothing was waiting (or claimable).
    """
    from paperfeed.ingest.arxiv_api import ArxivAPIError, interactive_policy, lookup_papers, query_id
    from paperfeed.ingest.store import upsert_records
    from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id

    token, now = uuid.uuid4().hex, timezone.now()
    claimable = PendingSubmission.objects.filter(status=FetchStatus.FETCHING).filter(
        Q(claimed_by="") | Q(claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS))
    )
    oldest = claimable.order_by("created_at", "pk").values_list("arxiv_id", flat=True)[: max_ids * 5]
    ids = list(dict.fromkeys(oldest))[:max_ids]
    if not ids:
        return 0
    # A conditional update: of two fetchers claiming the same rows, one gets each row.
    claimable.filter(arxiv_id__in=ids).update(claimed_by=token, claimed_at=now)
    mine = list(
        PendingSubmission.objects.filter(status=FetchStatus.FETCHING, claimed_by=token)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    if not mine:
        return 0
    asked = {row.arxiv_id: query_id(parse_arxiv_id(row.arxiv_id)) for row in mine}
    failures: dict[str, tuple[str, str]] = {}  # arxiv id -> (code, message)
    try:
        lookup = lookup_papers(sorted(set(asked.values())), policy=interactive_policy())
    except (ArxivAPIError, InvalidArxivId) as error:
        log.warning("arXiv lookup for %s failed: %s", ", ".join(sorted(asked)), error)
        for arxiv_id in asked:
            failures[arxiv_id] = (
                "arxiv_unavailable",
                f"Could not look {arxiv_id} up on arXiv ({error}). Try again in a few minutes.",
            )
    else:
        if lookup.records:
            upsert_records(lookup.records)
        for arxiv_id, wanted in asked.items():
            if wanted in lookup.rejected:
                failures[arxiv_id] = ("invalid_id", lookup.rejected[wanted])
            elif wanted in lookup.not_found:
                failures[arxiv_id] = ("not_found", f"arXiv has no paper {arxiv_id}. Check the id.")
    for row in mine:
        code, message = failures.get(row.arxiv_id, ("", ""))
        # arXiv names old-style papers without their subject class (math.GT/0309136 -> math/0309136).
        stored_as = {row.arxiv_id, asked[row.arxiv_id]}
        paper = None if code else Paper.objects.filter(arxiv_id__in=stored_as).first()
        if paper is None and not code:
            code, message = "not_found", f"arXiv has no paper {row.arxiv_id}. Check the id."
        if code:
            fail(row, code, message)
        else:
            _finish(row, paper)
    return len(mine)


def _finish(row: PendingSubmission, paper: Paper) -> None:
    from paperfeed.community.submission import SubmissionError, list_paper

    try:
        list_paper(row.user, paper, override_window=row.override_window, pending=row)
    except SubmissionError as error:
        fail(row, error.code, error.message, paper=error.paper or paper)


def fail(row: PendingSubmission, code: str, message: str, paper: Paper | None = None) -> None:
    PendingSubmission.objects.filter(pk=row.pk, status=FetchStatus.FETCHING).update(
        status=FetchStatus.FAILED, code=code, message=message, paper=paper, finished_at=timezone.now()
    )


def drain() -> int:
    """Fetch until nothing is waiting; returns how many submissions were finished."""
    finished = 0
    while done := fetch_pending():
        finished += done
    return finished


# --- the web process's fetcher thread ----------------------------------------------------------

_lock = threading.Lock()
_thread: threading.Thread | None = None
_work = threading.Event()
_stopping = False


def wake() -> None:
    """Have this process's fetcher thread look for work now, starting it if needed.

    Does nothing when ``settings.ARXIV_FETCH_IN_WEB`` is off (then ``paperfeed worker`` fetches).
    """
    global _thread
    if not settings.ARXIV_FETCH_IN_WEB:
        return
    with _lock:
        _work.set()
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="paperfeed-arxiv-fetcher", daemon=True)
            _thread.start()


def stop(timeout: float = 30.0) -> None:
    """Stop this process's fetcher thread once its current arXiv request is done."""
    global _stopping
    with _lock:
        thread, _stopping = _thread, True
        _work.set()
    if thread is not None:
        thread.join(timeout)
    with _lock:
        _stopping = False


def _run() -> None:
    global _thread
    idle_since = time.monotonic()
    while True:
        _work.wait(POLL_SECONDS)
        _work.clear()
        try:
            while not _stopping and fetch_pending():
                idle_since = time.monotonic()
        except Exception:  # noqa: BLE001 - the thread must outlive one bad fetch; rows age out
            log.exception("Fetching submitted papers from arXiv failed")
        finally:
            connection.close()  # this thread's own connection
        idle = time.monotonic() - idle_since > IDLE_SECONDS
        with _lock:  # decided under the lock, so a wake() now either sees us gone or is seen
            if _stopping or (idle and not _work.is_set()):
                _thread = None
                return
