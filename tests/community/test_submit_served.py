"""Submissions of unknown papers on a served site: no web thread waits on arXiv, and the thread of
the web process that fetches in the background completes them."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from paperfeed.api.tokens import issue_token
from paperfeed.community import fetches
from paperfeed.papers.models import Listing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("concurrent_database")]

UNKNOWN = [f"2411.{n:05d}" for n in range(1, 11)]


@pytest.fixture
def slow_arxiv(fake_arxiv, settings, recent):
    """arXiv with the ten papers, answering each request after 2 s, paced 3 s apart as arXiv asks."""
    published = recent(days=1).strftime("%Y-%m-%dT%H:%M:%SZ")
    for arxiv_id in UNKNOWN:
        fake_arxiv.add_entry(arxiv_id, title=f"Paper {arxiv_id}", published=published, authors=["A. B."])
    fake_arxiv.delay = 2.0
    fake_arxiv.really_wait = True  # the pacing is part of what a served site goes through
    settings.ARXIV_API_DELAY_SECONDS = 3
    settings.ARXIV_FETCH_IN_WEB = True
    settings.SUBMISSIONS_PER_DAY = len(UNKNOWN)
    yield fake_arxiv
    fetches.stop()  # before the fake arXiv and the database go


def poll(url: str, headers: dict, until: int, timeout: float = 60.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(url, headers=headers)
        if response.status_code == until or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_ten_concurrent_submissions_of_unknown_papers_leave_pages_fast(
    served_site, slow_arxiv, alice, make_paper
):
    make_paper("Already here")
    headers = {"Authorization": f"Bearer {issue_token(alice, 'script')[1]}"}
    assert httpx.get(f"{served_site}/papers/trending").status_code == 200  # first-request costs
    start = threading.Barrier(len(UNKNOWN))
    answers: list[tuple[httpx.Response, float]] = []

    def submit(arxiv_id: str) -> None:
        start.wait()
        began = time.monotonic()
        answer = httpx.post(
            f"{served_site}/api/papers/submit", json={"id": arxiv_id}, headers=headers, timeout=90
        )
        answers.append((answer, time.monotonic() - began))

    threads = [threading.Thread(target=submit, args=(arxiv_id,)) for arxiv_id in UNKNOWN]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # arXiv takes 2 s a request: the fetcher is still waiting on it while the page is asked for.
    began = time.monotonic()
    page = httpx.get(f"{served_site}/papers/trending", timeout=90)
    page_seconds = time.monotonic() - began

    assert page.status_code == 200
    # Generous bounds: a page takes about 0.1 s here and a submission about as long. Before
    # submissions were fetched outside requests, ten of them held every web thread on arXiv
    # (paced 3 s apart) for half a minute, and a page asked for meanwhile waited as long.
    assert page_seconds < 1.0, f"the page took {page_seconds:.1f} s"
    slowest = max(seconds for _, seconds in answers)
    assert slowest < 5.0, f"a submission took {slowest:.1f} s to be answered"
    assert sorted(answer.status_code for answer, _ in answers) == [202] * len(UNKNOWN)
    outcomes = [poll(f"{served_site}{answer.json()['check']}", headers, until=200) for answer, _ in answers]
    assert [o.status_code for o in outcomes] == [200] * len(UNKNOWN)
    assert set(Listing.objects.values_list("paper__arxiv_id", flat=True)) == set(UNKNOWN)
    assert len(slow_arxiv.requests) <= 3  # waiting ids go to arXiv together


def test_the_submitter_follows_the_fetch_on_the_page_until_the_paper_is_listed(
    served_site, slow_arxiv, alice
):
    from django.test import Client

    browser = Client()
    browser.force_login(alice)  # the session lives in the database the site serves from
    cookies = {"sessionid": browser.cookies["sessionid"].value}
    with httpx.Client(base_url=served_site, cookies=cookies, follow_redirects=False) as site:
        form = site.get("/papers/submit")
        token = site.cookies["csrftoken"]
        sent = site.post("/papers/submit", data={"paper": UNKNOWN[0], "csrfmiddlewaretoken": token})
        follow = sent.headers["location"]
        waiting = site.get(follow)
        assert form.status_code == 200 and waiting.status_code == 202
        assert f"Fetching {UNKNOWN[0]} from arXiv…" in waiting.text
        done = poll(f"{served_site}{follow}", {"Cookie": f"sessionid={cookies['sessionid']}"}, until=302)

    assert done.status_code == 302 and done.headers["location"] == f"/papers/{UNKNOWN[0]}"
    assert Listing.objects.get().submitted_by == alice
