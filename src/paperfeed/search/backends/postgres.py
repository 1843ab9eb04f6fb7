"""The PostgreSQL backend: a tsvector with a GIN index for keywords, pgvector HNSW for meaning.

Its tables are created on first use rather than by a migration, because the vector column's
dimension is the configured model's. Rows of deleted papers never match the database at query time.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from django.db import connection, transaction

from paperfeed.papers.models import Paper
from paperfeed.search.backends import postgres_rank as rank
from paperfeed.search.backends import postgres_terms as terms
from paperfeed.search.backends.base import IndexState, Ranked, SearchFilters
from paperfeed.search.backends.vectors import HNSW_MIN_VECTORS
from paperfeed.search.documents import IndexDocument, documents_for
from paperfeed.search.filters import filter_q
from paperfeed.search.query import ParsedQuery
from paperfeed.search.stopwords import content_words

DOCS = rank.DOCS
STATE = "search_state"
HNSW_EF_SEARCH = 100
REWRITE_BATCH = 2000  # rows written again at once when an older index gets its statistics


def _vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32)) + "]"


def _filter_sql(filters: SearchFilters | None) -> tuple[str, list]:
    """``AND d.paper_id IN (...)`` for the papers passing ``filters`` (hidden ones never do)."""
    if filters is None:
        return "", []
    subquery = Paper.objects.filter(filter_q(filters)).values("pk").query
    sql, params = subquery.get_compiler(connection=connection).as_sql()
    return f" AND d.paper_id IN ({sql})", list(params)


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
        lengths = "".join(f" {column} int," for column in terms.LENGTH_COLUMNS)
        cursor.execute(
            f"CREATE TABLE {DOCS} ("
            # No foreign key: the index is derived data, and a reference from a table Django does
            # not know would stop it from truncating papers (test flushes). Rows of deleted
            # papers are dropped at query time, when results are matched against the database.
            f" paper_id bigint PRIMARY KEY, tsv tsvector NOT NULL,{lengths}"
            # NULL until the paper's vector is written: keywords are written first (see sync).
            f" embedding vector({int(dim)}))"
        )
        self._keep_rows_whole(cursor)
        cursor.execute(f"CREATE INDEX {DOCS}_tsv ON {DOCS} USING gin (tsv)")
        # Rows still waiting for their vector, for the search page's "still being prepared" note.
        cursor.execute(f"CREATE INDEX {DOCS}_no_vector ON {DOCS} (paper_id) WHERE embedding IS NULL")
        self._pending_allowed = True
        cursor.execute(
            f"CREATE INDEX {DOCS}_embedding ON {DOCS} USING hnsw (embedding vector_cosine_ops)"
            " WITH (m = 16, ef_construction = 64)"
        )
        terms.create(cursor, DOCS)
        cursor.execute(f"DELETE FROM {STATE}")
        self._set_state(cursor, "model", model)
        self._set_state(cursor, "dim", str(dim))
        self._set_state(cursor, "vector_watermark", "")  # no vectors yet

    def _keep_rows_whole(self, cursor) -> None:
        """Rows stay in the table's pages up to 8 kB instead of moving their tsvector out of line
        past 2 kB: a search reads the tsvector of every row it matches and scores, and fetching
        it from the TOAST table each time was most of the work (a common word on 6,400 papers:
        matching 41 ms against 18, ranking 159 ms against 30, at load 9)."""
        cursor.execute(f"ALTER TABLE {DOCS} SET (toast_tuple_target = 8160)")
        cursor.execute(f"ALTER TABLE {DOCS} ALTER COLUMN tsv SET STORAGE MAIN")

    # -- reading -------------------------------------------------------------------------------------

    def keyword(self, parsed: ParsedQuery, filters: SearchFilters | None, limit: int) -> Ranked:
        if not parsed.has_text:
            return []
        # As the local index does: stop words are left out, a phrase's words score as words.
        words = content_words(parsed.words) if parsed.words else []
        scored = words + [w for phrase in parsed.phrases for w in phrase]
        with connection.cursor() as cursor:
            stats = terms.statistics(cursor, DOCS, scored)
            if stats is None:
                return []
            matching, every = terms.essential(stats, words, terms.FIELDS)
            match, match_params = rank.match(parsed, matching, every)
            where, where_params = _filter_sql(filters)
            condition = f"d.tsv @@ {match}{where}"
            return rank.ranked(
                cursor, stats, scored, terms.FIELDS, condition, match_params + where_params, limit
            )

    def similar_words(self, words: list[str], limit: int) -> Ranked:
        if not words:
            return []
        with connection.cursor() as cursor:
            stats = terms.statistics(cursor, DOCS, words)
            if stats is None:
                return []
            matching, every = terms.essential(stats, words, terms.STEMMED)
            # Words only from the title (A) and abstract (B): a paper's words are not author names.
            # Each word is letters and digits (``words_of``), so none is tsquery syntax.
            tsquery = (" & " if every else " | ").join(f"{word}:AB" for word in matching)
            match = "d.tsv @@ to_tsquery('english', %s)"
            return rank.ranked(cursor, stats, words, terms.STEMMED, match, [tsquery], limit)

    def title_candidates(self, words: list[str], limit: int) -> Ranked:
        if not words:
            return []
        with connection.cursor() as cursor:
            stats = terms.statistics(cursor, DOCS, words)
            if stats is None:
                return []
            # Title words only (A); each word is letters and digits, so none is tsquery syntax.
            # Scored by BM25 on the title: of titles holding every word, the shortest first.
            tsquery = " & ".join(f"{word}:A" for word in dict.fromkeys(words))
            match = "d.tsv @@ to_tsquery('english', %s)"
            return rank.ranked(cursor, stats, words, ("A",), match, [tsquery], limit)

    def word_shares(self, words: list[str]) -> dict[str, float]:
        words = list(dict.fromkeys(words))
        if not words:
            return {}
        with connection.cursor() as cursor:
            stats = terms.statistics(cursor, DOCS, words)
        if stats is None:
            return dict.fromkeys(words, 0.0)
        return {word: stats.share(word) for word in words}

    def containing(self, words: list[str], pks: list[int]) -> set[int]:
        if not words or not pks:
            return set()
        with connection.cursor() as cursor:
            if not self._table_exists(cursor):
                return set()
            match = " || ".join(rank.WORD_TSQUERY for _ in words)
            cursor.execute(
                f"SELECT paper_id FROM {DOCS} WHERE paper_id = ANY(%s) AND tsv @@ ({match})",
                [list(pks)] + [p for word in words for p in rank.word_params(word)],
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
                # Exact below PAPERFEED_SEARCH_HNSW_MIN vectors, as the local index is: both
                # backends then find the same nearest papers. Filtered queries keep scanning the
                # graph until enough rows pass (iterative_scan, pgvector >= 0.8). One statement.
                exact = (terms.documents(cursor) or HNSW_MIN_VECTORS) < HNSW_MIN_VECTORS
                cursor.execute(
                    "SELECT set_config('enable_indexscan', %s, true), set_config('hnsw.ef_search', %s, true),"
                    " set_config('hnsw.iterative_scan', 'relaxed_order', true)",
                    ["off" if exact else "on", str(max(HNSW_EF_SEARCH, limit + len(exclude)))],
                )
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
            interrupted = None
            if self._table_exists(cursor):
                cursor.execute(f"SELECT count(*), count(embedding) FROM {DOCS}")
                count, vectors = cursor.fetchone()
                if not terms.exists(cursor):  # catch-up's last step (set_watermark) adds them
                    interrupted = "the index has no word statistics yet (made before them or their tokens)"
        return IndexState(
            documents=count,
            vectors=vectors,
            model=model,
            watermark=datetime.fromisoformat(watermark) if watermark else None,
            location=f"{connection.settings_dict['NAME']}.{DOCS}",
            vector_watermark=datetime.fromisoformat(vector_watermark) if vector_watermark else None,
            interrupted=interrupted,
        )

    # -- writing -------------------------------------------------------------------------------------

    def upsert(self, docs: list[IndexDocument], vectors: np.ndarray | None) -> None:
        """Write ``docs``; with ``vectors`` None, for keywords only (a replaced row keeps its vector)."""
        literals = [_vector_literal(v) for v in vectors] if vectors is not None else [None] * len(docs)
        with transaction.atomic(), connection.cursor() as cursor:
            # The word statistics follow the documents: those replaced are taken away first.
            self._ensure_statistics(cursor)
            pks = [doc.pk for doc in docs]
            terms.count(cursor, DOCS, pks, -1)
            self._write(cursor, docs, literals)
            terms.count(cursor, DOCS, pks, +1)

    def _write(self, cursor, docs: list[IndexDocument], literals: list[str | None]) -> None:
        """Insert or replace the rows of ``docs`` (a replaced row keeps its vector where the
        literal is None); the statistics are the caller's."""
        rows = [
            (doc.pk, *terms.row_values(doc), literal) for doc, literal in zip(docs, literals, strict=True)
        ]
        cursor.executemany(
            f"INSERT INTO {DOCS} (paper_id, tsv, {', '.join(terms.LENGTH_COLUMNS)}, embedding) VALUES (%s,"
            " setweight(to_tsvector('english', %s), 'A') || setweight(to_tsvector('english', %s), 'B')"
            " || setweight(to_tsvector('simple', %s), 'C'), %s, %s, %s, %s, %s, %s, %s::vector)"
            " ON CONFLICT (paper_id) DO UPDATE SET tsv = EXCLUDED.tsv,"
            + "".join(f" {column} = EXCLUDED.{column}," for column in terms.LENGTH_COLUMNS)
            + f" embedding = COALESCE(EXCLUDED.embedding, {DOCS}.embedding)",
            rows,
        )

    def _ensure_statistics(self, cursor) -> None:
        """Count the word statistics of an index written before they existed, or before they
        counted tokens (migration search 0003 drops those and adds the length columns): its rows
        are written again from the papers first (keeping their vectors), in one pass."""
        if terms.exists(cursor):
            return
        cursor.execute(f"SELECT paper_id FROM {DOCS} WHERE tokens_a IS NULL ORDER BY paper_id")
        pks = [pk for (pk,) in cursor.fetchall()]
        for start in range(0, len(pks), REWRITE_BATCH):
            found = documents_for(pks[start : start + REWRITE_BATCH])
            self._write(cursor, found, [None] * len(found))
        # Rows of papers deleted since they were indexed: never shown, counted as empty.
        cursor.execute(
            f"UPDATE {DOCS} SET {', '.join(f'{c} = 0' for c in terms.LENGTH_COLUMNS)} WHERE tokens_a IS NULL"
        )
        terms.create(cursor, DOCS)
        terms.count(cursor, DOCS, None, +1)

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
            with transaction.atomic(), connection.cursor() as cursor:
                self._ensure_statistics(cursor)
                terms.count(cursor, DOCS, list(pks), -1)
                cursor.execute(f"DELETE FROM {DOCS} WHERE paper_id = ANY(%s)", [list(pks)])

    def set_watermark(self, watermark: datetime) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            # An index written before the word statistics existed gets them here: catch-up
            # moves the watermark at its end (state() reports them missing), so
            # `paperfeed index catch-up` adds them.
            self._ensure_statistics(cursor)
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
        """Nothing to swap: the rows are already live. PostgreSQL's statistics are gathered now
        for the planner (autovacuum keeps them fresh afterwards)."""
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DOCS}")
