"""From a parsed query to the papers that genuinely match it, best first.

Above every backend, so both understand a query the same way: a query that names a paper
(id, DOI, title) answers with that paper alone; keyword matches count only when the words the
corpus knows carry the query; meaning counts only above a calibrated similarity, and for a
query of words no paper uses only when they are misspellings of words near it; ``-word`` leaves
papers out; the two signals are fused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from paperfeed.search.authors import author_first
from paperfeed.search.backends import get_backend
from paperfeed.search.backends.base import Ranked, SearchFilters
from paperfeed.search.beside import run_beside
from paperfeed.search.embedding import get_embedder, normalize
from paperfeed.search.fusion import reciprocal_rank_fusion
from paperfeed.search.lookup import Named, looks_like_identifier, may_be_title, named_exactly, nearly_titled
from paperfeed.search.query import ParsedQuery
from paperfeed.search.stopwords import content_words
from paperfeed.search.suggest import corrections, reads_whole
from paperfeed.search.timing import stage

KEYWORD_DEPTH = 200  # keyword candidates fused; also the most results a keyword query pages through
DENSE_DEPTH = 100  # dense candidates: only those above DENSE_MIN_SIMILARITY are kept
TITLE_CHECK = 10  # candidates from each source checked for a title typed nearly exactly
# Meaning (cosine similarity of all-MiniLM-L6-v2 vectors) counts only when the nearest paper
# is at least DENSE_MIN_BEST from the query, and then for papers at least DENSE_MIN_SIMILARITY
# from it: every paper has nearest neighbours, and below these they are noise. Calibrated on the
# 2,500-paper dev corpus (bench/search) against 200 random-letter and made-up-word queries: the
# nearest paper to nonsense was at 0.15 / 0.23 / 0.32 (1st / 50th / 99th percentile), none at
# 0.35 or more; to real queries at 0.31 / 0.56 / 0.74 for keyword queries (97 % at 0.35 or more;
# the rest still match by keyword) and 0.48 or more for every topic and summary query. Relevant
# papers of topic queries sit lower (median 0.35), so the per-paper floor is lower: at 0.2 it
# keeps 90 % of them and 98 % of the keyword queries' answers (topical nDCG@10 0.8495, against
# 0.8470 with no floor and 0.8463 at 0.3).
DENSE_MIN_SIMILARITY = 0.2
DENSE_MIN_BEST = 0.35
# A query none of whose words the corpus knows is made up, misspelt, or in words the corpus does
# not use ("amino acid chains" on a small site), and its nearest paper alone cannot tell which:
# on the 6,400-paper dev set (bench/search, int8 model), of 460 made-up queries (the 60 of the
# set and 400 more from its generator, seed 2026: bench/search/unknown_words.py) 9 reach 0.35
# (the highest 0.385), and so do 32 of 200 real words typed with one typo (up to 0.54). Their
# spelling tells them apart: each word must be one the model reads whole, as a word of its
# vocabulary (suggest.reads_whole: of the 460 only "woke" is made of such words, and no typo),
# or within suggest.allowed_edits of a word of the 30 nearest papers, as "evalution", "traning",
# "plannnig" are. 27 of the 32 typos pass, none of the 9 made-up queries. So such a query means
# something only when it reaches DENSE_MIN_BEST and each of its words is a word or a misspelling.
# A word in at most this share of papers says what a query is about; a more common word
# ("model", "learning") only refines. Words the corpus has never seen carry nothing. When as
# many words are unknown as known ("haron hire": a made-up word beside a rare real one or a
# given name), the known half counts only when the query as a whole means something (its
# nearest paper at DENSE_MIN_BEST): of the 460 made-up queries 6 are such, nearest 0.19 to 0.28;
# of the dev set's real queries only 4 names typed without their accents ("Hinrich Schutze",
# whose papers author lookup puts first regardless).
TELLING_SHARE = 0.05
# Keyword candidates scoring below this share of the best one matched only minor (common) words
# and are left out. Dev corpus topical nDCG@10 0.8495 without, 0.8508 with (topic queries 0.2251
# to 0.2345). Measured and not kept: title boost 3 instead of 2 (0.8221), fusion weights leaning
# to meaning for long queries (0.5, 1.0: 0.8387) or for short ones (1.0, 1.3: 0.8478).
KEYWORD_SCORE_FLOOR = 0.3
# Fusion weights (keyword, meaning) for short queries and for long ones (sentences).
SHORT_WEIGHTS = (1.0, 1.0)
LONG_WEIGHTS = (1.0, 1.0)
LONG_QUERY_WORDS = 8
# Pseudo-relevance feedback (Rocchio): the query vector moved towards the mean vector of the
# first PRF_DOCS fused results, by PRF_WEIGHT, and searched again; fused again with the keywords.
# Dev set (6,400 papers, hybrid): topic nDCG@10 0.2441 -> 0.2617, keywords 0.6989 -> 0.7054,
# titles top-1 0.9867 -> 1.0, summaries 0.9975 -> 0.9926, topical 0.8250 -> 0.8264. Chosen before
# measuring; 1.0 (topic 0.2823) and 5 papers (0.2471) were measured and not taken: 12 topic
# queries are too few to tune on.
PRF_WEIGHT = 0.5
PRF_DOCS = 3


@dataclass
class Ranking:
    order: list[int] = field(default_factory=list)  # candidate pks, best first (not yet visibility-checked)
    scores: dict[int, float] = field(default_factory=dict)
    named: Named = field(default_factory=Named)  # the papers the query names, if any
    unknown: list[str] = field(default_factory=list)  # query words no indexed paper uses
    neighbours: list[int] = field(default_factory=list)  # nearest papers, however far (for suggestions)
    corrections: dict[str, str] | None = None  # unknown words' near spellings, when already looked up


def keyword_is_genuine(words: list[str], shares: dict[str, float], best: float | None = None) -> bool:
    """Whether papers matching some of ``words`` match the query: not when most of its words are
    unknown to the corpus, nor when those it knows are all common ("the model flurbo"), nor when
    half are unknown and the query means nothing (``best``: the similarity of the nearest paper,
    None when not measured)."""
    unknown = [w for w in words if not shares.get(w)]
    if not unknown:
        return True
    known = [w for w in words if shares.get(w)]
    if len(known) < len(unknown) or not any(shares[w] <= TELLING_SHARE for w in known):
        return False
    return len(known) > len(unknown) or (best is not None and best >= DENSE_MIN_BEST)


def _fuse(mode: str, words: list[str], keyword: Ranked, dense: Ranked) -> Ranked:
    if mode == "hybrid":
        weights = LONG_WEIGHTS if len(words) >= LONG_QUERY_WORDS else SHORT_WEIGHTS
        return reciprocal_rank_fusion([[pk for pk, _ in keyword], [pk for pk, _ in dense]], list(weights))
    return keyword if mode == "keyword" else dense


def _with_feedback(backend, vector, filters: SearchFilters | None, top: list[int]) -> Ranked:
    """The papers nearest to the query moved towards its best results (Rocchio feedback), above
    the similarity floor."""
    found = backend.vectors_for(top)
    if found:
        centre = np.mean(np.stack(list(found.values())), axis=0)
        vector = normalize((vector + PRF_WEIGHT * centre)[None, :])[0]
    nearest = backend.dense(vector, filters, DENSE_DEPTH)
    return [(pk, s) for pk, s in nearest if s >= DENSE_MIN_SIMILARITY]


def rank(parsed: ParsedQuery, mode: str = "hybrid") -> Ranking:
    """The candidates for ``parsed`` in ``mode`` (hybrid, keyword or dense), best first."""
    filters = SearchFilters.of(parsed)
    if parsed.text and looks_like_identifier(parsed.text):
        # An id, link or DOI asks for one paper: that paper, or nothing.
        with stage("exact lookups"):
            named = named_exactly(parsed.text)
        return Ranking(order=list(named.pks), scores=dict.fromkeys(named.pks, 1.0), named=named)
    backend = get_backend()
    # The query is embedded on another thread while this one asks the database and tantivy:
    # on two cores the two take about as long as the slower alone.
    embedding = (
        run_beside(get_embedder().encode_query, parsed.text)
        if parsed.has_text and mode in ("hybrid", "dense") and parsed.text
        else None
    )
    with stage("exact lookups"):
        named = named_exactly(parsed.text) if parsed.text else Named()
    words = content_words(parsed.words)
    with stage("keyword"):
        shares = backend.word_shares(words) if words else {}
    keyword: Ranked = []
    if parsed.has_text and mode in ("hybrid", "keyword"):
        with stage("keyword"):
            keyword = backend.keyword(parsed, filters, KEYWORD_DEPTH)
    if not named.pks and may_be_title(parsed.text):
        with stage("exact lookups"):
            heads = [pk for pk, _ in keyword[:TITLE_CHECK]]
            heads += [pk for pk, _ in backend.title_candidates(words, TITLE_CHECK)]
            named = Named(nearly_titled(parsed.text, heads), "title")
    if named.unique:
        if embedding is not None:
            embedding.cancel()
        return Ranking(order=list(named.pks), scores=dict.fromkeys(named.pks, 1.0), named=named)
    unknown = [w for w in words if not shares.get(w)]
    vector, nearest = None, []
    if embedding is not None:
        with stage("query embedding wait"):
            vector = embedding.result()
    elif keyword and keyword_is_genuine(words, shares, 1.0) and not keyword_is_genuine(words, shares):
        # Keyword mode, and whether the matches count depends on what the query means.
        with stage("query embedding"):
            vector = get_embedder().encode_query(parsed.text)
    if vector is not None:
        with stage("vector search"):
            nearest = backend.dense(vector, filters, DENSE_DEPTH)
    best = nearest[0][1] if nearest else None
    if not keyword_is_genuine(words, shares, best):
        keyword = []
    if keyword and KEYWORD_SCORE_FLOOR:
        floor = keyword[0][1] * KEYWORD_SCORE_FLOOR
        keyword = [(pk, s) for pk, s in keyword if s >= floor]
    dense, neighbours, corrected = [], [pk for pk, _ in nearest], None
    if embedding is not None and best is not None and best >= DENSE_MIN_BEST:
        # Nothing the corpus knows: only words, or misspellings of the words found near, mean anything.
        strange = [w for w in unknown if not reads_whole(w)] if len(unknown) == len(words) else []
        if strange:
            with stage("spelling"):
                corrected = corrections(unknown, neighbours)
        if all(w in (corrected or {}) for w in strange):
            dense = [(pk, s) for pk, s in nearest if s >= DENSE_MIN_SIMILARITY]
        if parsed.phrases and dense:
            # A quoted phrase must appear: meaning only re-orders papers that contain it.
            with stage("keyword"):
                containing = {pk for pk, _ in backend.keyword(parsed, filters, KEYWORD_DEPTH * 5)}
            dense = [(pk, s) for pk, s in dense if pk in containing]
        if parsed.excluded and dense:
            with stage("keyword"):
                unwanted = backend.containing(parsed.excluded, [pk for pk, _ in dense])
            dense = [(pk, s) for pk, s in dense if pk not in unwanted]
    with stage("fusion"):
        fused = _fuse(mode, words, keyword, dense)
    if PRF_WEIGHT and dense and mode != "keyword" and not parsed.phrases and not parsed.excluded:
        with stage("feedback"):
            dense = _with_feedback(backend, vector, filters, [pk for pk, _ in fused[:PRF_DOCS]])
        with stage("fusion"):
            fused = _fuse(mode, words, keyword, dense)
    scores = dict(fused)
    with stage("author lookup"):  # a person's name typed: their papers next (search/authors.py)
        pinned = named.pks + author_first(parsed.text, [pk for pk, _ in fused], besides=named.pks)
    top = max(scores.values(), default=0.0)
    for position, pk in enumerate(pinned):
        scores[pk] = top + 1.0 + (len(pinned) - position)
    pinned_set = set(pinned)
    order = pinned + [pk for pk, _ in fused if pk not in pinned_set]
    return Ranking(order, scores, named, unknown, neighbours, corrected)
