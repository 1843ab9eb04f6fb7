"""Inferred categories count as a paper's categories where arXiv gives none: in the feed's
?cat= filter and chips, the category Atom feed, the API's category parameter and search's cat:,
always shown marked as inferred. Keyword chips, Hugging Face's or extracted, link to a search."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest

from paperfeed.papers.models import Paper

DAY = date(2025, 3, 18)


@pytest.fixture
def feed_day(make_paper):
    """A feed day with an HF paper (no source categories, inferred cs.CV), an arXiv paper in
    cs.CV, and an arXiv paper in cs.CL whose old inferred guess (cs.CV) must not count."""
    hf = make_paper(
        "Segmenting anything in video", categories="", inferred_categories="cs.CV cs.AI", listed_on=DAY
    )
    arxiv = make_paper("Image classification at scale", categories="cs.CV", listed_on=DAY)
    stale = make_paper("Parsing sentences", categories="cs.CL", inferred_categories="cs.CV", listed_on=DAY)
    return hf, arxiv, stale


def titles_in(html: str, *titles: str) -> list[str]:
    return [title for title in titles if title in html]


def test_the_feed_filter_lists_papers_whose_inferred_category_matches(client, feed_day):
    html = client.get("/?cat=cs.CV").content.decode()
    assert titles_in(
        html, "Segmenting anything in video", "Image classification at scale", "Parsing sentences"
    ) == [
        "Segmenting anything in video",
        "Image classification at scale",
    ]


def test_the_feed_chips_count_inferred_categories(client, feed_day):
    html = client.get("/").content.decode()
    assert "?cat=cs.AI" in html  # only the HF paper's inferred set holds cs.AI


def test_cards_mark_inferred_categories(client, feed_day):
    html = client.get("/?cat=cs.AI").content.decode()
    assert 'class="badge inferred"' in html
    assert '<li class="inferred-note">inferred</li>' in html


def test_source_categories_are_not_marked_inferred(client, make_paper):
    make_paper("Image classification at scale", categories="cs.CV", listed_on=DAY)
    html = client.get("/").content.decode()
    assert "badge inferred" not in html and "inferred-note" not in html


def test_the_category_atom_feed_holds_papers_with_that_inferred_category(client, feed_day):
    body = client.get("/feeds/category/cs.CV.atom").content.decode()
    assert "Segmenting anything in video" in body
    assert "Image classification at scale" in body
    assert "Parsing sentences" not in body


def test_the_api_category_parameter_includes_inferred_categories(client, feed_day):
    items = client.get(f"/api/daily_papers?date={DAY.isoformat()}&category=cs.CV").json()
    assert sorted(item["title"] for item in items) == [
        "Image classification at scale",
        "Segmenting anything in video",
    ]


def test_the_in_category_queryset_uses_source_categories_first(feed_day):
    hf, arxiv, stale = feed_day
    assert set(Paper.objects.in_category("cs.CV")) == {hf, arxiv}
    assert set(Paper.objects.in_category("cs.CL")) == {stale}


def test_the_paper_page_shows_inferred_categories_marked(client, feed_day):
    hf, _, _ = feed_day
    html = client.get(hf.get_absolute_url()).content.decode()
    assert 'class="badge inferred" href="/?cat=cs.CV"' in html
    assert '<span class="inferred-note">inferred</span>' in html


def test_keyword_chips_link_to_a_search_for_that_keyword(client, make_paper):
    paper = make_paper("Diffusion for video", ai_summary="A summary.", ai_keywords=["video diffusion", "DiT"])
    html = client.get(paper.get_absolute_url()).content.decode()
    assert 'href="/search?q=%22video%20diffusion%22">video diffusion</a>' in html
    assert "extracted from the abstract" not in html


def test_extracted_key_phrases_are_shown_marked_and_linked(client, make_paper):
    paper = make_paper(
        "Parsing sentences", categories="cs.CL", keyphrases=["dependency parsing", "treebanks"]
    )
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "extracted from the abstract" in html
    assert 'href="/search?q=%22dependency%20parsing%22">dependency parsing</a>' in html


def test_hugging_face_keywords_win_over_extracted_ones(make_paper):
    paper = make_paper("Diffusion for video", ai_keywords=["video diffusion"], keyphrases=["other phrase"])
    assert paper.keyword_list == ["video diffusion"] and not paper.keywords_extracted


def test_imported_papers_start_with_no_inferred_topics(db, tmp_path):
    """The import store writes rows with its own column lists: the new columns' database
    defaults fill them (no NOT NULL failure), and nothing is inferred until indexing."""
    import json

    from django.core.management import call_command

    record = {
        "paper": {"id": "2405.14979", "title": "CraftsMan", "summary": "Mesh generation.", "authors": []},
        "publishedAt": "2024-05-24T00:00:00.000Z",
        "title": "CraftsMan",
    }
    source = tmp_path / "hf.jsonl"
    source.write_text(json.dumps(record) + "\n")
    call_command("ingest", "file", str(source), "--no-index", stdout=StringIO(), stderr=StringIO())
    paper = Paper.objects.get(arxiv_id="2405.14979")
    assert paper.categories == "" and paper.inferred_categories == "" and paper.keyphrases == []
    assert paper.topic_categories == [] and paper.keyword_list == []
