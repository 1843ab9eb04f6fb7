"""Search above the backends: candidates from each signal, fusion, exact lookups, visibility, paging."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paperfeed.papers.models import Paper
from paperfeed.search import rows
from paperfeed.search.backends import get_backend
from paperfeed.search.beside import run_beside
from paperfeed.search.embedding import get_embedder, normalize
from paperfeed.search.errors import QueryError
from paperfeed.search.filters import filter_q
from paperfeed.search.fusion import reciprocal_rank_fusion
from paperfeed.search.highlight import excerpt, highlight
from paperfeed.search.query import ParsedQuery
from paperfeed.search.ranking import rank
from paperfeed.search.related_words import distinctive_words
from paperfeed.search.suggest import did_you_mean
from paperfeed.search.timing import stage

SORTS = ("relevance", "newest", "upvotes")
MODES = ("hybrid", "keyword", "dense")
MAX_LIMIT = 120  # the Hugging Face API allows 1–120 results per search page
RELATED_DEPTH = 100  # nearest vectors fused for related papers
# Keyword candidates fused for related papers: the head of a 12-word "more like this" query is
# what helps (dev set nDCG@10 0.502 at 30 against 0.488 at 100); its tail only adds noise.
RELATED_KEYWORD_DEPTH = 30


@dataclass
class Found:
    """One page of a search: the hits, how many papers match in all, the paper the query named
    when it named exactly one, and a spelling to try when some words are unknown."""

    hits: list
    total: int
    named: int | None = None
    suggestion: str | None = None


def _check_options(limit: int, offset: int, sort: str, mode: str) -> None:
    if sort not in SORTS:
        raise QueryError(f"Sort by one of {', '.join(SORTS)}, not “{sort}”.")
    if mode not in MODES:
        raise QueryError(f"Search mode is one of {', '.join(MODES)}, not “{mode}”.")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise QueryError(f"Pages hold 1 to {MAX_LIMIT} results and start at 0 or later.")


def ranked_pks(parsed: ParsedQuery, mode: str = "hybrid") -> tuple[list[int], dict[int, float]]:
    """Candidate paper pks for ``parsed``, best first, with their scores (not yet checked for visibility)."""
    ranking = rank(parsed, mode)
    return ranking.order, ranking.scores


def run_search(
    parsed: ParsedQuery, *, limit: int, offset: int, sort: str, mode: str, hit_class: Callable
) -> tuple[list, int]:
    found = find(parsed, limit=limit, offset=offset, sort=sort, mode=mode, hit_class=hit_class)
    return found.hits, found.total


def find(
    parsed: ParsedQuery,
    *,
    limit: int,
    offset: int,
    sort: str,
    mode: str,
    hit_class: Callable,
    suggest: bool = False,
) -> Found:
    """A page of the papers matching ``parsed``; ``suggest``: offer a spelling for unknown words."""
    _check_options(limit, offset, sort, mode)
    if not parsed.has_text and not parsed.has_filters:
        raise QueryError(
            "There are no words to search for in that query. Try a few words or a filter like cat:cs.LG."
        )
    visible = Paper.objects.filter(filter_q(parsed))
    if not parsed.has_text:
        # Only filters: list every matching paper.
        ordering = ("-upvotes", "-published", "-pk") if sort == "upvotes" else ("-published", "-pk")
        total = visible.count()
        page = list(visible.order_by(*ordering)[offset : offset + limit])
        return Found(_hits(page, {}, parsed, hit_class), total)
    ranking = rank(parsed, mode)
    hits, total = [], 0
    if ranking.order:
        with stage("hydrate"):
            hits, total = _page(
                parsed, ranking.order, ranking.scores, visible, limit, offset, sort, hit_class
            )
    named = hits[0].paper.pk if ranking.named.unique and total == 1 else None
    suggestion = None
    if suggest and ranking.unknown:
        suggestion = did_you_mean(parsed.raw, ranking.unknown, ranking.neighbours, ranking.corrections)
    return Found(hits, total, named, suggestion)


def _page(parsed, order, scores, visible, limit, offset, sort, hit_class) -> tuple[list, int]:
    """One page of visible papers in ``order``, sorted as asked, with highlights; and the total."""
    if sort == "relevance":
        if parsed.has_filters:
            shown = set(visible.filter(pk__in=order).values_list("pk", flat=True))
            kept = [pk for pk in order if pk in shown]
        else:
            # Only which candidates are hidden matters, and hidden papers are few.
            hidden = rows.hidden_pks()
            kept = [pk for pk in order if pk not in hidden]
    else:
        column = "published" if sort == "newest" else "upvotes"
        values = dict(visible.filter(pk__in=order).values_list("pk", column))
        kept = [pk for pk in order if pk in values]
        if sort == "newest":
            kept.sort(key=lambda pk: (values[pk] is not None, values[pk] or 0, pk), reverse=True)
        else:
            kept.sort(key=lambda pk: values[pk], reverse=True)  # stable: relevance breaks ties
    page_pks = kept[offset : offset + limit]
    papers = rows.papers_by_pk(page_pks)
    if len(papers) < len(page_pks):
        # Some candidates were deleted since the index last caught up: keep only papers that exist.
        existing = rows.existing_pks(kept)
        kept = [pk for pk in kept if pk in existing]
        page_pks = kept[offset : offset + limit]
        papers = rows.papers_by_pk(page_pks)
    return _hits([papers[pk] for pk in page_pks if pk in papers], scores, parsed, hit_class), len(kept)


def _hits(papers: list[Paper], scores: dict[int, float], parsed: ParsedQuery, hit_class: Callable) -> list:
    terms = parsed.highlight_terms
    with stage("highlight"):
        return _highlighted(papers, scores, terms, hit_class)


def _highlighted(
    papers: list[Paper], scores: dict[int, float], terms: list[str], hit_class: Callable
) -> list:
    return [
        hit_class(
            paper=paper,
            score=scores.get(paper.pk, 0.0),
            title_spans=highlight(paper.title, terms),
            abstract_spans=excerpt(paper.abstract, terms),
        )
        for paper in papers
    ]


def find_related(papers: list[Paper], limit: int) -> list[Paper]:
    """Visible papers most like ``papers`` (excluding them): the vectors nearest to their mean,
    fused with a keyword search for their most telling words."""
    if not papers or limit <= 0:
        return []
    backend = get_backend()
    if not backend.has_vectors():
        return []  # no index yet: nothing to compare with (and no model to load)
    pks = [p.pk for p in papers]
    with stage("stored vectors"):
        stored = backend.vectors_for(pks)
    missing = [p for p in papers if p.pk not in stored]
    vectors = list(stored.values())
    if missing:
        from paperfeed.search.embedding import document_text

        with stage("query embedding"):
            vectors += list(
                get_embedder().encode_for_request([document_text(p.title, p.abstract) for p in missing])
            )
    centre = normalize(np.mean(np.stack(vectors), axis=0, keepdims=True))[0]
    exclude = set(pks)
    if backend.reads_without_database:
        # The nearest vectors are found on another thread while this one runs the keyword search.
        nearest = run_beside(backend.dense, centre, None, RELATED_DEPTH, exclude=exclude)
    else:
        with stage("vector search"):
            nearest = backend.dense(centre, None, RELATED_DEPTH, exclude=exclude)
    with stage("keyword"):
        words = distinctive_words([(p.title, p.abstract) for p in papers])
        alike = [pk for pk, _ in backend.similar_words(words, RELATED_KEYWORD_DEPTH) if pk not in exclude]
    if backend.reads_without_database:
        with stage("vector search wait"):
            nearest = nearest.result()
    near = [pk for pk, _ in nearest]
    with stage("fusion"):
        # A few spare in case some of them have been hidden since the last catch-up.
        order = [pk for pk, _ in reciprocal_rank_fusion([alike, near])][: limit + 10]
    with stage("hydrate"):
        hidden = rows.hidden_pks()
        candidates = [pk for pk in order if pk not in hidden]
        found = rows.papers_by_pk(candidates[:limit])
        if len(found) < min(limit, len(candidates)):  # deleted since the index last caught up
            found = rows.papers_by_pk(candidates)
        return [found[pk] for pk in candidates if pk in found][:limit]


def meaning_search_progress() -> tuple[int, int] | None:
    """(papers with a vector, papers in the index) while vectors are still being written after
    the keywords (see sync); None once every indexed paper has its vector, or with no index."""
    vectors, documents = get_backend().vector_coverage()
    return (vectors, documents) if vectors < documents else None


def warm_up_parts() -> None:
    """Load the model (one query through it) and run one search of each kind on the index."""
    from paperfeed.search.query import parse_query

    vector = get_embedder().encode_query("warm up")
    backend = get_backend()
    backend.keyword(parse_query("warm up"), None, 10)
    backend.dense(vector, None, 10)
    if hasattr(backend, "prefetch"):
        backend.prefetch()
