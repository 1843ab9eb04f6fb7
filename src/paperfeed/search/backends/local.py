"""The local backend for the embedded default: tantivy (BM25) and vector files in one directory.

Layout of ``<index dir>``::

    CURRENT              name of the live generation directory (swapped atomically by rebuild)
    gen-<n>/meta.json    model, dimension, watermark and the live vector generation
    gen-<n>/tantivy/     the BM25 index
    gen-<n>/ids-<v>.npy, vectors-<v>.npy, graph-<v>.usearch

Every write commits tantivy first, then writes new vector files, then replaces meta.json; the
watermark only moves in meta.json, so after a crash the index is the previous consistent state
plus some documents that catch-up simply writes again.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import tantivy
from django.db.models import Q

from paperfeed.papers.models import Paper
from paperfeed.search.backends.base import IndexState, Ranked
from paperfeed.search.backends.vectors import VectorStore, base_files, save_segment, segment_file
from paperfeed.search.documents import IndexDocument
from paperfeed.search.query import ParsedQuery, words_of
from paperfeed.search.stopwords import content_words

TITLE_BOOST = 2.0
TEXT_FIELDS = ("title", "abstract", "authors")
SIMILAR_FIELDS = ("title", "abstract")  # what a paper is about; its words are not author names
MAX_TOKEN_BYTES = 40  # tantivy's RemoveLongFilter in the default and en_stem tokenizers
EPOCH_DAY = datetime(1970, 1, 1, tzinfo=UTC)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("pk", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("abstract", tokenizer_name="en_stem")
    builder.add_text_field("authors", tokenizer_name="default")
    builder.add_text_field("category", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("published", indexed=True, fast=True)
    builder.add_integer_field("has_code", indexed=True)
    return builder.build()


def _day_number(moment: datetime | None) -> int:
    return (moment - EPOCH_DAY).days if moment else -(10**6)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _describe_pending(pending: dict | None) -> str | None:
    if not pending:
        return None
    return (
        f"an update of {pending.get('papers', 0):,} papers and {pending.get('removed', 0):,} removals "
        f"started at {pending.get('at', '?')} did not finish"
    )


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def indexable(words: list[str]) -> list[str]:
    """The words tantivy can have indexed.

    Its tokenizers drop tokens of 40 bytes or more, and it refuses a query made only of those.
    """
    return [word for word in words if len(word.encode()) < MAX_TOKEN_BYTES]


class LocalGeneration:
    """One complete index (BM25 + vectors) in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(directory / "tantivy"), reuse=True)
        self._lock = threading.Lock()
        self._meta_mtime = None
        self.meta: dict = {}
        self._vectors: VectorStore | None = None
        self.auto_compact = True  # off while a rebuild fills a generation (compacted once at the end)
        self.refresh()

    @classmethod
    def create(cls, directory: Path, model: str, dim: int) -> LocalGeneration:
        (directory / "tantivy").mkdir(parents=True, exist_ok=True)
        _write_json(directory / "meta.json", {"model": model, "dim": dim, "watermark": None, "vectors": 0})
        return cls(directory)

    def refresh(self) -> None:
        """Pick up what another process committed (cheap when nothing changed)."""
        meta_path = self.directory / "meta.json"
        try:
            mtime = meta_path.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if mtime == self._meta_mtime:
            return
        with self._lock:
            self.meta = json.loads(meta_path.read_text())
            self.index.reload()
            self._vectors = None  # read again when next needed (a rebuild's writes never need them)
            self._meta_mtime = mtime

    @property
    def vectors(self) -> VectorStore:
        for attempt in range(3):
            with self._lock:
                if self._vectors is not None:
                    return self._vectors
                meta = self.meta
            try:
                store = VectorStore.load(
                    self.directory, meta.get("vectors", 0), meta["dim"], meta.get("segments", [])
                )
            except FileNotFoundError:
                # Another process compacted between our reading meta.json and its files: read again.
                if attempt == 2:
                    raise
                self._meta_mtime = None
                self.refresh()
                continue
            with self._lock:
                if self.meta is meta:
                    self._vectors = store
            return store
        raise AssertionError("unreachable")

    # -- reading -------------------------------------------------------------------------------

    def _words_query(self, words: list[str], fields: tuple[str, ...]) -> tantivy.Query:
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
        return self.index.parse_query(" ".join(clauses), list(fields))

    def _text_query(self, parsed: ParsedQuery) -> tantivy.Query | None:
        parts = []
        words = indexable(content_words(parsed.words))
        if words and not parsed.phrases:
            # Only alphanumeric lowercase words reach the parser, so no query syntax is possible.
            return self._words_query(words, TEXT_FIELDS)
        if words:
            parts.append((tantivy.Occur.Should, self._words_query(words, TEXT_FIELDS)))
        for phrase in filter(None, map(indexable, parsed.phrases)):
            quoted = '"' + " ".join(phrase) + '"'
            parts.append(
                (
                    tantivy.Occur.Must,
                    self.index.parse_query(quoted, list(TEXT_FIELDS), field_boosts={"title": TITLE_BOOST}),
                )
            )
        if not parts:
            return None
        return tantivy.Query.boolean_query(parts)

    def _filter_queries(self, parsed: ParsedQuery) -> list[tantivy.Query]:
        queries = []
        for category in parsed.categories:
            queries.append(tantivy.Query.term_query(self.schema, "category", category.lower()))
        for author in parsed.authors:
            words = words_of(author)
            if len(words) == 1:
                queries.append(tantivy.Query.term_query(self.schema, "authors", words[0]))
            else:
                queries.append(tantivy.Query.phrase_query(self.schema, "authors", words))
        if parsed.after or parsed.before:
            lower = (
                _day_number(datetime.combine(parsed.after, datetime.min.time(), UTC))
                if parsed.after
                else None
            )
            upper = (
                _day_number(datetime.combine(parsed.before, datetime.min.time(), UTC))
                if parsed.before
                else None
            )
            queries.append(
                tantivy.Query.range_query(self.schema, "published", tantivy.FieldType.Integer, lower, upper)
            )
        if parsed.has_code:
            queries.append(tantivy.Query.term_query(self.schema, "has_code", 1))
        return queries

    def keyword(self, parsed: ParsedQuery, limit: int) -> Ranked:
        self.refresh()
        text_query = self._text_query(parsed)
        if text_query is None:
            return []
        filters = self._filter_queries(parsed)
        query = text_query
        if filters:
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, text_query)] + [(tantivy.Occur.Must, f) for f in filters]
            )
        return self._top(query, limit)

    def similar_words(self, words: list[str], limit: int) -> Ranked:
        self.refresh()
        words = indexable(words)
        return self._top(self._words_query(words, SIMILAR_FIELDS), limit) if words else []

    def _top(self, query: tantivy.Query, limit: int) -> Ranked:
        searcher = self.index.searcher()
        result = searcher.search(query, limit, count=False)
        if not result.hits:
            return []
        addresses = [address for _, address in result.hits]
        pks = searcher.fast_field_values("pk", addresses)
        return [(int(pk), float(score)) for (score, _), pk in zip(result.hits, pks, strict=True)]

    # -- writing -------------------------------------------------------------------------------

    def write(
        self, docs: list[IndexDocument], vectors: np.ndarray, removed: list[int], fresh: bool = False
    ) -> None:
        """Add or replace ``docs`` and drop ``removed``; ``fresh``: the documents are known to be new.

        Order: a pending note in meta.json, the tantivy commit, a new vector segment, then
        meta.json naming the segment (and no longer the note). A crash before the last step
        leaves the vectors as they were and the note says an update was interrupted; the
        watermark has not moved, so catch-up writes the same papers again.
        """
        self.refresh()
        self._save_meta(pending={"papers": len(docs), "removed": len(removed), "at": _now()})
        writer = self.index.writer(heap_size=128_000_000, num_threads=1)
        try:
            for pk in ([] if fresh else [d.pk for d in docs]) + list(removed):
                writer.delete_documents_by_term("pk", pk)
            for doc in docs:
                writer.add_document(
                    tantivy.Document(
                        pk=doc.pk,
                        title=doc.title,
                        abstract=doc.abstract,
                        authors=doc.authors or [""],
                        category=[c.lower() for c in doc.categories] or [""],
                        published=_day_number(doc.published),
                        has_code=int(doc.has_code),
                    )
                )
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        number = self.meta.get("next_segment", 1)
        save_segment(
            self.directory,
            number,
            np.array([d.pk for d in docs], dtype=np.int64),
            vectors.reshape(len(docs), self.meta["dim"]),
            np.array(removed, dtype=np.int64),
        )
        meta = {k: v for k, v in self.meta.items() if k != "pending"}
        segments = self.meta.get("segments", []) + [number]
        self._replace_meta({**meta, "segments": segments, "next_segment": number + 1})
        if self.auto_compact and self.vectors.needs_compaction():
            self.compact()
        self.remove_debris()

    def compact(self) -> None:
        """Fold the segments into a new base (and HNSW graph): written aside, then made current."""
        self.refresh()
        if not self.vectors.segments:
            return
        generation = self.meta.get("vectors", 0) + 1
        self.vectors.compacted().save_base(self.directory, generation)
        self._save_meta(vectors=generation, segments=[])
        self.remove_debris()

    def remove_debris(self) -> None:
        """Delete vector files meta.json does not name: replaced ones, and those of interrupted writes."""
        keep = set(base_files(self.meta.get("vectors", 0)))
        keep |= {segment_file(n) for n in self.meta.get("segments", [])}
        for path in self.directory.iterdir():
            ours = path.name.startswith(("ids-", "vectors-", "graph-", "segment-"))
            if ours and path.is_file() and path.name not in keep:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

    def _save_meta(self, **changes) -> None:
        self._replace_meta({**self.meta, **changes})

    def _replace_meta(self, meta: dict) -> None:
        _write_json(self.directory / "meta.json", meta)
        # Force a reload even when the clock's resolution hides the change.
        self._meta_mtime = None
        self.refresh()

    def set_watermark(self, watermark: datetime) -> None:
        # Moving the watermark means every write before it completed: no update is pending.
        meta = {k: v for k, v in self.meta.items() if k != "pending"}
        self._replace_meta({**meta, "watermark": watermark.isoformat()})

    def document_count(self) -> int:
        self.refresh()
        return self.index.searcher().num_docs


class LocalBackend:
    """Search over the live generation under ``root``; rebuilds write a new one and swap."""

    name = "local"
    reads_without_database = True  # searches without filters touch only the index files

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._generation: LocalGeneration | None = None
        self._current_name: str | None = None

    # -- which generation is live --------------------------------------------------------------

    def _read_current(self) -> str | None:
        try:
            return (self.root / "CURRENT").read_text().strip() or None
        except FileNotFoundError:
            return None

    @property
    def live(self) -> LocalGeneration | None:
        name = self._read_current()
        if name is None:
            return None
        if name != self._current_name or self._generation is None:
            self._generation = LocalGeneration(self.root / name)
            self._current_name = name
        return self._generation

    def _require_live(self) -> LocalGeneration:
        live = self.live
        if live is None:
            raise LookupError("The search index has not been built yet: run `paperfeed index rebuild`.")
        return live

    # -- the SearchBackend interface ------------------------------------------------------------

    def keyword(self, parsed: ParsedQuery, filters: Q | None, limit: int) -> Ranked:
        live = self.live
        return live.keyword(parsed, limit) if live else []

    def similar_words(self, words: list[str], limit: int) -> Ranked:
        live = self.live
        return live.similar_words(words, limit) if live else []

    def dense(
        self, vector: np.ndarray, filters: Q | None, limit: int, exclude: set[int] | None = None
    ) -> Ranked:
        live = self.live
        if live is None or live.vectors is None:
            return []
        allowed = None
        if filters is not None:
            allowed = np.fromiter(
                Paper.objects.filter(filters).order_by("pk").values_list("pk", flat=True), dtype=np.int64
            )
        return live.vectors.search(vector, limit, allowed=allowed, exclude=exclude)

    def prefetch(self) -> None:
        """Ask the kernel to read the live vector files into memory ahead of the first searches."""
        live = self.live
        if live is None or not hasattr(os, "posix_fadvise"):
            return
        for path in live.directory.iterdir():
            if path.name.startswith(("vectors-", "graph-", "segment-")) and path.is_file():
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
                finally:
                    os.close(fd)

    def has_vectors(self) -> bool:
        live = self.live
        return bool(live and live.vectors is not None and len(live.vectors))

    def vectors_for(self, pks: list[int]) -> dict[int, np.ndarray]:
        live = self.live
        if live is None or live.vectors is None:
            return {}
        return live.vectors.vectors_for(np.array(sorted(pks), dtype=np.int64))

    def upsert(self, docs: list[IndexDocument], vectors: np.ndarray) -> None:
        self._require_live().write(docs, vectors, [])

    def delete(self, pks: list[int]) -> None:
        if pks:
            self._require_live().write([], np.zeros((0, self._require_live().meta["dim"]), np.float32), pks)

    def set_watermark(self, watermark: datetime) -> None:
        self._require_live().set_watermark(watermark)

    def indexed_pks(self) -> np.ndarray:
        live = self.live
        return live.vectors.ids if live and live.vectors is not None else np.zeros(0, dtype=np.int64)

    def state(self) -> IndexState:
        live = self.live
        if live is None:
            return IndexState(0, 0, None, None, str(self.root))
        watermark = live.meta.get("watermark")
        return IndexState(
            documents=live.document_count(),
            vectors=len(live.vectors) if live.vectors is not None else 0,
            model=live.meta.get("model"),
            watermark=datetime.fromisoformat(watermark) if watermark else None,
            location=str(live.directory),
            interrupted=_describe_pending(live.meta.get("pending")),
            segments=len(live.vectors.segments) if live.vectors is not None else 0,
        )

    # -- rebuilding ------------------------------------------------------------------------------

    def begin_rebuild(self, model: str, dim: int) -> LocalBackend:
        """A fresh generation to fill; searches keep using the live one until :meth:`commit_rebuild`."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.perf_counter_ns()}"
        LocalGeneration.create(self.root / name, model, dim)
        builder = LocalBackend(self.root)
        builder._generation = LocalGeneration(self.root / name)
        builder._generation.auto_compact = False
        builder._current_name = name
        builder._read_current = lambda: name  # type: ignore[method-assign]
        return builder

    def commit_rebuild(self, builder: LocalBackend) -> None:
        if builder._generation is not None:
            builder._generation.compact()  # one base (and graph) rather than a segment per batch
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(builder._current_name or "")
        os.replace(tmp, self.root / "CURRENT")
        # Old generations (and ones left by an interrupted rebuild) are removed.
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith("gen-") and child.name != builder._current_name:
                shutil.rmtree(child, ignore_errors=True)
        self._generation = None
        self._current_name = None
