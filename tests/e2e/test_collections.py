"""Collections in a real browser: make one from a paper's page, find it on the profile."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_collects_a_paper_into_a_new_collection_and_finds_it_on_the_profile(
    page, make_paper, make_user, log_in, screenshot
):
    from paperfeed.community.models import Collection

    paper = make_paper("A paper to keep", listed_on=datetime.now(UTC).date())
    log_in(page, make_user("keeper"))
    page.goto(paper.get_absolute_url())

    page.get_by_label("Title").fill("Reading group, week 1")
    page.get_by_role("button", name="Create and add").click()
    toggle = page.get_by_role("button", name=re.compile(r"Remove from Reading group, week 1"))
    toggle.wait_for()
    assert toggle.get_attribute("aria-pressed") == "true"
    screenshot(page, "paper-collections")
    collection = Collection.objects.get(title="Reading group, week 1")
    assert list(collection.papers.all()) == [paper]

    page.get_by_role("navigation", name="Main").get_by_role("link", name="keeper").click()
    page.get_by_role("navigation", name="Profile sections").get_by_role(
        "link", name=re.compile(r"^Collections")
    ).click()
    page.get_by_role("link", name="Reading group, week 1").click()
    page.wait_for_url(re.compile(rf"/collections/{collection.pk}$"))
    assert page.get_by_role("link", name="A paper to keep").first.is_visible()
    screenshot(page, "collection-page")

    # Taking it out again leaves the collection empty.
    page.goto(paper.get_absolute_url())
    page.get_by_role("button", name=re.compile(r"Remove from Reading group, week 1")).click()
    page.get_by_role("button", name=re.compile(r"Add to Reading group, week 1")).wait_for()
    assert collection.papers.count() == 0
