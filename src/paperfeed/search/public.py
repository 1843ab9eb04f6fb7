"""What the rest of paperfeed calls: search, related papers, more like these."""

from __future__ import annotations

from dataclasses import dataclass

from paperfeed.papers.models import Paper
from paperfeed.search.errors import QueryError
from paperfeed.search.service import find_related, run_search

__all__ = ["Hit", "QueryError", "search_papers", "related_papers", "more_like_these", "warm_up"]


@dataclass
class Hit:
    paper: Paper
    score: float
    title_spans: list[tuple[str, bool]]  # (text, is_highlight)
    abstract_spans: list[tuple[str, bool]]  # excerpt of the abstract with highlights


def search_papers(
    query: str, *, limit: int = 20, offset: int = 0, sort: str = "relevance", mode: str = "hybrid"
) -> tuple[list[Hit], int]:
    """Papers for ``query`` (with its filters), one page of them and the total; raises QueryError."""
    from paperfeed.search.query import parse_query

    return run_search(parse_query(query), limit=limit, offset=offset, sort=sort, mode=mode, hit_class=Hit)


def related_papers(paper: Paper, limit: int = 10) -> list[Paper]:
    """Visible papers nearest in meaning to ``paper`` (never ``paper`` itself)."""
    return find_related([paper], limit)


def more_like_these(papers: list[Paper], limit: int = 10) -> list[Paper]:
    """Visible papers nearest to the centre of ``papers`` (none of them)."""
    return find_related(list(papers), limit)


def warm_up(background: bool = False):
    """Load the embedding model and open the index now, so the first search does not wait for them.

    ``paperfeed serve`` calls ``warm_up(background=True)`` at start: it returns the thread doing
    the work at once. Otherwise it returns the seconds taken. It never raises: a missing index
    or model only means the first search pays, and that is logged.
    """
    if background:
        import threading

        thread = threading.Thread(target=_warm_up_logged, args=(True,), name="search-warm-up", daemon=True)
        thread.start()
        return thread
    return _warm_up_logged()


def _warm_up_logged(own_thread: bool = False) -> float:
    import logging
    import time

    from django.db import connection

    from paperfeed.search.embedding import EmbeddingUnavailable

    started = time.monotonic()
    try:
        from paperfeed.search.service import warm_up_parts

        warm_up_parts()
    except EmbeddingUnavailable as error:
        # The operator's to fix (a file to derive, an extra to install): said plainly, once.
        logging.getLogger(__name__).error("Search cannot embed queries: %s.", error)
    except Exception:
        logging.getLogger(__name__).warning(
            "Search warm-up failed; the first search will be slower", exc_info=True
        )
    finally:
        if own_thread:
            connection.close()  # the connection this thread opened, if any
    took = time.monotonic() - started
    logging.getLogger(__name__).info("Search warmed up in %.1f s", took)
    return took
