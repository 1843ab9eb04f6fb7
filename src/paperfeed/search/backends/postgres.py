"""The PostgreSQL backend: a tsvector with a GIN index for keywords, pgvector HNSW for meaning.

Its tables are created on first use rather than by a migration, because the vector column's
dimension is the configured model's. Rows of deleted papers never match the database at query time.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from django.db import connection, transaction

from paperfeed.papers.models import Paper
from paperfeed.search.backends.base import IndexState, Ranked, SearchFilters
from paperfeed.search.documents import IndexDocument
from paperfeed.search.filters import filter_q
from paperfeed.search.query import ParsedQuery

DOCS = "search_document"
STATE = "search_state"
HNSW_EF_SEARCH = 100
# Rank weights for D, C, B, A: authors (C) count, abstract (B) more, title (A) most.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"


def _vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32)) + "]"


def _filter_sql(filters: SearchFilters | None) -> tuple[str, list]:
    """``AND d.paper_id IN (...)`` for the papers passing ``filters`` (hidden ones never do)."""
    if filters is None:
        return "", []
    subquery = Paper.objects.filter(filter_q(filters)).values("pk").query
    sql, params = subquery.get_compiler(connection=connection).as_sql()
    return f" AND d.paper_id IN ({sql})", list(params)


# A "more like this" query leaves out words found in more than this share of documents.
# ts_rank_cd has no inverse document frequency: with them, a paper's 12 words match most papers,
# which are all ranked, and common words outweigh telling ones (dev set: related papers nDCG@10
# 0.414 with every word, 0.451 without those in over 20 % of documents, and twice as fast).
COMMON_WORD_SHARE = 0.2
MIN_SIMILAR_WORDS = 3


def _common_shares(cursor, words: list[str]) -> dict[str, float] | None:
    """For each word, the share of documents with its lexeme by PostgreSQL's own statistics on
    the index (its most common lexemes; 0.0 for a word not among them, 1.0 for a stop word);
    None before the statistics exist."""
    cursor.execute(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
        " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'tsv'",
        [DOCS],
    )
    row = cursor.fetchone()
    if not row or not row[0]:
        return None
    shares = dict(zip(row[0], row[1], strict=False))  # the freqs end with min, max and null share
    cursor.execute("SELECT w, ts_lexize('english_stem', w) FROM unnest(%s::text[]) AS w", [words])
    lexemes = dict(cursor.fetchall())
    # A stop word has no lexeme: it counts as common.
    return {w: max((shares.get(lexeme, 0.0) for lexeme in lexemes.get(w) or []), default=1.0) for w in words}


def _telling_words(cursor, words: list[str]) -> list[str]:
    """``words`` without those most documents contain; all of them when there are no statistics yet."""
    share = _common_shares(cursor, words)
    if share is None:
        return words
    kept = [w for w in words if share[w] <= COMMON_WORD_SHARE]
    if len(kept) < MIN_SIMILAR_WORDS:
        kept = sorted(words, key=lambda w: share[w])[:MIN_SIMILAR_WORDS]
    return kept


# A word matches the title and abstract stemmed, and author names (weight C, indexed with the
# 'simple' configuration) as written.
_WORD_TSQUERY = "(plainto_tsquery('english', %s) || to_tsquery('simple', %s))"
# The share given to a word that some documents hold but the statistics do not list as common.
RARE_SHARE = 1e-4


def _word_params(word: str) -> list[str]:
    return [word, f"{word}:C"]


class PostgresBackend:
    name = "postgres"
    reads_without_database = False  # every search is a query on this thread's connection
    _pending_allowed = False  # the table takes rows without a vector (checked once per process)

    # -- schema ------------------------------------------------------------------------------------

    def _table_exists(self, cursor) -> bool:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [DOCS])
        return bool(cursor.fetchone()[0])

    def _state_value(self, cursor, key: str) -> str | None:
        cursor.execute(f"SELECT to_regclass('{STATE}') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(f"SELECT value FROM {STATE} WHERE key = %s", [key])
        row = cursor.fetchone()
        return row[0] if row else None

    def _set_state(self, cursor, key: str, value: str | None) -> None:
        cursor.execute(
            f"INSERT INTO {STATE} (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, value],
        )

    def _create(self, cursor, model: str, dim: int) -> None:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
        cursor.execute(f"DROP TABLE IF EXISTS {DOCS}")
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {STATE} (key text PRIMARY KEY, value text)")
        cursor.execute(
            f"CREATE TABLE {DOCS} ("
            # No foreign key: the index is derived data, and a reference from a table Django does
            # not know would stop it from truncating papers (test flushes). Rows of deleted
            # papers are dropped at query time, when results are matched against the database.
            " paper_id bigint PRIMARY KEY,"
            " tsv tsvector NOT NULL,"
            # NULL until the paper's vector is written: keywords are written first (see sync).
            f" embedding vector({int(dim)}))"
        )
        cursor.execute(f"CREATE INDEX {DOCS}_tsv ON {DOCS} USING gin (tsv)")
        # Rows still waiting for their vector, for the search page's "still being prepared" note.
        cursor.execute(f"CREATE INDEX {DOCS}_no_vector ON {DOCS} (paper_id) WHERE embedding IS NULL")
        self._pending_allowed = True
        cursor.execute(
            f"CREATE INDEX {DOCS}_embedding ON {DOCS} USING hnsw (embedding vector_cosine_ops)"
            " WITH (m = 16, ef_construction = 64)"
        )
        cursor.execute(f"DELETE FROM {STATE}")
        self._set_state(cursor, "model", model)
        self._set_state(cursor, "dim", str(dim))
        self._set_state(cursor, "vector_watermark", "")  # no vectors yet

    # -- reading -------------------------------------------------------------------------------------

    def _tsquery(self, parsed: ParsedQuery) -> tuple[str, str, list, list]:
        """(match expression, rank expression, their params): phrases must match, words may.

        A word matches the title and abstract stemmed, and author names (weight C, indexed with
        the 'simple' configuration) as written. Words are letters and digits (``words_of``), so
        none is tsquery syntax.
        """
        words = " || ".join(_WORD_TSQUERY for _ in parsed.words)
        word_params = [param for word in parsed.words for param in _word_params(word)]
        phrases = " && ".join("phraseto_tsquery('english', %s)" for _ in parsed.phrases)
        phrase_params = [" ".join(p) for p in parsed.phrases]
        if phrases:
            match, match_params = f"({phrases})", phrase_params
            rank = f"({phrases}) || ({words})" if words else f"({phrases})"
            rank_params = phrase_params + word_params
        else:
            match, match_params = f"({words})", word_params
            rank, rank_params = match, match_params
        if parsed.excluded:
            excluded = " || ".join(_WORD_TSQUERY for _ in parsed.excluded)
            match = f"({match} && !!({excluded}))"
            match_params = match_params + [p for word in parsed.excluded for p in _word_params(word)]
        return match, rank, match_params, rank_params

    def keyword(self, parsed: ParsedQuery, filters: SearchFilters | None, limit: int) -> Ranked:
        if not parsed.has_text:
            return []
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return []
            match, rank, match_params, rank_params = self._tsquery(parsed)
            where, where_params = _filter_sql(filters)
            cursor.execute(
                f"SELECT d.paper_id, ts_rank_cd('{RANK_WEIGHTS}', d.tsv, {rank}, 1) AS score"
                f" FROM {DOCS} d WHERE d.tsv @@ {match}{where}"
                " ORDER BY score DESC, d.paper_id LIMIT %s",
                rank_params + match_params + where_params + [limit],
            )
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]

    def similar_words(self, words: list[str], limit: int) -> Ranked:
        if not words:
            return []
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return []
            words = _telling_words(cursor, words)
            # Words only from the title (A) and abstract (B): a paper's words are not author names.
            # Each word is letters and digits (``words_of``), so none is tsquery syntax.
            tsquery = " | ".join(f"{word}:AB" for word in words)
            cursor.execute(
                f"SELECT d.paper_id, ts_rank_cd('{RANK_WEIGHTS}', d.tsv, q, 1) AS score"
                f" FROM {DOCS} d, to_tsquery('english', %s) q WHERE d.tsv @@ q"
                " ORDER BY score DESC, d.paper_id LIMIT %s",
                [tsquery, limit],
            )
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]

    def title_candidates(self, words: list[str], limit: int) -> Ranked:
        if not words:
            return []
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return []
            # Title words only (A); each word is letters and digits, so none is tsquery syntax.
            # ts_rank's normalization 1 divides by the document's length: shorter titles first.
            tsquery = " & ".join(f"{word}:A" for word in dict.fromkeys(words))
            cursor.execute(
                f"SELECT d.paper_id, ts_rank('{RANK_WEIGHTS}', d.tsv, q, 1) AS score"
                f" FROM {DOCS} d, to_tsquery('english', %s) q WHERE d.tsv @@ q"
                " ORDER BY score DESC, d.paper_id LIMIT %s",
                [tsquery, limit],
            )
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]

    def word_shares(self, words: list[str]) -> dict[str, float]:
        words = list(dict.fromkeys(words))
        if not words:
            return {}
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return dict.fromkeys(words, 0.0)
            # One index probe per word: is it anywhere at all?
            cursor.execute(
                f"SELECT w, EXISTS (SELECT 1 FROM {DOCS} d WHERE d.tsv @@"
                " (plainto_tsquery('english', w) || to_tsquery('simple', w || ':C')))"
                " FROM unnest(%s::text[]) AS w",
                [words],
            )
            present = dict(cursor.fetchall())
            common = _common_shares(cursor, words) or {}
        return {w: max(common.get(w, 0.0), RARE_SHARE) if present.get(w) else 0.0 for w in words}

    def containing(self, words: list[str], pks: list[int]) -> set[int]:
        if not words or not pks:
            return set()
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return set()
            match = " || ".join(_WORD_TSQUERY for _ in words)
            cursor.execute(
                f"SELECT paper_id FROM {DOCS} WHERE paper_id = ANY(%s) AND tsv @@ ({match})",
                [list(pks)] + [p for word in words for p in _word_params(word)],
            )
            return {int(pk) for (pk,) in cursor.fetchall()}

    def dense(
        self, vector: np.ndarray, filters: SearchFilters | None, limit: int, exclude: set[int] | None = None
    ) -> Ranked:
        exclude = exclude or set()
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return []
            where, where_params = _filter_sql(filters)
            literal = _vector_literal(vector)
            with transaction.atomic():
                cursor.execute(f"SET LOCAL hnsw.ef_search = {max(HNSW_EF_SEARCH, limit + len(exclude))}")
                # Filtered queries keep scanning the graph until enough rows pass (pgvector >= 0.8).
                cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
                cursor.execute(
                    f"SELECT d.paper_id, 1 - (d.embedding <=> %s::vector) AS score FROM {DOCS} d"
                    f" WHERE d.embedding IS NOT NULL{where} ORDER BY d.embedding <=> %s::vector LIMIT %s",
                    [literal] + where_params + [literal, limit + len(exclude)],
                )
                rows = cursor.fetchall()
        ranked = sorted(((int(pk), float(s)) for pk, s in rows if pk not in exclude), key=lambda r: -r[1])
        return ranked[:limit]

    def has_vectors(self) -> bool:
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return False
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {DOCS} WHERE embedding IS NOT NULL)")
            return bool(cursor.fetchone()[0])

    def vector_coverage(self) -> tuple[int, int]:
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return 0, 0
            if self._vectors_required(cursor):
                return 0, 0  # a table made before vectors could trail keywords
            # Through the partial index of rows without a vector: instant when there are none.
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {DOCS} WHERE embedding IS NULL)")
            if not cursor.fetchone()[0]:
                return 0, 0
            cursor.execute(f"SELECT count(embedding), count(*) FROM {DOCS}")
            vectors, documents = cursor.fetchone()
            return int(vectors), int(documents)

    def vectors_for(self, pks: list[int]) -> dict[int, np.ndarray]:
        if not pks:
            return {}
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return {}
            cursor.execute(
                f"SELECT paper_id, embedding::text FROM {DOCS}"
                " WHERE paper_id = ANY(%s) AND embedding IS NOT NULL",
                [list(pks)],
            )
            return {
                int(pk): np.array(text.strip("[]").split(","), dtype=np.float32)
                for pk, text in cursor.fetchall()
            }

    def indexed_pks(self) -> np.ndarray:
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return np.zeros(0, dtype=np.int64)
            cursor.execute(f"SELECT paper_id FROM {DOCS} ORDER BY paper_id")
            return np.array([r[0] for r in cursor.fetchall()], dtype=np.int64)

    def state(self) -> IndexState:
        with connection.cursor() as cursor:
            model = self._state_value(cursor, "model")
            watermark = self._state_value(cursor, "watermark")
            vector_watermark = self._state_value(cursor, "vector_watermark")
            if vector_watermark is None:  # an index made before vectors trailed keywords: complete
                vector_watermark = watermark
            count = vectors = 0
            if self._table_exists(cursor):
                cursor.execute(f"SELECT count(*), count(embedding) FROM {DOCS}")
                count, vectors = cursor.fetchone()
        return IndexState(
            documents=count,
            vectors=vectors,
            model=model,
            watermark=datetime.fromisoformat(watermark) if watermark else None,
            location=f"{connection.settings_dict['NAME']}.{DOCS}",
            vector_watermark=datetime.fromisoformat(vector_watermark) if vector_watermark else None,
        )

    # -- writing -------------------------------------------------------------------------------------

    def upsert(self, docs: list[IndexDocument], vectors: np.ndarray | None) -> None:
        """Write ``docs``; with ``vectors`` None, for keywords only (a replaced row keeps its vector)."""
        literals = [_vector_literal(v) for v in vectors] if vectors is not None else [None] * len(docs)
        rows = [
            (doc.pk, doc.title, doc.abstract, " ".join(doc.authors), literal)
            for doc, literal in zip(docs, literals, strict=True)
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {DOCS} (paper_id, tsv, embedding) VALUES (%s,"
                " setweight(to_tsvector('english', %s), 'A') || setweight(to_tsvector('english', %s), 'B')"
                " || setweight(to_tsvector('simple', %s), 'C'), %s::vector)"
                " ON CONFLICT (paper_id) DO UPDATE SET tsv = EXCLUDED.tsv,"
                f" embedding = COALESCE(EXCLUDED.embedding, {DOCS}.embedding)",
                rows,
            )

    def upsert_keywords(self, docs: list[IndexDocument], removed: list[int], fresh: bool = False) -> None:
        self.delete(removed)
        if docs:
            with connection.cursor() as cursor:
                self._allow_pending_vectors(cursor)
            self.upsert(docs, None)

    def upsert_vectors(self, pks: list[int], vectors: np.ndarray) -> None:
        rows = [(_vector_literal(vector), pk) for pk, vector in zip(pks, vectors, strict=True)]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {DOCS} SET embedding = %s::vector WHERE paper_id = %s", rows)

    def _vectors_required(self, cursor) -> bool:
        cursor.execute(
            "SELECT attnotnull FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'embedding'",
            [DOCS],
        )
        return bool(cursor.fetchone()[0])

    def _allow_pending_vectors(self, cursor) -> None:
        """Tables made before keywords were written ahead of vectors required a vector per row."""
        if self._pending_allowed:
            return
        if self._vectors_required(cursor):
            cursor.execute(f"ALTER TABLE {DOCS} ALTER COLUMN embedding DROP NOT NULL")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {DOCS}_no_vector ON {DOCS} (paper_id) WHERE embedding IS NULL"
        )
        self._pending_allowed = True

    def delete(self, pks: list[int]) -> None:
        if pks:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {DOCS} WHERE paper_id = ANY(%s)", [list(pks)])

    def set_watermark(self, watermark: datetime) -> None:
        with connection.cursor() as cursor:
            self._set_state(cursor, "watermark", watermark.isoformat())

    def set_vector_watermark(self, watermark: datetime) -> None:
        with connection.cursor() as cursor:
            self._set_state(cursor, "vector_watermark", watermark.isoformat())

    def begin_rebuild(self, model: str, dim: int) -> PostgresBackend:
        # Rebuilt in place: the table is emptied and refilled (searches see it fill up).
        with transaction.atomic(), connection.cursor() as cursor:
            self._create(cursor, model, dim)
        return self

    def commit_rebuild(self, builder: PostgresBackend) -> None:
        """Nothing to swap: the rows are already live. Their statistics are gathered now, for
        ``_telling_words`` (autovacuum keeps them fresh afterwards)."""
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DOCS}")
