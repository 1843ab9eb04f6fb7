"""Work a web process starts before it answers, registered by the apps that need it.

``paperfeed serve`` runs every registered warm-up in each worker process as it starts (search
loads its model and index on a background thread), so the first visitor does not wait for
it. Before it starts any, it runs the registered checks: a check raises (with a message saying what
to do) when a web process could not work, for example a model file not derived yet. This module
knows no app: apps add theirs in ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable

_warm_ups: list[Callable[[], None]] = []
_checks: list[Callable[[], None]] = []


def register(warm_up: Callable[[], None]) -> None:
    """Run ``warm_up`` in every web process as it starts; it must return quickly."""
    if warm_up not in _warm_ups:
        _warm_ups.append(warm_up)


def run_all() -> None:
    for warm_up in _warm_ups:
        warm_up()


def register_check(check: Callable[[], None]) -> None:
    """Run ``check`` before the site starts serving; it raises when a web process could not work."""
    if check not in _checks:
        _checks.append(check)


def check_all() -> None:
    for check in _checks:
        check()
