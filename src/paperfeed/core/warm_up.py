"""Work a web process starts before it answers, registered by the apps that need it.

``paperfeed serve`` runs every registered warm-up in each worker process as it starts (search
loads its model and index on a background thread), so the first visitor does not wait for
it. This module knows no app: apps add theirs in ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable

_warm_ups: list[Callable[[], None]] = []


def register(warm_up: Callable[[], None]) -> None:
    """Run ``warm_up`` in every web process as it starts; it must return quickly."""
    if warm_up not in _warm_ups:
        _warm_ups.append(warm_up)


def run_all() -> None:
    for warm_up in _warm_ups:
        warm_up()
