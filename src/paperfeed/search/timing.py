"""Per-stage timings of one search, for the benchmark: off (and nearly free) unless recording."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_stages: ContextVar[dict[str, float] | None] = ContextVar("search_stages", default=None)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the time spent in the block to ``name`` when a recording is under way."""
    stages = _stages.get()
    if stages is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - started


@contextmanager
def recording() -> Iterator[dict[str, float]]:
    """Seconds per stage of everything run inside the block."""
    stages: dict[str, float] = {}
    token = _stages.set(stages)
    try:
        yield stages
    finally:
        _stages.reset(token)
