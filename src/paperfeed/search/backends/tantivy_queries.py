"""How the local backend's documents and queries map onto tantivy.

The schema, one tantivy document per paper, and the translation of a parsed query's words,
phrases and filters into tantivy queries. Nothing here knows where the index lives on disk.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import tantivy

from paperfeed.search.backends.base import Ranked, SearchFilters
from paperfeed.search.documents import IndexDocument
from paperfeed.search.filters import author_paper_pks
from paperfeed.search.query import ParsedQuery
from paperfeed.search.stopwords import content_words

TITLE_BOOST = 2.0
TEXT_FIELDS = ("title", "abstract", "authors")
SIMILAR_FIELDS = ("title", "abstract")  # what a paper is about; its words are not author names
MAX_TOKEN_BYTES = 40  # tantivy's RemoveLongFilter in the default and en_stem tokenizers
EPOCH_DAY = datetime(1970, 1, 1, tzinfo=UTC)


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("pk", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("abstract", tokenizer_name="en_stem")
    builder.add_text_field("authors", tokenizer_name="default")
    builder.add_text_field("category", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("published", indexed=True, fast=True)
    builder.add_integer_field("has_code", indexed=True)
    return builder.build()


def day_number(moment: datetime | None) -> int:
    return (moment - EPOCH_DAY).days if moment else -(10**6)


def _first_day(day: date | None) -> int | None:
    return day_number(datetime.combine(day, datetime.min.time(), UTC)) if day else None


def document(doc: IndexDocument) -> tantivy.Document:
    return tantivy.Document(
        pk=doc.pk,
        title=doc.title,
        abstract=doc.abstract,
        authors=doc.authors or [""],
        category=[c.lower() for c in doc.categories] or [""],
        published=day_number(doc.published),
        has_code=int(doc.has_code),
    )


def indexable(words: list[str]) -> list[str]:
    """The words tantivy can have indexed.

    Its tokenizers drop tokens of 40 bytes or more, and it refuses a query made only of those.
    """
    return [word for word in words if len(word.encode()) < MAX_TOKEN_BYTES]


def words_query(index: tantivy.Index, words: list[str], fields: tuple[str, ...]) -> tantivy.Query:
    """One flat disjunction of (field, word) terms, title terms boosted.

    The parser's own form for several fields nests a per-word disjunction inside the query's
    disjunction; flat, tantivy scores the same sum but can skip blocks that cannot reach the
    top k (block-max WAND). Each clause names one field, so each word goes through that
    field's tokenizer (stemming for title and abstract, none for authors).
    """
    clauses = [
        f"{name}:{word}^{TITLE_BOOST}" if name == "title" else f"{name}:{word}"
        for word in dict.fromkeys(words)
        for name in fields
    ]
    return index.parse_query(" ".join(clauses), list(fields))


def text_query(index: tantivy.Index, parsed: ParsedQuery) -> tantivy.Query | None:
    """Phrases must match, words may, excluded words must not; None when nothing can match."""
    query = _wanted_query(index, parsed)
    excluded = indexable(parsed.excluded)
    if query is None or not excluded:
        return query
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, query), (tantivy.Occur.MustNot, words_query(index, excluded, TEXT_FIELDS))]
    )


def _wanted_query(index: tantivy.Index, parsed: ParsedQuery) -> tantivy.Query | None:
    parts = []
    words = indexable(content_words(parsed.words))
    if words and not parsed.phrases:
        # Only alphanumeric lowercase words reach the parser, so no query syntax is possible.
        return words_query(index, words, TEXT_FIELDS)
    if words:
        parts.append((tantivy.Occur.Should, words_query(index, words, TEXT_FIELDS)))
    for phrase in filter(None, map(indexable, parsed.phrases)):
        quoted = '"' + " ".join(phrase) + '"'
        parts.append(
            (
                tantivy.Occur.Must,
                index.parse_query(quoted, list(TEXT_FIELDS), field_boosts={"title": TITLE_BOOST}),
            )
        )
    if not parts:
        return None
    return tantivy.Query.boolean_query(parts)


def filter_queries(fields: tantivy.Schema, filters: SearchFilters) -> list[tantivy.Query]:
    """The filters as far as the index can tell; the database check above the backend is exact."""
    queries = []
    for category in filters.categories:
        queries.append(tantivy.Query.term_query(fields, "category", category.lower()))
    for author in filters.authors:
        # Names are matched by their folded key in the database (accents, order: search/filters.py),
        # which the index's words cannot do; the papers of that name are few, so they narrow by pk.
        queries.append(tantivy.Query.term_set_query(fields, "pk", author_paper_pks(author)))
    if filters.after or filters.before:
        bounds = (_first_day(filters.after), _first_day(filters.before))
        queries.append(tantivy.Query.range_query(fields, "published", tantivy.FieldType.Integer, *bounds))
    if filters.has_code:
        queries.append(tantivy.Query.term_query(fields, "has_code", 1))
    return queries


def keyword_query(
    index: tantivy.Index, fields: tantivy.Schema, parsed: ParsedQuery, filters: SearchFilters | None
) -> tantivy.Query | None:
    """The words and phrases of ``parsed``, narrowed by ``filters``; None when nothing can match."""
    text = text_query(index, parsed)
    if text is None:
        return None
    narrowing = filter_queries(fields, filters) if filters is not None else []
    if not narrowing:
        return text
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in [text, *narrowing]])


# The terms the index holds: title and abstract words stemmed (tantivy's en_stem), names as typed.
_STEMMED = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


def word_shares(index: tantivy.Index, words: list[str]) -> dict[str, float]:
    """For each word, the share of documents holding it in one field (0.0: no document does)."""
    searcher = index.searcher()
    total = max(searcher.num_docs, 1)
    shares = {}
    for word in dict.fromkeys(words):
        stems = _STEMMED.analyze(word) if len(word.encode()) < MAX_TOKEN_BYTES else []
        counts = [searcher.doc_freq(name, stem) for stem in stems for name in SIMILAR_FIELDS]
        if len(word.encode()) < MAX_TOKEN_BYTES:
            counts.append(searcher.doc_freq("authors", word.lower()))
        shares[word] = min(1.0, max(counts, default=0) / total)
    return shares


def all_in_title(index: tantivy.Index, words: list[str]) -> tantivy.Query | None:
    """Papers whose title has every one of ``words`` (a title typed without its subtitle)."""
    words = indexable(words)
    if not words:
        return None
    return index.parse_query(" AND ".join(f"title:{word}" for word in dict.fromkeys(words)), ["title"])


def containing(index: tantivy.Index, fields: tantivy.Schema, words: list[str], pks: list[int]) -> set[int]:
    """Those of ``pks`` whose documents hold any of ``words``."""
    words = indexable(words)
    if not words or not pks:
        return set()
    query = tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, tantivy.Query.term_set_query(fields, "pk", list(pks))),
            (tantivy.Occur.Must, words_query(index, words, TEXT_FIELDS)),
        ]
    )
    return {pk for pk, _ in top(index, query, len(pks))}


def top(index: tantivy.Index, query: tantivy.Query, limit: int) -> Ranked:
    """The best ``limit`` papers for ``query``, as (pk, score)."""
    searcher = index.searcher()
    result = searcher.search(query, limit, count=False)
    if not result.hits:
        return []
    addresses = [address for _, address in result.hits]
    pks = searcher.fast_field_values("pk", addresses)
    return [(int(pk), float(score)) for (score, _), pk in zip(result.hits, pks, strict=True)]
