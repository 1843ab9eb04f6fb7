"""What the rest of paperfeed calls: search, related papers, more like these."""

from __future__ import annotations

from dataclasses import dataclass

from paperfeed.papers.models import Paper
from paperfeed.search.errors import QueryError
from paperfeed.search.service import find_related, run_search

__all__ = ["Hit", "QueryError", "search_papers", "related_papers", "more_like_these"]


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
