"""Scheduled work, registered by the apps that own it and run by ``paperfeed worker``.

Each app that has work to do on a clock puts a ``jobs.py`` module beside its ``models.py`` that
calls ``register(Job(...))``; the worker imports those modules (as the admin does ``admin.py``),
so this package imports no domain app. A job either runs once a day at the time an environment
variable names (``at_setting``, ``HH:MM`` UTC) or, without one, on every round of the worker
between slots (every few seconds), quietly unless it has something to say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.utils.module_loading import autodiscover_modules

from paperfeed.core import config


@dataclass(frozen=True)
class JobRun:
    """What a job gets when it runs: the worker's options and where to write."""

    options: dict[str, Any]
    stdout: OutputWrapper
    stderr: OutputWrapper

    @property
    def once(self) -> bool:
        return bool(self.options.get("once"))


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[JobRun], None]
    at_setting: str | None = None  # setting (core/config.py) holding the daily time; None: every round
    add_arguments: Callable[[CommandParser], None] | None = None  # the job's own worker options
    check: Callable[[], None] | None = None  # refuses bad settings at start (raises CommandError)
    enabled: Callable[[dict[str, Any]], bool] = lambda options: True

    def clock(self) -> tuple[int, int]:
        assert self.at_setting is not None
        return setting(self.at_setting)


_jobs: dict[str, Job] = {}


def register(job: Job) -> None:
    """Add a job (registering the same name again replaces it: modules may be imported twice)."""
    _jobs[job.name] = job


def registered() -> list[Job]:
    """Every app's jobs, in the order of INSTALLED_APPS."""
    autodiscover_modules("jobs")
    return list(_jobs.values())


def setting(name: str) -> Any:
    """A setting the worker reads as it runs (core/config.py); a bad value is refused as a CommandError."""
    try:
        return config.value(name)
    except config.SettingError as error:
        raise CommandError(str(error)) from None


def next_at(now: datetime, hour: int, minute: int) -> datetime:
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)
