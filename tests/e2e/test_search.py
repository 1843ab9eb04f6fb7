"""Searching in a real browser: one query box, and on a phone the first result without scrolling."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def indexed(make_paper, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    from paperfeed.search import sync

    papers = [
        make_paper(
            "Machine Unlearning for Large Language Models via Gradient Ascent",
            abstract="We remove the influence of chosen training examples from a trained language model.",
            authors=("Grace Hopper", "Alan Turing"),
            categories="cs.LG cs.CL",
        ),
        make_paper(
            "Certified Data Deletion in Neural Networks",
            abstract="Certified removal makes a network behave as if a deleted record was never seen.",
            categories="cs.LG",
        ),
    ]
    sync.rebuild()
    return papers


def test_on_a_phone_the_first_result_is_on_the_first_screen(page, indexed, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/search?q=unlearning+language+models&cat=cs.LG")
    first = page.locator("ol.search-results > li").first
    first.wait_for()
    box = first.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < PHONE["height"], f"the first result starts at {box['y']:.0f}px"
    assert page.evaluate("window.scrollY") == 0
    screenshot(page, "search-phone")


def test_the_header_box_is_the_only_query_box_and_a_new_query_keeps_the_filters(page, indexed):
    page.goto("/search?q=unlearning&cat=cs.LG")
    assert page.locator('input[type="search"]').count() == 1
    box = page.get_by_role("searchbox", name="Search papers")
    box.fill("certified deletion")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=certified\+deletion&cat=cs\.LG"))
    assert "Certified Data Deletion" in page.locator("ol.search-results").inner_text()


def test_an_arxiv_id_in_the_box_opens_the_paper(page, indexed):
    target = indexed[1]
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search papers")
    box.fill(target.arxiv_id)
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape(target.get_absolute_url()) + "$"))
