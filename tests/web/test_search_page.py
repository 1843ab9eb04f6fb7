"""The search page for a signed-in reader: papers they marked "not interested" are left out."""

from __future__ import annotations

import pytest

from paperfeed.community.models import NotInterested

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed_papers(make_paper, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SEARCH_BACKEND = "local"
    papers = [
        make_paper("Tokamak plasma control with reinforcement learning", abstract="Plasma shapes steered."),
        make_paper("Tokamak disruption prediction", abstract="Forecasting plasma disruptions in tokamaks."),
    ]
    from paperfeed.search import sync

    sync.rebuild()
    return papers


def test_a_paper_marked_not_interested_is_left_out_of_the_readers_results(client, make_user, indexed_papers):
    control, disruption = indexed_papers
    reader = make_user("reader")
    NotInterested.objects.create(user=reader, paper=control)

    anonymous = client.get("/search", {"q": "tokamak plasma"}).content.decode()
    client.force_login(reader)
    signed_in = client.get("/search", {"q": "tokamak plasma"}).content.decode()

    assert control.title in anonymous and disruption.title in anonymous
    assert control.title not in signed_in and disruption.title in signed_in
