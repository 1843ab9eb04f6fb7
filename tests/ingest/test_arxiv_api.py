"""Looking papers up by id with the arXiv API (Atom feed), against the fake arXiv server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fake_arxiv import fixture_bytes
from paperfeed.ingest import arxiv_api
from paperfeed.ingest.arxiv_api import ArxivResponseError, ArxivUnreachable, fetch_paper, lookup_papers
from paperfeed.papers.arxiv_ids import InvalidArxivId

VASWANI_ET_AL = [
    "Ashish Vaswani",
    "Noam Shazeer",
    "Niki Parmar",
    "Jakob Uszkoreit",
    "Llion Jones",
    "Aidan N. Gomez",
    "Lukasz Kaiser",
    "Illia Polosukhin",
]


@pytest.fixture
def arxiv(fake_arxiv):
    """The fake server knowing two versions of 1706.03762 and v2 of hep-th/9901001."""
    fake_arxiv.add_entry_fixture("1706.03762v1")
    fake_arxiv.add_entry_fixture("1706.03762v7")
    fake_arxiv.add_entry_fixture("hep-th_9901001v2")
    return fake_arxiv


def test_a_found_paper_has_the_entry_metadata(arxiv):
    record = fetch_paper("1706.03762")

    assert record.arxiv_id == "1706.03762"
    assert record.version == 7  # the latest version, when none is asked for
    assert record.title == "Attention Is All You Need"
    assert record.abstract.startswith("The dominant sequence transduction models")
    assert record.categories == ["cs.CL", "cs.LG"]  # primary category first
    assert record.published == datetime(2017, 6, 12, 17, 57, 34, tzinfo=UTC)
    assert record.updated == datetime(2023, 8, 2, 0, 41, 18, tzinfo=UTC)
    assert record.comments == "15 pages, 5 figures"
    assert record.journal_ref is None and record.doi is None
    assert record.extra["links"] == {
        "abs": "http://arxiv.org/abs/1706.03762v7",
        "pdf": "http://arxiv.org/pdf/1706.03762v7",
    }
    assert arxiv.api_requests() == [{"id_list": "1706.03762", "start": "0", "max_results": "1"}]


def test_authors_keep_their_order(arxiv):
    assert [a.name for a in fetch_paper("1706.03762").authors] == VASWANI_ET_AL


def test_a_version_asked_for_is_the_version_returned(arxiv):
    record = fetch_paper("https://arxiv.org/abs/1706.03762v1")

    assert record.version == 1
    assert record.updated == datetime(2017, 6, 12, 17, 57, 34, tzinfo=UTC)
    assert arxiv.api_requests()[0]["id_list"] == "1706.03762v1"


def test_old_style_ids_are_looked_up_and_kept_as_arxiv_writes_them(arxiv):
    record = fetch_paper("arXiv:hep-th/9901001")

    assert record.arxiv_id == "hep-th/9901001" and record.version == 2
    assert record.title == "Boundary States and Brane Charges in Type II String Theory"
    assert record.doi == "10.1016/S0550-3213(99)00142-1"
    assert record.journal_ref == "Nucl.Phys. B548 (1999) 173-195"
    assert [a.name for a in record.authors] == ["John A. Smith Jr", "María de la Cruz"]
    assert record.extra["links"]["doi"] == "http://dx.doi.org/10.1016/S0550-3213(99)00142-1"


def test_an_old_style_id_with_a_subject_class_is_asked_for_without_it(arxiv):
    arxiv.add_entry("math/0309136", title="Twisted Alexander polynomials", primary_category="math.GT")

    record = fetch_paper("math.GT/0309136")  # how the paper is often cited; arXiv's id is math/0309136

    assert record.arxiv_id == "math/0309136"
    assert arxiv.api_requests()[0]["id_list"] == "math/0309136"


def test_an_unknown_id_is_not_found(arxiv):
    assert fetch_paper("2411.99999") is None


def test_a_lookup_sorts_ids_into_found_and_not_found_in_one_request(arxiv):
    lookup = lookup_papers(["hep-th/9901001", "2411.99999", "1706.03762", "1706.03762"])

    assert [r.arxiv_id for r in lookup.records] == ["hep-th/9901001", "1706.03762"]
    assert lookup.not_found == ["2411.99999"]
    assert lookup.rejected == {}
    assert arxiv.api_requests() == [
        {"id_list": "hep-th/9901001,2411.99999,1706.03762", "start": "0", "max_results": "3"}
    ]


def test_an_id_arxiv_rejects_is_reported_with_arxivs_reason_and_the_others_still_found(arxiv):
    arxiv.reject_id("2411.01234")

    lookup = lookup_papers(["2411.01234", "1706.03762"])

    assert lookup.rejected == {
        "2411.01234": "arXiv rejected “2411.01234”: incorrect id format for 2411.01234"
    }
    assert [r.arxiv_id for r in lookup.records] == ["1706.03762"]
    assert lookup.not_found == []
    # arXiv drops the whole query over one bad id, so the good one is asked for again.
    assert [p["id_list"] for p in arxiv.api_requests()] == ["2411.01234,1706.03762", "1706.03762"]


def test_fetch_paper_raises_invalid_id_for_an_id_arxiv_rejects(arxiv):
    arxiv.reject_id("2411.01234")

    with pytest.raises(InvalidArxivId, match="incorrect id format for 2411.01234"):
        fetch_paper("2411.01234")


def test_a_malformed_id_is_refused_before_any_request(arxiv):
    with pytest.raises(InvalidArxivId, match="“not-an-id” is not an arXiv id"):
        lookup_papers(["1706.03762", "not-an-id"])

    assert arxiv.requests == []


def test_more_than_a_hundred_ids_go_in_batches_of_a_hundred(arxiv):
    ids = [f"2411.{n:05d}" for n in range(1, 150)] + ["1706.03762"]

    lookup = lookup_papers(ids)

    assert [len(p["id_list"].split(",")) for p in arxiv.api_requests()] == [100, 50]
    assert [p["max_results"] for p in arxiv.api_requests()] == ["100", "50"]
    assert [r.arxiv_id for r in lookup.records] == ["1706.03762"]
    assert len(lookup.not_found) == 149


def test_calls_are_paced_three_seconds_apart(arxiv, settings):
    settings.ARXIV_API_DELAY_SECONDS = 3

    lookup_papers([f"2411.{n:05d}" for n in range(1, 250)], batch_size=100)

    assert len(arxiv.api_requests()) == 3
    assert len(arxiv.waits) == 2  # none before the first call
    # The fixture records waits instead of sleeping, so each turn is booked 3 s after the last.
    first, second = arxiv.waits
    assert 2.0 < first <= 3.0 and 2.0 < second - first <= 3.0


def test_threads_waiting_for_their_turn_do_not_hold_the_pacing_lock(arxiv, settings, monkeypatch):
    import threading

    from paperfeed.ingest import http

    settings.ARXIV_API_DELAY_SECONDS = 3
    free_while_waiting: list[bool] = []

    def pause(seconds: float) -> None:
        # The lock is not reentrant: a thread that held it while waiting could not take it here.
        taken = arxiv_api._pace_lock.acquire(timeout=2)
        if taken:
            arxiv_api._pace_lock.release()
        free_while_waiting.append(taken)

    monkeypatch.setattr(http, "pause", pause)
    threads = [threading.Thread(target=fetch_paper, args=("1706.03762",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert free_while_waiting == [True, True, True]  # the first thread had no wait


def test_a_busy_answer_is_retried_after_retry_after(arxiv):
    arxiv.queue_api(503, "busy", headers={"Retry-After": "4"})

    lookup = lookup_papers(["1706.03762"])

    assert [r.version for r in lookup.records] == [7]
    assert arxiv.waits == [4.0]


def test_a_server_that_is_down_gives_a_clear_error(arxiv):
    arxiv.stop_answering()

    with pytest.raises(ArxivUnreachable) as caught:
        fetch_paper("1706.03762")

    assert str(caught.value).startswith("arXiv could not be reached at http://127.0.0.1:")
    assert "after 2 attempt(s)" in str(caught.value)  # the web form does not wait long


def test_a_timeout_is_reported_as_unreachable(arxiv, settings):
    settings.ARXIV_TIMEOUT_SECONDS = 0.2
    settings.ARXIV_RETRY_ATTEMPTS = 1
    arxiv.queue_api(200, "", delay=1.0)

    with pytest.raises(ArxivUnreachable, match=r"no answer within 0.2 s"):
        lookup_papers(["1706.03762"])


def test_an_http_error_is_reported_with_its_status(arxiv):
    arxiv.queue_api(500, "<html><body>Internal Server Error</body></html>")

    with pytest.raises(ArxivResponseError, match=r"arXiv answered HTTP 500 for http://127.0.0.1:.*Internal"):
        lookup_papers(["1706.03762"])


def test_malformed_xml_is_reported(arxiv):
    arxiv.queue_api(200, '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n  <entry>')

    with pytest.raises(ArxivResponseError, match="arXiv answered with malformed XML"):
        lookup_papers(["1706.03762"])


def test_rate_limiting_text_is_recognised(arxiv):
    arxiv.queue_api(200, fixture_bytes("atom/rate_exceeded.txt"))  # arXiv's throttling answer

    with pytest.raises(ArxivResponseError, match="limiting the request rate"):
        lookup_papers(["1706.03762"])


def test_an_error_that_names_no_id_fails_the_lookup(arxiv):
    feed = arxiv_api_error_feed("start must be an integer")
    arxiv.queue_api(400, feed)

    with pytest.raises(ArxivResponseError, match="arXiv reported an error: start must be an integer"):
        lookup_papers(["1706.03762"])


def test_entries_registered_from_fields_read_back_the_same(arxiv):
    arxiv.add_entry(
        "2411.01234",
        version=3,
        title="A  paper\n  with a wrapped title",
        authors=["Ada Lovelace", "Alan Turing"],
        primary_category="cs.LG",
        categories=["stat.ML"],
        doi="10.1000/xyz",
    )

    record = fetch_paper("2411.01234")

    assert (record.arxiv_id, record.version) == ("2411.01234", 3)
    assert record.title == "A paper with a wrapped title"
    assert [a.name for a in record.authors] == ["Ada Lovelace", "Alan Turing"]
    assert record.categories == ["cs.LG", "stat.ML"] and record.doi == "10.1000/xyz"


def arxiv_api_error_feed(reason: str) -> str:
    anchor = reason.replace(" ", "_")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: search_query=&amp;id_list=&amp;start=foo</title>
  <id>http://arxiv.org/api/UWzh+Yg7RhgQkCAe0CazZj6gCc4</id>
  <updated>2025-03-20T00:00:00-04:00</updated>
  <entry>
    <id>http://arxiv.org/api/errors#{anchor}</id>
    <title>Error</title>
    <summary>{reason}</summary>
    <updated>2025-03-20T00:00:00-04:00</updated>
    <link href="http://arxiv.org/api/errors#{anchor}" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
"""


def test_the_pacing_delay_defaults_to_three_seconds(settings):
    del settings.ARXIV_API_DELAY_SECONDS
    assert arxiv_api.api_delay_seconds() == 3.0
