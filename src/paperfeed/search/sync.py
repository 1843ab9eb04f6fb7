"""Keep the search index in step with the database: keywords first, then vectors; status.

The index is derived data with two watermarks, each the newest ``Paper.modified_at`` it is known
to hold: one for the keyword index and one for the vectors. Catch-up first writes every paper
modified since the keyword watermark to the keyword index (seconds, even for a large import) and
drops the ones hidden since, so keyword search finds new papers at once; then it embeds the
papers modified since the vector watermark (minutes: this is where the time goes), in batches
that become searchable as each is written, so meaning-based search joins as vectors arrive.
Both watermarks move after each batch, so an interrupted run resumes where it stopped, and a
run given a deadline (the worker's, which has mail to send meanwhile) stops after the batch that
passes it. One update runs at a time (``update_lock``): callers hold the lock around these.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from paperfeed.papers.models import Paper
from paperfeed.search.backends import get_backend
from paperfeed.search.documents import batched, documents_for
from paperfeed.search.embedding import Embedder, document_text, get_embedder

Progress = Callable[[str, int, int], None]  # (stage: "keywords" or "vectors", done, total)
KEYWORD_BATCH = 20_000  # documents per keyword write (tantivy takes about 3,000 a second here)
# Papers per vector write (each adds one vector segment, searchable at once): the first lands
# within seconds, later ones double up to VECTOR_BATCH_MAX so a large import writes few segments.
VECTOR_BATCH_FIRST = 512
VECTOR_BATCH_MAX = 8192
# Texts handed to the embedder at a time, the shortest of a write batch first: texts of a like
# length share a model batch, so little padding is computed, and progress is reported often.
EMBED_SLICE = 256


@dataclass
class SyncResult:
    indexed: int = 0  # papers written to the keyword index
    embedded: int = 0  # papers whose vectors were written
    removed: int = 0
    left: int = 0  # papers still without vectors when the deadline stopped the run
    rebuilt: bool = False
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: "keywords", "vectors"


@dataclass
class IndexStatus:
    backend: str
    location: str
    model: str | None
    configured_model: str
    documents: int
    vectors: int
    visible_papers: int
    stale: int  # papers modified after the keyword watermark
    hidden_in_index: int
    missing_from_db: int
    watermark: datetime | None
    interrupted: str | None = None  # an update that did not finish (catch-up redoes it)
    segments: int = 0
    vectors_pending: int = 0  # visible papers modified after the vector watermark

    @property
    def needs_rebuild(self) -> bool:
        return self.model is None or self.model != self.configured_model

    @property
    def up_to_date(self) -> bool:
        return (
            not self.needs_rebuild
            and self.stale == 0
            and self.vectors_pending == 0
            and self.hidden_in_index == 0
            and not self.interrupted
        )


def rebuild(
    progress: Progress | None = None, embedder: Embedder | None = None, until: float | None = None
) -> SyncResult:
    """Build a fresh index of every visible paper.

    With an index live, the new one is filled aside and the old one serves searches until it is
    done (``until`` does not apply: a half-filled one must not replace it). With none (a first
    import), the new one goes live empty and fills in place: keyword search works as soon as the
    keywords are written, meaning-based search as vectors arrive; ``until``: a ``time.monotonic()``
    moment after which no new batch of vectors starts (catch-up continues from there).
    """
    embedder = embedder or get_embedder()
    backend = get_backend()
    if backend.state().model is None:
        builder = backend.begin_rebuild(embedder.name, embedder.dim)
        backend.commit_rebuild(builder)  # live at once, empty
        result = _fill(backend, embedder, progress, until)
        backend.commit_rebuild(builder)  # again: what was written in batches becomes one base
    else:
        builder = backend.begin_rebuild(embedder.name, embedder.dim)
        result = _fill(builder, embedder, progress)
        backend.commit_rebuild(builder)
    result.rebuilt = True
    return result


def catch_up(
    progress: Progress | None = None, embedder: Embedder | None = None, until: float | None = None
) -> SyncResult:
    """Index papers changed since the watermarks; drop hidden ones. Builds the index if there is none.

    ``until``: a ``time.monotonic()`` moment after which no new batch of vectors starts; the
    papers left are counted in ``SyncResult.left`` and the next catch-up embeds them.
    """
    embedder = embedder or get_embedder()
    backend = get_backend()
    state = backend.state()
    if state.model is None or state.model != embedder.name:
        return rebuild(progress, embedder, until)
    return _fill(backend, embedder, progress, until)


def work_waiting() -> bool:
    """Whether a catch-up has anything to do, without loading the model: a few indexed queries."""
    from paperfeed.search.embedding import model_location

    state = get_backend().state()
    if state.model is None or not state.model.startswith(_model_stem(model_location())):
        return Paper.objects.filter(hidden=False).exists()  # no index yet, or another model's
    if state.interrupted:
        return True
    changed = Paper.objects.all()
    if state.watermark:
        changed = changed.filter(modified_at__gt=state.watermark)
    without_vectors = Paper.objects.filter(hidden=False)
    if state.vector_watermark:
        without_vectors = without_vectors.filter(modified_at__gt=state.vector_watermark)
    return changed.exists() or without_vectors.exists()


def _fill(backend, embedder: Embedder, progress: Progress | None, until: float | None = None) -> SyncResult:
    result = SyncResult()
    started = time.monotonic()
    _write_keywords(backend, result, progress)
    result.seconds["keywords"] = time.monotonic() - started
    started = time.monotonic()
    _write_vectors(backend, embedder, result, progress, until)
    result.seconds["vectors"] = time.monotonic() - started
    return result


def _write_keywords(backend, result: SyncResult, progress: Progress | None) -> None:
    """Papers changed since the keyword watermark into the keyword index; hidden ones out of the index."""
    state = backend.state()
    changed = Paper.objects.order_by("modified_at", "pk")
    if state.watermark:
        changed = changed.filter(modified_at__gt=state.watermark)
    rows = list(changed.values_list("pk", "hidden", "modified_at"))
    fresh = state.watermark is None and state.documents == 0  # nothing to replace: no deletes
    hidden = [pk for pk, is_hidden, _ in rows if is_hidden]
    indexed = set(backend.indexed_pks().tolist()) if hidden and not fresh else set()
    to_remove = [pk for pk in hidden if pk in indexed]
    result.removed = len(to_remove)
    visible = [pk for pk, is_hidden, _ in rows if not is_hidden]
    modified = {pk: moment for pk, _, moment in rows}
    if progress:
        progress("keywords", 0, len(visible))
    if to_remove and not visible:
        backend.upsert_keywords([], to_remove)
    for chunk in batched(visible, KEYWORD_BATCH):
        backend.upsert_keywords(documents_for(chunk), to_remove, fresh=fresh)
        to_remove = []
        backend.set_watermark(max(modified[pk] for pk in chunk))
        result.indexed += len(chunk)
        if progress:
            progress("keywords", result.indexed, len(visible))
    if rows:
        backend.set_watermark(max(moment for _, _, moment in rows))
    elif state.interrupted and state.watermark:
        backend.set_watermark(state.watermark)  # nothing left to redo: the note can go


def _write_vectors(
    backend, embedder: Embedder, result: SyncResult, progress: Progress | None, until: float | None
) -> None:
    """Vectors for the visible papers changed since the vector watermark, up to the keyword one."""
    state = backend.state()
    todo = Paper.objects.filter(hidden=False)
    if state.vector_watermark:
        todo = todo.filter(modified_at__gt=state.vector_watermark)
    if state.watermark:
        todo = todo.filter(modified_at__lte=state.watermark)
    rows = list(todo.order_by("modified_at", "pk").values_list("pk", "modified_at"))
    done, size, position = 0, VECTOR_BATCH_FIRST, 0
    if progress:
        progress("vectors", 0, len(rows))

    def embedded(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("vectors", done, len(rows))

    while position < len(rows):
        chunk = rows[position : position + size]
        texts = _texts_for([pk for pk, _ in chunk])
        pks = list(texts)
        backend.upsert_vectors(pks, embed_sorted(embedder, [texts[pk] for pk in pks], embedded))
        backend.set_vector_watermark(chunk[-1][1])
        result.embedded += len(pks)
        position += len(chunk)
        size = min(size * 2, VECTOR_BATCH_MAX)
        if until is not None and position < len(rows) and time.monotonic() >= until:
            result.left = len(rows) - position
            return  # the vector watermark stays at the last batch written
    if state.watermark and state.vector_watermark != state.watermark:
        backend.set_vector_watermark(state.watermark)  # hidden papers in between need no vector


def embed_sorted(embedder: Embedder, texts: list[str], embedded: Callable[[int], None]) -> np.ndarray:
    """Vectors of ``texts`` in their order, embedded shortest first; ``embedded(n)`` after each slice."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = np.empty((len(texts), embedder.dim), dtype=np.float32)
    for part in batched(order, EMBED_SLICE):
        vectors[part] = embedder.encode_documents([texts[i] for i in part])
        embedded(len(part))
    return vectors


def _texts_for(pks: list[int]) -> dict[int, str]:
    """What each paper is embedded as, in the order of ``pks`` (papers deleted since left out)."""
    rows = {
        pk: (title, abstract)
        for pk, title, abstract in Paper.objects.filter(pk__in=pks).values_list("pk", "title", "abstract")
    }
    return {pk: document_text(*rows[pk]) for pk in pks if pk in rows}


def status(embedder_name: str | None = None) -> IndexStatus:
    from paperfeed.search.backends import backend_name

    backend = get_backend()
    state = backend.state()
    if embedder_name is None:
        from paperfeed.search.embedding import model_location

        configured = model_location()
        # The name without loading the model: the dimension is read from the index's own record.
        embedder_name = (
            state.model if state.model and state.model.startswith(_model_stem(configured)) else configured
        )
    stale_qs = Paper.objects.all()
    if state.watermark:
        stale_qs = stale_qs.filter(modified_at__gt=state.watermark)
    stale = stale_qs.filter(hidden=False).count()
    pending_qs = Paper.objects.filter(hidden=False)
    if state.vector_watermark:
        pending_qs = pending_qs.filter(modified_at__gt=state.vector_watermark)
    vectors_pending = pending_qs.count() if state.model else 0
    indexed = backend.indexed_pks()
    hidden_pks = np.fromiter(Paper.objects.filter(hidden=True).values_list("pk", flat=True), dtype=np.int64)
    hidden_in_index = int(np.isin(hidden_pks, indexed).sum()) if len(indexed) else 0
    existing = np.fromiter(Paper.objects.values_list("pk", flat=True), dtype=np.int64)
    missing = int((~np.isin(indexed, existing)).sum()) if len(indexed) else 0
    return IndexStatus(
        backend=backend_name(),
        location=state.location,
        model=state.model,
        configured_model=embedder_name,
        documents=state.documents,
        vectors=state.vectors,
        visible_papers=Paper.objects.filter(hidden=False).count(),
        stale=stale,
        hidden_in_index=hidden_in_index,
        missing_from_db=missing,
        watermark=state.watermark,
        interrupted=state.interrupted,
        segments=state.segments,
        vectors_pending=vectors_pending,
    )


def _model_stem(location: str) -> str:
    from paperfeed.search.embedding import model_label

    return model_label(location) + ":"
