"""How the PostgreSQL backend finds a query's documents and ranks them: the match condition on
the index's tsvector, and the statement ranking its matches by the BM25 of ``postgres_terms``."""

from __future__ import annotations

from paperfeed.search.backends.base import Ranked
from paperfeed.search.backends.postgres_terms import Statistics, score_sql
from paperfeed.search.query import ParsedQuery

DOCS = "search_document"

# A word matches the title and abstract stemmed, and author names (weight C, indexed with the
# 'simple' configuration) as written.
WORD_TSQUERY = "(plainto_tsquery('english', %s) || to_tsquery('simple', %s))"


def word_params(word: str) -> list[str]:
    return [word, f"{word}:C"]


def match(parsed: ParsedQuery, words: list[str], every: bool = False) -> tuple[str, list]:
    """(match expression, params): phrases must match, words may (``every``: must), excluded
    words must not.

    A word matches the title and abstract stemmed, and author names (weight C, indexed with
    the 'simple' configuration) as written. Words are letters and digits (``words_of``), so
    none is tsquery syntax.
    """
    phrases = " && ".join("phraseto_tsquery('english', %s)" for _ in parsed.phrases)
    if phrases:
        wanted, params = f"({phrases})", [" ".join(p) for p in parsed.phrases]
    else:
        wanted = "(" + (" && " if every else " || ").join(WORD_TSQUERY for _ in words) + ")"
        params = [param for word in words for param in word_params(word)]
    if parsed.excluded:
        excluded = " || ".join(WORD_TSQUERY for _ in parsed.excluded)
        wanted = f"({wanted} && !!({excluded}))"
        params = params + [p for word in parsed.excluded for p in word_params(word)]
    return wanted, params


def ranked(
    cursor,
    stats: Statistics,
    words: list[str],
    fields: tuple[str, ...],
    condition: str,
    params: list,
    limit: int,
) -> Ranked:
    """The documents meeting ``condition`` (an expression on ``d``, then its params), best
    first by BM25 for ``words`` over ``fields`` (``postgres_terms``)."""
    columns, score, score_params = score_sql(stats, words, fields)
    # OFFSET 0 keeps the subquery whole: each of its columns is computed once per row, where
    # the score uses each term frequency twice.
    cursor.execute(
        f"SELECT s.paper_id, {score} AS score FROM (SELECT d.paper_id{', ' if columns else ''}{columns}"
        f" FROM {DOCS} d WHERE {condition} OFFSET 0) s ORDER BY score DESC NULLS LAST, s.paper_id LIMIT %s",
        score_params + params + [limit],
    )
    return [(int(pk), float(score)) for pk, score in cursor.fetchall()]
