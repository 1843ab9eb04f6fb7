"""The search behaviour every backend must show (run once per backend; see conftest)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from paperfeed.papers.models import Paper
from paperfeed.search import sync
from paperfeed.search.public import QueryError, more_like_these, related_papers, search_papers


def titles(hits):
    return [h.paper.title for h in hits]


def first(query, **kwargs):
    hits, _ = search_papers(query, **kwargs)
    return hits[0].paper if hits else None


@pytest.mark.parametrize(
    "query",
    [
        "{id}",
        "{id}v3",
        "arXiv:{id}",
        "https://arxiv.org/abs/{id}v2",
        "https://arxiv.org/pdf/{id}",
        "arxiv.org/abs/{id}",
    ],
)
def test_an_arxiv_id_or_link_in_any_version_puts_that_paper_first(corpus, query):
    target = corpus["sorting"]
    assert first(query.format(id=target.arxiv_id)) == target


def test_a_doi_or_doi_link_puts_that_paper_first(corpus):
    assert first("10.1234/diffusion.2025") == corpus["diffusion"]
    assert first("https://doi.org/10.1234/DIFFUSION.2025") == corpus["diffusion"]


def test_an_exact_title_puts_that_paper_first(corpus):
    assert first("certified data deletion in neural networks") == corpus["forgetting"]


def test_meaning_finds_papers_that_share_no_words_with_the_query(corpus):
    hits, _ = search_papers("erasing facts from a trained model")
    top3 = [h.paper for h in hits[:3]]
    assert corpus["unlearning"] in top3


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "dense"])
def test_each_mode_ranks_the_obvious_answer_first(corpus, mode):
    assert first("protein structure prediction", mode=mode) == corpus["protein"]


def test_keyword_mode_returns_only_papers_containing_the_words(corpus):
    hits, total = search_papers("molecules", mode="keyword")
    assert [h.paper for h in hits] == [corpus["graphs"]]
    assert total == 1


def test_matching_words_are_highlighted_in_title_and_abstract(corpus):
    hits, _ = search_papers("speech recognition")
    hit = next(h for h in hits if h.paper == corpus["speech"])
    assert ("Speech", True) in hit.title_spans and ("Recognition", True) in hit.title_spans
    assert any(marked and text.lower() == "speech" for text, marked in hit.abstract_spans)
    assert "".join(t for t, _ in hit.title_spans) == corpus["speech"].title


def test_an_authors_name_alone_finds_their_papers_by_keyword(corpus):
    hits, _ = search_papers("Lovelace", mode="keyword")
    assert [h.paper for h in hits] == [corpus["diffusion"]]


def test_author_filter_keeps_only_that_authors_papers(corpus):
    hits, total = search_papers('model author:"Ada Lovelace"')
    assert {h.paper for h in hits} == {corpus["diffusion"]}
    assert total == 1


def test_category_filter_matches_any_listed_category_ignoring_case(corpus):
    hits, _ = search_papers("networks cat:cs.cr")
    assert {h.paper for h in hits} == {corpus["forgetting"]}
    hits, _ = search_papers("learning cat:cs.LG")
    assert {h.paper for h in hits} <= {corpus[k] for k in ("unlearning", "forgetting", "protein", "graphs")}
    assert corpus["diffusion"] not in {h.paper for h in hits}


def test_date_filters_bound_the_publication_date(corpus):
    hits, _ = search_papers("networks year:2024")
    assert {h.paper for h in hits} <= {corpus["forgetting"], corpus["graphs"]}
    assert hits
    hits, _ = search_papers("models after:2025-03-01 before:2025-05-31")
    for hit in hits:
        assert datetime(2025, 3, 1, tzinfo=UTC) <= hit.paper.published < datetime(2025, 6, 1, tzinfo=UTC)
    assert corpus["unlearning"] in {h.paper for h in hits}


def test_has_code_keeps_papers_with_a_repository(corpus):
    hits, _ = search_papers("model has:code")
    assert {h.paper for h in hits} <= {corpus["unlearning"], corpus["protein"]}
    assert hits


def test_a_backend_takes_the_parsed_filters_and_applies_them_itself(corpus):
    from paperfeed.search.backends import get_backend
    from paperfeed.search.backends.base import SearchFilters
    from paperfeed.search.embedding import get_embedder
    from paperfeed.search.query import parse_query

    assert SearchFilters.of(parse_query("models")) is None
    with_code = SearchFilters.of(parse_query("models has:code"))
    assert with_code == SearchFilters(has_code=True)
    backend = get_backend()
    words = parse_query("transformer model")
    coded = {corpus["unlearning"].pk, corpus["protein"].pk}
    assert {pk for pk, _ in backend.keyword(words, with_code, 10)} == coded
    assert corpus["diffusion"].pk in {pk for pk, _ in backend.keyword(words, None, 10)}
    by_ada = SearchFilters(authors=("Ada Lovelace",))
    assert {pk for pk, _ in backend.keyword(words, by_ada, 10)} == {corpus["diffusion"].pk}
    vector = get_embedder().encode_query("neural networks")
    assert {pk for pk, _ in backend.dense(vector, with_code, 10)} == coded
    assert len(backend.dense(vector, None, 10)) == len(corpus)


def test_filters_alone_list_every_matching_paper_newest_first(corpus):
    hits, total = search_papers("cat:cs.LG")
    assert total == 4
    dates = [h.paper.published for h in hits]
    assert dates == sorted(dates, reverse=True)


def test_a_quoted_phrase_must_appear_as_a_phrase(corpus):
    hits, _ = search_papers('"graph neural networks"')
    assert [h.paper for h in hits] == [corpus["graphs"]]
    hits, _ = search_papers('"networks graph"', mode="keyword")
    assert hits == []


def test_sort_by_newest_and_by_upvotes(corpus):
    hits, _ = search_papers("model network", sort="newest", mode="keyword")
    dates = [h.paper.published for h in hits]
    assert len(dates) > 2 and dates == sorted(dates, reverse=True)
    hits, _ = search_papers("model network", sort="upvotes", mode="keyword")
    votes = [h.paper.upvotes for h in hits]
    assert len(votes) > 2 and votes == sorted(votes, reverse=True)


def test_pages_cover_the_results_without_overlap(corpus):
    all_hits, total = search_papers("learning models networks", limit=100)
    pages = []
    for offset in range(0, total, 3):
        page, page_total = search_papers("learning models networks", limit=3, offset=offset)
        assert page_total == total
        pages += [h.paper for h in page]
    assert pages == [h.paper for h in all_hits]
    assert len(set(pages)) == total


def test_hidden_papers_are_never_served_and_catch_up_drops_them(corpus):
    target = corpus["speech"]
    Paper.objects.filter(pk=target.pk).update(hidden=True, modified_at=datetime.now(UTC))
    for mode in ("hybrid", "keyword", "dense"):
        assert target not in {h.paper for h in search_papers("speech recognition", mode=mode)[0]}
    assert first(target.arxiv_id) != target
    assert sync.status().hidden_in_index == 1
    result = sync.catch_up()
    assert result.removed == 1
    assert sync.status().hidden_in_index == 0
    assert target not in related_papers(corpus["rl"], limit=10)


def test_papers_deleted_since_indexing_are_skipped_and_pages_stay_full(corpus):
    query = "learning models networks"
    before, total = search_papers(query, limit=3)
    gone = before[0].paper
    Paper.objects.filter(pk=gone.pk).delete()  # the index has not caught up yet
    after, total_after = search_papers(query, limit=3)
    assert gone not in {h.paper for h in after}
    assert len(after) == 3 and total_after == total - 1
    related = related_papers(corpus["rl"], limit=6)  # every other paper that is left
    assert gone not in related and len(related) == 6


def test_the_related_keyword_search_reads_titles_and_abstracts_not_author_names(corpus):
    from paperfeed.search.backends import get_backend

    backend = get_backend()
    assert {pk for pk, _ in backend.similar_words(["diffusion", "photorealistic"], 10)} == {
        corpus["diffusion"].pk
    }
    assert backend.similar_words(["lovelace", "shannon"], 10) == []  # the diffusion paper's authors


def test_catch_up_indexes_new_and_changed_papers_only(corpus, make_search_paper):
    assert sync.status().stale == 0
    added = make_search_paper(
        "Quantum Error Correction with Surface Codes", "Logical qubits protected by surface codes."
    )
    changed = corpus["sorting"]
    changed.abstract = "Now about zebras crossing savannas."
    changed.save()
    status = sync.status()
    assert status.stale == 2
    result = sync.catch_up()
    assert result.indexed == 2 and not result.rebuilt
    assert first("surface codes qubits") == added
    assert first("zebras savannas", mode="keyword") == changed
    assert sync.status().stale == 0
    assert sync.catch_up().indexed == 0


def test_related_papers_are_topical_and_exclude_the_paper_itself(corpus):
    related = related_papers(corpus["unlearning"], limit=3)
    assert corpus["unlearning"] not in related
    assert len(related) == 3
    # The one other paper about forgetting training data leads; on PostgreSQL, whose keyword rank
    # has no inverse document frequency, a paper sharing only the word "model" can tie with it.
    assert corpus["forgetting"] in related[:2]
    assert corpus["sorting"] not in related[:2]


def test_related_papers_of_an_unindexed_paper_are_computed_on_the_fly(corpus, make_search_paper):
    fresh = make_search_paper(
        "Forgetting training data in deep models", "Removing learned records from networks."
    )
    related = related_papers(fresh, limit=2)
    assert fresh not in related
    assert {corpus["unlearning"], corpus["forgetting"]} & set(related)


def test_more_like_these_follows_the_collection_and_skips_its_members(corpus):
    members = [corpus["unlearning"], corpus["rl"]]
    similar = more_like_these(members, limit=4)
    assert not set(members) & set(similar)
    assert len(similar) == 4


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced quote',
        "*",
        "model*",
        "-",
        "--",
        ":",
        "a:",
        "NEAR",
        "foo NEAR bar",
        "a OR b",
        "a AND NOT b",
        "(unclosed",
        "title:[a TO b]",
        "^2",
        "'; DROP TABLE papers_paper; --",
        "\\",
        "~~",
        "C++ templates",
        "über-effizient",
        "🙂",
        "0" * 240,  # one word longer than the engine indexes
        '"' + "x" * 60 + '"',
        "unlearning " + "y" * 45,
    ],
)
def test_engine_syntax_in_a_query_never_breaks_search(corpus, query):
    try:
        hits, total = search_papers(query)
    except QueryError as error:
        assert str(error)  # a message for people, not an engine error
        assert "syntax" not in str(error).lower()
    else:
        assert total >= len(hits)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a few words"),
        ("   ", "Type a few words"),
        ("x" * 10_000, "limited to 250 characters"),
        ("venue:neurips", "Unknown filter “venue:”"),
        ("after:2025-02-30", "not a real date"),
        ("year:20x4", "not a year"),
        ("after:2025-06-01 before:2025-01-01", "date range is empty"),
        ("has:data", "has:code"),
        ("author:", "needs a value"),
    ],
)
def test_bad_queries_raise_a_clear_message(corpus, query, message):
    with pytest.raises(QueryError, match=message):
        search_papers(query)


def test_bad_options_are_refused(corpus):
    with pytest.raises(QueryError, match="Sort by"):
        search_papers("learning", sort="random")
    with pytest.raises(QueryError, match="mode"):
        search_papers("learning", mode="magic")


def test_related_papers_are_empty_before_the_index_is_built(search_backend, make_search_paper):
    paper = make_search_paper("Lonely paper", "Nothing indexed yet.")
    assert related_papers(paper) == []
    assert more_like_these([paper]) == []
