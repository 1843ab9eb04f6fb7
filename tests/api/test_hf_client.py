"""The real huggingface_hub client (2.x, installed in this environment) against a live paperfeed server."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from huggingface_hub.errors import BadRequestError, HfHubHTTPError

from .hf_data import feed_day, feed_time, submitter_of

pytestmark = pytest.mark.django_db(transaction=True)


def one_line(text: str) -> str:
    """Titles as stored: the Hub's carry arXiv's hard line breaks."""
    return " ".join(text.split())


def hub_order(records: list[dict]) -> list[str]:
    """The daily batch order: upvotes, then submission order."""
    ordered = sorted(records, key=lambda r: (-r["paper"]["upvotes"], feed_time(r)))
    return [r["paper"]["id"] for r in ordered]


def busiest_day(records_by_day) -> str:
    return max(records_by_day, key=lambda day: len(records_by_day[day]))


def test_list_daily_papers_for_a_date_returns_that_days_papers_with_their_fields(hf_api, records_by_day):
    day = busiest_day(records_by_day)
    expected = {r["paper"]["id"]: r for r in records_by_day[day]}
    papers = list(hf_api.list_daily_papers(date=day, limit=100))
    assert sorted(p.id for p in papers) == sorted(expected)
    for paper in papers:
        record = expected[paper.id]
        assert paper.title == one_line(record["title"])
        assert [a.name for a in paper.authors] == [a["name"] for a in record["paper"]["authors"]]
        assert paper.upvotes == record["paper"]["upvotes"]
        assert paper.summary.split() == record["paper"]["summary"].split()
        assert paper.comments == record["numComments"]
        assert paper.submitted_at.date().isoformat() == day
        assert paper.published_at.isoformat()[:10] == record["paper"]["publishedAt"][:10]
        assert paper.discussion_id == paper.id
        if submitter_of(record):
            assert paper.submitted_by.username == submitter_of(record)
        if record["paper"].get("ai_summary"):
            assert paper.ai_summary == record["paper"]["ai_summary"]
            assert paper.ai_keywords == record["paper"]["ai_keywords"]
        if record["paper"].get("githubRepo"):
            assert paper.github_repo.rstrip("/").lower() == record["paper"]["githubRepo"].rstrip("/").lower()


def test_a_days_batch_is_ordered_by_upvotes_then_submission_order(hf_api, records_by_day):
    day = busiest_day(records_by_day)
    ids = [p.id for p in hf_api.list_daily_papers(date=day, limit=100)]
    upvotes = [p.upvotes for p in hf_api.list_daily_papers(date=day, limit=100)]
    assert upvotes == sorted(upvotes, reverse=True)
    assert ids == hub_order(records_by_day[day])


def test_authors_carry_their_hub_users(hf_api, records_by_day):
    day = busiest_day(records_by_day)
    expected = {
        (r["paper"]["id"], a["name"]): a["user"]["user"]
        for r in records_by_day[day]
        for a in r["paper"]["authors"]
        if a.get("user")
    }
    assert expected, "the busiest day has authors linked to Hub users"
    found = {
        (p.id, a.name): a.user.username
        for p in hf_api.list_daily_papers(date=day, limit=100)
        for a in p.authors
        if a.user
    }
    assert found == expected


def test_week_and_month_windows_hold_exactly_their_days(hf_api, hf_records):
    week_start = date(2025, 3, 10)  # Monday of ISO week 2025-W11
    week_days = {(week_start + timedelta(days=i)).isoformat() for i in range(7)}
    in_week = {r["paper"]["id"] for r in hf_records if feed_day(r) in week_days}
    assert {p.id for p in hf_api.list_daily_papers(week="2025-W11", limit=100)} == in_week
    month_ids: set[str] = set()
    for page in range(10):
        batch = list(hf_api.list_daily_papers(month="2025-03", limit=100, p=page))
        month_ids.update(p.id for p in batch)
        if not batch:
            break
    assert month_ids == {r["paper"]["id"] for r in hf_records}


def test_pages_follow_each_other_and_a_page_past_the_end_is_empty(hf_api, records_by_day):
    day = busiest_day(records_by_day)
    everything = [p.id for p in hf_api.list_daily_papers(date=day, limit=100)]
    page_count = len(everything) // 5 + 1
    pages = [[p.id for p in hf_api.list_daily_papers(date=day, limit=5, p=n)] for n in range(page_count)]
    assert [paper for page in pages for paper in page] == everything
    assert list(hf_api.list_daily_papers(date=day, limit=5, p=len(everything))) == []


def test_submitter_filter_keeps_only_that_users_submissions(hf_api, hf_records):
    submitters = [submitter_of(r) for r in hf_records if submitter_of(r)]
    busiest = max(set(submitters), key=submitters.count)
    expected = {r["paper"]["id"] for r in hf_records if submitter_of(r) == busiest}
    papers = list(hf_api.list_daily_papers(submitter=busiest, limit=100))
    assert {p.id for p in papers} == expected
    assert {p.submitted_by.username for p in papers} == {busiest}
    assert list(hf_api.list_daily_papers(submitter="nobody-by-this-name")) == []


def test_trending_ranks_recent_papers_with_many_votes_first(hf_api, records_by_day):
    trending = list(hf_api.list_daily_papers(sort="trending", limit=20))
    assert trending, "the latest days have trending papers"
    latest_day = max(records_by_day)
    assert trending[0].submitted_at.date() >= date.fromisoformat(latest_day) - timedelta(days=14)
    # Within one day every paper has the same age, so trending order is upvote order there.
    day = busiest_day(records_by_day)
    same_day = list(hf_api.list_daily_papers(date=day, sort="trending", limit=100))
    assert [p.upvotes for p in same_day] == sorted((p.upvotes for p in same_day), reverse=True)


def test_sort_by_published_at_is_newest_first(hf_api):
    papers = list(hf_api.list_daily_papers(sort="publishedAt", limit=30))
    times = [p.submitted_at for p in papers]
    assert len(times) == 30 and times == sorted(times, reverse=True)


def test_paper_info_returns_the_paper_with_its_submission(hf_api, hf_records):
    record = max(hf_records, key=lambda r: r["paper"]["upvotes"])
    info = hf_api.paper_info(record["paper"]["id"])
    assert info.id == record["paper"]["id"]
    assert info.title == one_line(record["title"])
    assert info.upvotes == record["paper"]["upvotes"]
    assert [a.name for a in info.authors] == [a["name"] for a in record["paper"]["authors"]]
    assert info.submitted_at.isoformat()[:10] == feed_day(record)
    assert info.linked_models == [] and info.linked_datasets == [] and info.linked_spaces == []
    assert info.num_total_models == 0


def test_read_paper_returns_the_markdown_page(hf_api, hf_records):
    record = hf_records[0]
    text = hf_api.read_paper(record["paper"]["id"])
    assert text.startswith(f"# {one_line(record['title'])}")
    assert record["paper"]["authors"][0]["name"] in text
    assert "## Abstract" in text


def test_malformed_input_raises_the_clients_bad_request_error(hf_api):
    with pytest.raises(BadRequestError, match="2025-13-40"):
        list(hf_api.list_daily_papers(date="2025-13-40"))
    with pytest.raises(BadRequestError, match="W60"):
        list(hf_api.list_daily_papers(week="2025-W60"))
    with pytest.raises(BadRequestError, match="limit"):
        list(hf_api.list_daily_papers(limit=101))
    with pytest.raises(BadRequestError):
        hf_api.paper_info("not-an-arxiv-id")


def test_an_unknown_paper_raises_a_404_error(hf_api):
    with pytest.raises(HfHubHTTPError) as raised:
        hf_api.paper_info("2503.99999")
    assert raised.value.response.status_code == 404
    with pytest.raises(HfHubHTTPError) as raised:
        hf_api.read_paper("2503.99999")
    assert raised.value.response.status_code == 404


def test_list_papers_searches_with_highlights_and_respects_the_limit(search_site, hf_records):
    from huggingface_hub import HfApi

    api = HfApi(endpoint=search_site.url, token=False)
    matching = {r["paper"]["id"] for r in hf_records if "unlearning" in r["title"].lower()}
    results = list(api.list_papers(query="unlearning", limit=5))
    assert len(results) == 5
    assert results[0].id in matching
    assert all(paper.title and paper.authors and paper.upvotes is not None for paper in results)
    assert [p.id for p in api.list_papers(query="unlearning", limit=1)] == [results[0].id]
    with pytest.raises(BadRequestError, match="250"):
        list(api.list_papers(query="x" * 251))

    items = httpx.get(f"{search_site.url}/api/papers/search", params={"q": "unlearning", "limit": 3}).json()
    assert [item["paper"]["id"] for item in items] == [p.id for p in results[:3]]
    spans = items[0]["highlightedTitle"]
    assert "".join(span["text"] for span in spans) == items[0]["title"]
    assert any(span["type"] == "highlight" and "unlearn" in span["text"].lower() for span in spans)
    assert items[0]["upvoted"] is False

    related = httpx.get(f"{search_site.url}/api/papers/{results[0].id}/related", params={"limit": 4}).json()
    assert len(related) == 4 and results[0].id not in {item["paper"]["id"] for item in related}
    assert all(item["title"] and item["paper"]["authors"] for item in related)
