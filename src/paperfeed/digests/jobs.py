"""The worker's mail (see core/schedule.py): daily digests on weekdays at ``PAPERFEED_DIGEST_AT``
(default 07:00 UTC), weekly ones on ``PAPERFEED_WEEKLY_DAY`` (default Monday), and notification
mail (replies, @mentions) on every round."""

from __future__ import annotations

from datetime import UTC, datetime

from paperfeed.core.config import WEEKDAYS
from paperfeed.core.schedule import Job, JobRun, register, setting
from paperfeed.digests.management.commands.digest import send_digests
from paperfeed.digests.notification_mail import send_notification_mail


def weekly_day() -> int:
    return WEEKDAYS.index(setting("PAPERFEED_WEEKLY_DAY"))


def send_due_digests(run: JobRun) -> None:
    now = datetime.now(UTC)
    frequencies = []
    # Daily digests go out on weekdays only (a manual --once run sends whatever is due).
    if now.weekday() < 5 or run.once:
        frequencies.append("daily")
    if now.weekday() == weekly_day() or run.once:
        frequencies.append("weekly")
    for frequency in frequencies:
        summary = send_digests(frequency, progress_to=None)
        for line in summary.lines():
            run.stdout.write(line)
        if summary.failure():
            run.stderr.write(summary.failure())


register(
    Job(
        name="digests",
        run=send_due_digests,
        at_setting="PAPERFEED_DIGEST_AT",
        check=weekly_day,
    )
)


def send_notifications(run: JobRun) -> None:
    """Mail the notifications waiting for it; quiet when there are none."""
    summary = send_notification_mail()
    for line in summary.lines():
        run.stdout.write(line)
    if summary.stopped:
        run.stderr.write(f"Notification mail stopped: {summary.stopped}")


register(Job(name="notification mail", run=send_notifications))
