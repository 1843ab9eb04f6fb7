"""Keep the search index in step with the database: full rebuilds, incremental catch-up, status.

The index is derived data. Its watermark is the newest ``Paper.modified_at`` it is known to
hold; catch-up indexes every paper modified since (and drops the ones hidden since), writing
in batches and moving the watermark after each, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db.models import Max

from paperfeed.papers.models import Paper
from paperfeed.search.backends import get_backend
from paperfeed.search.documents import batched, documents_for
from paperfeed.search.embedding import Embedder, get_embedder

Progress = Callable[[int, int], None]  # (done, total)
EMBED_BATCH = 256
WRITE_BATCH = 8192  # documents per durable write (each local write adds one vector segment)


@dataclass
class SyncResult:
    indexed: int = 0
    removed: int = 0
    rebuilt: bool = False


@dataclass
class IndexStatus:
    backend: str
    location: str
    model: str | None
    configured_model: str
    documents: int
    vectors: int
    visible_papers: int
    stale: int  # papers modified after the watermark
    hidden_in_index: int
    missing_from_db: int
    watermark: datetime | None
    interrupted: str | None = None  # an update that did not finish (catch-up redoes it)
    segments: int = 0

    @property
    def needs_rebuild(self) -> bool:
        return self.model is None or self.model != self.configured_model

    @property
    def up_to_date(self) -> bool:
        return (
            not self.needs_rebuild and self.stale == 0 and self.hidden_in_index == 0 and not self.interrupted
        )


def _index_batches(
    backend, pks: list[int], embedder: Embedder, progress: Progress | None, total: int, done: int
):
    for write_chunk in batched(pks, WRITE_BATCH):
        docs = documents_for(write_chunk)
        vectors = np.zeros((len(docs), embedder.dim), dtype=np.float32)
        for start in range(0, len(docs), EMBED_BATCH):
            part = docs[start : start + EMBED_BATCH]
            vectors[start : start + len(part)] = embedder.encode_documents([d.text for d in part])
            done += len(part)
            if progress:
                progress(done, total)
        backend.upsert(docs, vectors)
        yield write_chunk, len(docs)


def rebuild(progress: Progress | None = None, embedder: Embedder | None = None) -> SyncResult:
    """Build a fresh index of every visible paper; the old one serves searches until it is done."""
    embedder = embedder or get_embedder()
    backend = get_backend()
    watermark = Paper.objects.aggregate(newest=Max("modified_at"))["newest"]
    pks = list(Paper.objects.filter(hidden=False).order_by("pk").values_list("pk", flat=True))
    builder = backend.begin_rebuild(embedder.name, embedder.dim)
    result = SyncResult(rebuilt=True)
    for _chunk, count in _index_batches(builder, pks, embedder, progress, len(pks), 0):
        result.indexed += count
    if watermark:
        builder.set_watermark(watermark)
    backend.commit_rebuild(builder)
    return result


def catch_up(progress: Progress | None = None, embedder: Embedder | None = None) -> SyncResult:
    """Index papers changed since the watermark; drop hidden ones. Builds the index if there is none."""
    embedder = embedder or get_embedder()
    backend = get_backend()
    state = backend.state()
    if state.model is None or state.model != embedder.name:
        return rebuild(progress, embedder)
    changed = Paper.objects.order_by("modified_at", "pk")
    if state.watermark:
        changed = changed.filter(modified_at__gt=state.watermark)
    rows = list(changed.values_list("pk", "hidden", "modified_at"))
    result = SyncResult()
    hidden = [pk for pk, is_hidden, _ in rows if is_hidden]
    indexed = set(backend.indexed_pks().tolist()) if hidden else set()
    to_remove = [pk for pk in hidden if pk in indexed]
    if to_remove:
        backend.delete(to_remove)
        result.removed = len(to_remove)
    visible = [pk for pk, is_hidden, _ in rows if not is_hidden]
    modified = {pk: moment for pk, _, moment in rows}
    for chunk, count in _index_batches(backend, visible, embedder, progress, len(visible), 0):
        result.indexed += count
        backend.set_watermark(max(modified[pk] for pk in chunk))
    if rows:
        backend.set_watermark(max(moment for _, _, moment in rows))
    elif state.interrupted and state.watermark:
        backend.set_watermark(state.watermark)  # nothing left to redo: the note can go
    return result


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
    )


def _model_stem(location: str) -> str:
    from paperfeed.search.embedding import model_label

    return model_label(location) + ":"
