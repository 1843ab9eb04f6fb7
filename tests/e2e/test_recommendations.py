"""Recommendations in a real browser: importing a library, "not interested", and reset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

BIB = b"""@article{vaswani2017,
  title = {Attention Is All You Need},
  eprint = {1706.03762}, archivePrefix = {arXiv},
}
@article{lost2020,
  title = {A Paper This Site Does Not Have},
}
@article{broken,
  title = {Unclosed
"""


def test_a_reader_imports_a_bibtex_library_and_sees_the_match_report(
    page, make_paper, make_user, log_in, screenshot
):
    from paperfeed.community.models import LibraryEntry

    paper = make_paper("Attention Is All You Need", arxiv_id="1706.03762")
    user = make_user("importer")
    log_in(page, user)

    page.goto("/for-you/")
    page.get_by_role("link", name="Start", exact=True).click()
    page.get_by_label("Library file").set_input_files(
        {"name": "library.bib", "mimeType": "application/x-bibtex", "buffer": BIB}
    )
    page.get_by_role("button", name="Import").click()

    summary = page.locator(".import-summary")
    assert re.search(r"1 of 2 entries matched", summary.inner_text())
    assert page.get_by_role("link", name="Attention Is All You Need").is_visible()
    assert page.get_by_text("No paper here has this title").is_visible()
    assert page.get_by_text(re.compile(r"^line 8: the entry is not closed")).is_visible()
    screenshot(page, "library-import-report")
    assert list(LibraryEntry.objects.filter(user=user).values_list("paper_id", flat=True)) == [paper.pk]


@pytest.fixture
def reader_with_a_pick(make_paper, make_user):
    from paperfeed.community.models import Vote

    today = datetime.now(UTC).date()
    liked = make_paper(
        "Graph neural networks for molecules",
        abstract="Message passing graph neural networks predict molecule properties.",
        published=datetime.now(UTC) - timedelta(days=300),
    )
    pick = make_paper(
        "Equivariant graph neural networks for molecule graphs",
        abstract="Equivariant message passing graph neural networks over molecule graphs.",
        listed_on=today,
    )
    user = make_user("reader")
    Vote.objects.create(user=user, paper=liked)
    return user, pick


def test_a_paper_marked_not_interested_disappears_and_stays_away(
    page, log_in, reader_with_a_pick, screenshot
):
    user, pick = reader_with_a_pick
    log_in(page, user)
    page.goto("/for-you/")
    card = page.locator(f"#title-{pick.pk}")
    assert card.is_visible()
    assert page.get_by_text(re.compile(r"^Why this\?")).first.is_visible()

    page.get_by_role("button", name=f"Not interested in “{pick.title}”").click()
    page.wait_for_selector(f"#title-{pick.pk}", state="hidden")
    screenshot(page, "for-you-not-interested")

    page.reload()
    assert page.locator(f"#title-{pick.pk}").count() == 0


def test_not_interested_works_without_javascript(page_without_js, log_in, reader_with_a_pick):
    user, pick = reader_with_a_pick
    log_in(page_without_js, user)
    page_without_js.goto("/for-you/")

    page_without_js.get_by_role("button", name=f"Not interested in “{pick.title}”").click()

    assert page_without_js.url.endswith("/for-you/")
    assert page_without_js.get_by_text("you will see fewer papers like it").is_visible()
    assert page_without_js.locator(f"#title-{pick.pk}").count() == 0


def test_a_reader_resets_their_recommendations(page, log_in, reader_with_a_pick, screenshot):
    from paperfeed.community.models import NotInterested
    from paperfeed.community.reader_signals import liked

    user, pick = reader_with_a_pick
    NotInterested.objects.create(user=user, paper=pick)
    log_in(page, user)
    page.goto("/settings/recommendations")
    assert page.get_by_role("link", name="Graph neural networks for molecules").is_visible()

    page.get_by_role("link", name="Reset recommendations…").click()
    page.get_by_role("button", name="Reset recommendations").click()

    assert page.get_by_text("Your recommendations were reset").is_visible()
    screenshot(page, "recommendations-reset")
    assert not NotInterested.objects.filter(user=user).exists()
    assert not liked(user).exists()
    page.goto("/for-you/")
    assert page.get_by_text("Start in a minute").is_visible()
