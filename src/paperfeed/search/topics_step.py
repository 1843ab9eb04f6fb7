"""The indexing step that gives every paper topics: inferred categories and extracted key phrases.

It runs after the vectors are written (``paperfeed index rebuild|catch-up|topics``) and is
incremental: only visible papers without source categories and without inferred ones are
classified, and only papers without ai_keywords and without key phrases get phrases; running it
again changes nothing. Inferred categories of a paper that since got source categories are
dropped. A paper whose title or abstract changed since its topics were computed (a re-import,
an edit: ``TopicsSource`` keeps a digest of the text they came from) loses them and gets them
again, once the index holds its new text (its vector is what categories are inferred from).
Writes go through ``bulk_update``, which leaves ``modified_at`` alone, so the index's
watermark does not see them; the papers whose categories were inferred are written to the
index again so its category filter knows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db.models import F, Q
from django.utils import timezone

from paperfeed.papers.models import Paper
from paperfeed.search.documents import batched, documents_for
from paperfeed.search.keyphrases import PhraseCounts, extract
from paperfeed.search.models import TopicsSource, text_digest
from paperfeed.search.topics import MIN_LABELLED, CategoryModel, load_prior

Progress = Callable[[str, int, int], None]  # (what, done, total)
READ_BATCH = 4096
WRITE_BATCH = 1000
CORPUS_SAMPLE = 5000  # papers besides those being done, for the phrases' document frequencies


@dataclass
class TopicsResult:
    categorised: int = 0
    phrased: int = 0
    cleared: int = 0
    changed: int = 0  # papers whose text changed since their topics were computed
    labelled: int = 0  # papers the classifier learned from
    prior: bool = False  # the bundled model answered: too few labelled papers here
    skipped_reason: str = ""


def labelled_model(backend, exclude: set[int] | None = None) -> CategoryModel | None:
    """A classifier of the visible papers with source categories and a vector in the index."""
    rows = Paper.objects.visible().exclude(categories="").order_by("pk").values_list("pk", "categories")
    labels = {pk: cats.split() for pk, cats in rows if not exclude or pk not in exclude}
    vectors, kept = [], []
    for chunk in batched(list(labels), READ_BATCH):
        found = backend.vectors_for(chunk)
        for pk in chunk:
            if pk in found:
                vectors.append(found[pk])
                kept.append(labels[pk])
    if len(kept) < MIN_LABELLED:
        return None
    return CategoryModel(np.vstack(vectors), kept)


def infer_categories(backend, progress: Progress | None = None, redo: bool = False) -> TopicsResult:
    result = TopicsResult()
    # A paper that got source categories since shows those: its inferred ones go.
    result.cleared = (
        Paper.objects.exclude(categories="").exclude(inferred_categories="").update(inferred_categories="")
    )
    todo = Paper.objects.visible().filter(categories="")
    if not redo:
        todo = todo.filter(inferred_categories="")
    pks = list(todo.order_by("pk").values_list("pk", flat=True))
    if not pks:
        return result
    model = labelled_model(backend)
    if model is None:
        model = load_prior(backend.state().model)
        result.prior = model is not None
    if model is None:
        result.skipped_reason = (
            f"categories not inferred: fewer than {MIN_LABELLED} papers with arXiv categories in the index"
        )
        return result
    result.labelled = len(model)
    done = 0
    if progress:
        progress("categories", 0, len(pks))
    for chunk in batched(pks, WRITE_BATCH):
        found = backend.vectors_for(chunk)
        have = [pk for pk in chunk if pk in found]
        if have:
            predictions = model.predict(np.vstack([found[pk] for pk in have]))
            papers = [
                Paper(pk=pk, inferred_categories=guess.joined)
                for pk, guess in zip(have, predictions, strict=True)
            ]
            Paper.objects.bulk_update(papers, ["inferred_categories"])
            # Written again so the index's own category filter (the local backend's) holds them.
            docs = documents_for(have)
            backend.upsert(docs, np.vstack([found[d.pk] for d in docs]))
            result.categorised += len(have)
        done += len(chunk)
        if progress:
            progress("categories", done, len(pks))
    return result


def extract_keyphrases(progress: Progress | None = None, redo: bool = False) -> int:
    """Key phrases for visible papers without ai_keywords; returns how many papers got some."""
    todo = Paper.objects.visible().filter(ai_keywords=[])
    if not redo:
        todo = todo.filter(keyphrases=[])
    pks = list(todo.order_by("pk").values_list("pk", flat=True))
    if not pks:
        return 0
    counts = PhraseCounts()
    texts: dict[int, tuple[str, str]] = {}
    for chunk in batched(pks, READ_BATCH):
        rows = Paper.objects.filter(pk__in=chunk).values_list("pk", "title", "abstract")
        texts.update({pk: (title, abstract) for pk, title, abstract in rows})
    for title, abstract in texts.values():
        counts.add(title, abstract)
    if len(pks) < CORPUS_SAMPLE:
        # A few papers alone tell little about which phrases are common: other papers count too.
        others = Paper.objects.visible().exclude(pk__in=pks).order_by("?")[: CORPUS_SAMPLE - len(pks)]
        for title, abstract in others.values_list("title", "abstract"):
            counts.add(title, abstract)
    done = phrased = 0
    if progress:
        progress("key phrases", 0, len(pks))
    for chunk in batched(pks, WRITE_BATCH):
        papers = [Paper(pk=pk, keyphrases=extract(*texts[pk], counts)) for pk in chunk]
        Paper.objects.bulk_update(papers, ["keyphrases"])
        phrased += sum(bool(p.keyphrases) for p in papers)
        done += len(chunk)
        if progress:
            progress("key phrases", done, len(pks))
    return phrased


def forget_changed(backend) -> int:
    """Papers whose title or abstract changed since their topics were computed lose them (the
    steps after this compute them again); returns how many. Only papers the index already holds
    as they are now count (modified up to its watermark): their categories come from its vector."""
    modified = TopicsSource.objects.filter(checked_at__lt=F("paper__modified_at"))
    watermark = backend.state().watermark
    if watermark is not None:
        modified = modified.filter(paper__modified_at__lte=watermark)
    rows = list(modified.values_list("paper_id", "digest", "paper__title", "paper__abstract"))
    now = timezone.now()
    changed = []
    for chunk in batched(rows, WRITE_BATCH):
        sources = [
            TopicsSource(paper_id=pk, digest=text_digest(t, a), checked_at=now) for pk, _, t, a in chunk
        ]
        TopicsSource.objects.bulk_update(sources, ["digest", "checked_at"])
        changed += [pk for (pk, old, _, _), new in zip(chunk, sources, strict=True) if new.digest != old]
    for chunk in batched(changed, WRITE_BATCH):
        Paper.objects.filter(pk__in=chunk, categories="").update(inferred_categories="")
        Paper.objects.filter(pk__in=chunk, ai_keywords=[]).update(keyphrases=[])
    return len(changed)


def remember_sources() -> None:
    """A ``TopicsSource`` for each visible paper with inferred topics that has none yet."""
    derived = Q(categories="") & ~Q(inferred_categories="") | Q(ai_keywords=[]) & ~Q(keyphrases=[])
    todo = (
        Paper.objects.visible()
        .filter(derived)
        .exclude(pk__in=TopicsSource.objects.values("paper_id"))
        .order_by("pk")
        .values_list("pk", "title", "abstract")
    )
    now = timezone.now()
    for chunk in batched(list(todo), WRITE_BATCH):
        TopicsSource.objects.bulk_create(
            [TopicsSource(paper_id=pk, digest=text_digest(t, a), checked_at=now) for pk, t, a in chunk],
            ignore_conflicts=True,  # another run recorded it meanwhile
        )


def update(backend, progress: Progress | None = None, redo: bool = False) -> TopicsResult:
    """Inferred categories, then key phrases, for the papers that need them (again, for papers
    whose text changed)."""
    changed = forget_changed(backend)
    result = infer_categories(backend, progress, redo)
    result.changed = changed
    result.phrased = extract_keyphrases(progress, redo)
    remember_sources()
    return result
