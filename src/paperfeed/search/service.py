"""Search above the backends: candidates from each signal, fusion, exact lookups, visibility, paging."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from paperfeed.papers.models import Paper
from paperfeed.search import rows
from paperfeed.search.backends import get_backend
from paperfeed.search.backends.base import SearchFilters
from paperfeed.search.beside import run_beside
from paperfeed.search.embedding import get_embedder, normalize
from paperfeed.search.errors import QueryError
from paperfeed.search.filters import filter_q
from paperfeed.search.fusion import reciprocal_rank_fusion
from paperfeed.search.highlight import excerpt, highlight
from paperfeed.search.lookup import MIN_TITLE_WORDS, exact_matches, normalized_title
from paperfeed.search.query import ParsedQuery
from paperfeed.search.related_words import distinctive_words
from paperfeed.search.timing import stage

SORTS = ("relevance", "newest", "upvotes")
MODES = ("hybrid", "keyword", "dense")
KEYWORD_DEPTH = 200  # keyword candidates fused; also the most results a keyword query pages through
DENSE_DEPTH = 100  # dense candidates fused: every paper is "near", so only the head is worth showing
TITLE_CHECK = 10  # keyword candidates checked for an exact title match
MAX_LIMIT = 120  # the Hugging Face API allows 1–120 results per search page
RELATED_DEPTH = 100  # nearest vectors fused for related papers
# Keyword candidates fused for related papers: the head of a 12-word "more like this" query is
# what helps (dev set nDCG@10 0.502 at 30 against 0.488 at 100); its tail only adds noise.
RELATED_KEYWORD_DEPTH = 30


def _check_options(limit: int, offset: int, sort: str, mode: str) -> None:
    if sort not in SORTS:
        raise QueryError(f"Sort by one of {', '.join(SORTS)}, not “{sort}”.")
    if mode not in MODES:
        raise QueryError(f"Search mode is one of {', '.join(MODES)}, not “{mode}”.")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise QueryError(f"Pages hold 1 to {MAX_LIMIT} results and start at 0 or later.")


def ranked_pks(parsed: ParsedQuery, mode: str = "hybrid") -> tuple[list[int], dict[int, float]]:
    """Candidate paper pks for ``parsed``, best first, with their scores (not yet checked for visibility)."""
    filters = SearchFilters.of(parsed)
    backend = get_backend()
    # The query is embedded on another thread while this one asks the database and tantivy:
    # on two cores the two take about as long as the slower alone.
    embedding = (
        run_beside(get_embedder().encode_query, parsed.text)
        if parsed.has_text and mode in ("hybrid", "dense") and parsed.text
        else None
    )
    with stage("exact lookups"):
        pinned = exact_matches(parsed.text) if parsed.text else []
    keyword: list[tuple[int, float]] = []
    dense: list[tuple[int, float]] = []
    if parsed.has_text and mode in ("hybrid", "keyword"):
        with stage("keyword"):
            keyword = backend.keyword(parsed, filters, KEYWORD_DEPTH)
    if embedding is not None:
        with stage("query embedding wait"):
            vector = embedding.result()
        with stage("vector search"):
            dense = backend.dense(vector, filters, DENSE_DEPTH)
        if parsed.phrases:
            # A quoted phrase must appear: meaning only re-orders papers that contain it.
            with stage("keyword"):
                containing = {pk for pk, _ in backend.keyword(parsed, filters, KEYWORD_DEPTH * 5)}
            dense = [(pk, s) for pk, s in dense if pk in containing]
    with stage("fusion"):
        if mode == "hybrid":
            fused = reciprocal_rank_fusion([[pk for pk, _ in keyword], [pk for pk, _ in dense]])
        else:
            fused = keyword if mode == "keyword" else dense
        scores = dict(fused)
    if keyword and len(parsed.text.split()) >= MIN_TITLE_WORDS and not pinned:
        # The database lookup wants the title's exact words; this also forgives punctuation.
        with stage("exact lookups"):
            wanted = normalized_title(parsed.text)
            head = [pk for pk, _ in keyword[:TITLE_CHECK]]
            head_titles = rows.titles(head)
            pinned = [pk for pk in head if normalized_title(head_titles.get(pk, "")) == wanted]
    top = max(scores.values(), default=0.0)
    for rank, pk in enumerate(pinned):
        scores[pk] = top + 1.0 + (len(pinned) - rank)
    pinned_set = set(pinned)
    order = pinned + [pk for pk, _ in fused if pk not in pinned_set]
    return order, scores


def run_search(
    parsed: ParsedQuery, *, limit: int, offset: int, sort: str, mode: str, hit_class: Callable
) -> tuple[list, int]:
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
        return _hits(page, {}, parsed, hit_class), total
    order, scores = ranked_pks(parsed, mode)
    if not order:
        return [], 0
    with stage("hydrate"):
        return _page(parsed, order, scores, visible, limit, offset, sort, hit_class)


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
                get_embedder().encode_documents([document_text(p.title, p.abstract) for p in missing])
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


def warm_up_parts() -> None:
    """Load the model (one query through it) and run one search of each kind on the index."""
    from paperfeed.search.query import parse_query

    vector = get_embedder().encode_query("warm up")
    backend = get_backend()
    backend.keyword(parse_query("warm up"), None, 10)
    backend.dense(vector, None, 10)
    if hasattr(backend, "prefetch"):
        backend.prefetch()
