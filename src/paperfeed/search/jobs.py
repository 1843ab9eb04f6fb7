"""The worker keeps the search index up to date (see core/schedule.py): papers imported with
``paperfeed ingest … --no-index``, or that arrived by any other path, become searchable without
anyone running ``paperfeed index catch-up``.

On a round with work waiting it runs that same catch-up (keywords first, then vectors in batches,
resumable through the index's watermarks), but starts no new batch of vectors after
``SLICE_SECONDS``: the rounds' other work (notification mail) is not held up for the minutes a
large import takes, and the next round continues where this one stopped. Never two at once: the
update lock (update_lock.py) is shared with `paperfeed index` and `paperfeed ingest`, and when
one of them holds it the job looks again later. Web processes never run jobs, so none embeds
documents or derives a model file.
"""

from __future__ import annotations

import time
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandParser

from paperfeed.core.schedule import Job, JobRun, register
from paperfeed.search import sync
from paperfeed.search.update_lock import updating_alone

SLICE_SECONDS = 30.0  # ~1,000 more papers at ~36 a second; the batch under way then finishes
# Between looks when there is nothing to do (on PostgreSQL the index state counts its rows).
CHECK_SECONDS = 60.0

_clock = {"next_check": 0.0}  # time.monotonic() before which no round looks for work


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="Leave the search index to `paperfeed index catch-up` (and to imports).",
    )


def catch_up_index(run: JobRun) -> None:
    """Index what waits, a slice per round (all of it with --once); quiet when nothing waits."""
    now = time.monotonic()
    if not run.once and now < _clock["next_check"]:
        return
    # Also when the catch-up fails (a runtime that cannot run here): tried again later, not every round.
    _clock["next_check"] = now + CHECK_SECONDS
    if not sync.work_waiting():
        return
    with updating_alone(wait=False) as mine:
        if not mine:  # an import or `paperfeed index` is updating it: look again later
            return
        arguments = ["index", "catch-up"]
        if not run.once:
            arguments += ["--stop-after", str(SLICE_SECONDS)]
        out = StringIO()
        call_command(*arguments, stdout=out, stderr=run.stderr)
    for line in out.getvalue().splitlines():
        run.stdout.write(f"Search index: {line}")
    _clock["next_check"] = 0.0  # vectors may be left, or papers arrived meanwhile: look next round


register(
    Job(
        name="search index",
        run=catch_up_index,
        add_arguments=add_arguments,
        enabled=lambda options: not options["no_index"],
    )
)
