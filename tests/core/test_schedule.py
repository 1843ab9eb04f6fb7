"""The worker's jobs are registered by the apps that own them; core names none of them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from paperfeed.core import schedule
from paperfeed.core.schedule import Job, register, registered


def test_each_app_registers_its_own_jobs_in_the_order_of_installed_apps():
    jobs = {job.name: job for job in registered()}

    assert list(jobs) == [
        "fetching submitted papers",
        "ingest",
        "search index",
        "digests",
        "notification mail",
    ]
    owners = {name: (job.run.__module__, job.at_setting) for name, job in jobs.items()}
    assert owners == {
        "fetching submitted papers": ("paperfeed.community.jobs", None),
        "ingest": ("paperfeed.ingest.jobs", "PAPERFEED_INGEST_AT"),
        "search index": ("paperfeed.search.jobs", None),
        "digests": ("paperfeed.digests.jobs", "PAPERFEED_DIGEST_AT"),
        "notification mail": ("paperfeed.digests.jobs", None),
    }


@pytest.mark.django_db
def test_a_failing_job_is_reported_and_the_others_still_run(monkeypatch):
    ran = []

    def broken(run):
        raise RuntimeError("no arXiv today")

    registered()  # the apps' jobs first, then these two in place of theirs, for this test only
    monkeypatch.setattr(schedule, "_jobs", dict(schedule._jobs))
    register(Job(name="fetching submitted papers", run=broken))
    register(Job(name="digests", run=lambda run: ran.append("digests"), at_setting="PAPERFEED_DIGEST_AT"))
    out, err = StringIO(), StringIO()

    call_command("worker", "--once", "--no-ingest", stdout=out, stderr=err)

    assert ran == ["digests"]
    assert "fetching submitted papers failed:" in err.getvalue() and "no arXiv today" in err.getvalue()
    assert "digests: done" in out.getvalue()
