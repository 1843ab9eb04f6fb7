"""What the rest of paperfeed calls for recommendations (For you, digests, the API).

``recommend_for(user, start, end, limit)`` ranks the papers of a window for a signed-in reader,
with the model fitted from their signals (kept until the signals change);
``recommend_for_signals(liked, disliked, start, end, limit)`` does the same for signals a caller
gives (nothing stored); ``record_shown`` and ``record_opened`` note what a reader has seen, so it
stops coming back.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from paperfeed.community.models import Impression
from paperfeed.recommend import candidates, lexicon
from paperfeed.recommend.model import FittedModel, fit
from paperfeed.recommend.models import ReaderModel
from paperfeed.recommend.ranking import Pick, rank
from paperfeed.recommend.signals import Positive, Signals, picked_positives, signals_from_ids, signals_of
from paperfeed.recommend.vectors import VectorSpace, choose_space

__all__ = ["Pick", "recommend_for", "recommend_for_signals", "record_shown", "record_opened", "has_signals"]


def has_signals(user) -> bool:
    signals = signals_of(user)
    return bool(signals.positives or signals.picks)


def fit_signals(space: VectorSpace, positives: list[Positive], dislikes: list[int], seed: int):
    """A model for these signals, or None when none of the positives has a vector."""
    positive_ids, positive_matrix = space.matrix([p.paper_id for p in positives])
    if not len(positive_matrix):
        return None
    dislike_ids, dislike_matrix = space.matrix(dislikes)
    sample = candidates.background_ids({p.paper_id for p in positives} | set(dislikes), seed)
    background_ids, background = space.matrix(sample)
    # Words add what sentence embeddings blur: names of methods, data sets, objects of study.
    # The same papers as the vectors, so both blocks learn from one set of examples.
    rows = lexicon.current.matrix([*positive_ids.tolist(), *dislike_ids.tolist(), *background_ids.tolist()])
    cut = np.cumsum([len(positive_ids), len(dislike_ids)])
    words = (rows[: cut[0]], rows[cut[0] : cut[1]], rows[cut[1] :])
    return fit(space.name, positive_matrix, dislike_matrix, background, words, lexicon.current.get().version)


# Changes when what a model holds changes, so models stored by an older paperfeed are refitted.
FORMAT = "m3"


def model_key(space: VectorSpace) -> str:
    """What a stored model was fitted in: the vector space and the lexicon of its word profile."""
    return f"{space.name}|words:{lexicon.current.get().version}|{FORMAT}"


def reader_model(user, signals: Signals, space: VectorSpace) -> tuple[FittedModel | None, list[Positive]]:
    """The reader's stored model if it was fitted from these signals in this space, else a new fit."""
    key = model_key(space)
    # The account's creation moment too: after a restore or a test database's flush the same
    # ids can name other accounts and papers, whose model this process must not reuse.
    kept_as = (signals.version, f"{key}|{user.date_joined.isoformat()}")
    kept = _kept.get(user.pk)
    if kept is not None and kept[0] == kept_as:
        return kept[1], kept[2]
    row = ReaderModel.objects.filter(user=user).first()
    if row is not None and row.signals_version == signals.version and row.space == key:
        picked = [Positive(pk, kind, label) for pk, kind, label in row.picked]
        model = FittedModel.from_bytes(row.space, row.weights) if row.weights else None
        _keep(user.pk, kept_as, model, picked)
        return model, picked
    started = time.perf_counter()
    picked = picked_positives(signals)
    model = fit_signals(space, signals.positives + picked, signals.dislikes, seed=user.pk)
    values = {
        "signals_version": signals.version,
        "space": key,
        "weights": model.to_bytes() if model else b"",
        "picked": [[p.paper_id, p.kind, p.label] for p in picked],
        "positives": len(signals.positives) + len(picked),
        "negatives": len(signals.dislikes),
        "fit_seconds": time.perf_counter() - started,
    }
    try:
        with transaction.atomic():
            ReaderModel.objects.update_or_create(user=user, defaults=values)
    except IntegrityError:
        pass  # another request stored the same fit a moment ago
    _keep(user.pk, kept_as, model, picked)
    return model, picked


# The models last used in this process, read from their rows once (not on every request).
_kept: OrderedDict[int, tuple[tuple[str, str], FittedModel | None, list[Positive]]] = OrderedDict()
KEPT_MODELS = 500


_kept_lock = threading.Lock()


def _keep(user_pk: int, version: tuple[str, str], model: FittedModel | None, picked: list[Positive]) -> None:
    with _kept_lock:
        _kept[user_pk] = (version, model, picked)
        _kept.move_to_end(user_pk)
        while len(_kept) > KEPT_MODELS:
            _kept.popitem(last=False)


def recommend_for(user, start: date, end: date, limit: int, *, exclude: Iterable[int] = ()) -> list[Pick]:
    """The window's best papers for ``user``, best first, each with its reason; [] without signals.

    ``exclude``: papers not to pick besides those the reader liked, dismissed or has seen (e.g.
    what a digest already holds or mailed before)."""
    signals = signals_of(user)
    if not signals.positives and not signals.picks:
        return []
    space = choose_space()
    model, picked = reader_model(user, signals, space)
    if model is None:
        return []
    excluded = signals.excluded() | {p.paper_id for p in picked} | set(exclude)
    pks, matrix = candidates.window(start, end).candidates(space, excluded)
    return rank(model, space, pks, matrix, signals.positives + picked, signals.dislikes, limit)


def recommend_for_signals(
    liked_ids: list[int], disliked_ids: list[int], start: date, end: date, limit: int
) -> list[Pick]:
    """The window's best papers for liked and disliked paper pks given by a caller (nothing stored)."""
    signals = signals_from_ids(liked_ids, disliked_ids)
    if not signals.positives:
        return []
    space = choose_space()
    seed = zlib.crc32(signals.version.encode())
    model = fit_signals(space, signals.positives, signals.dislikes, seed)
    if model is None:
        return []
    pks, matrix = candidates.window(start, end).candidates(space, signals.excluded())
    return rank(model, space, pks, matrix, signals.positives, signals.dislikes, limit)


def record_shown(user, paper_ids: list[int]) -> None:
    """Count one more showing of each paper to ``user`` (For you, a digest), at most one a day:
    reloading For you, or a digest and For you on the same day, is one showing, not several."""
    if not paper_ids or user is None or not user.is_authenticated:
        return
    now = timezone.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    ids = set(paper_ids)
    existing = set(Impression.objects.filter(user=user, paper_id__in=ids).values_list("paper_id", flat=True))
    # An impression made by opening the paper has no showing yet (last_shown_at is empty).
    Impression.objects.filter(user=user, paper_id__in=existing).filter(
        Q(last_shown_at__lt=today) | Q(last_shown_at__isnull=True)
    ).update(shown_count=F("shown_count") + 1, last_shown_at=now)
    new = [
        Impression(user=user, paper_id=pk, shown_count=1, first_shown_at=now, last_shown_at=now)
        for pk in sorted(ids - existing)
    ]
    # A concurrent request may have made the same rows: those showings are counted once.
    Impression.objects.bulk_create(new, ignore_conflicts=True)


def record_opened(user, paper_id: int) -> None:
    """Note that ``user`` opened a paper: it is not recommended to them again."""
    if user is None or not user.is_authenticated:
        return
    now = timezone.now()
    impression, _ = Impression.objects.get_or_create(user=user, paper_id=paper_id)
    if impression.opened_at is None:
        Impression.objects.filter(pk=impression.pk, opened_at__isnull=True).update(opened_at=now)
