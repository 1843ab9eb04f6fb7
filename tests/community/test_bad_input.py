"""Bad input gets a clear 4xx page, never a server error."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.mark.parametrize(
    "url",
    [
        f"/collections/{HUGE}",
        f"/comments/{HUGE}/edit",
        "/u/alice?page=-1",
        "/u/alice?tab=upvoted&page=99999999999999999999999",
        "/collections/1?page=abc",
        "/u/%E2%98%83",
    ],
)
def test_odd_urls_are_404_not_500(client, alice, url):
    client.force_login(alice)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (f"/collections/{HUGE}/add", {"paper": "2411.01234"}),
        ("/papers/2411.01234/upvote", {"action": "up"}),
        (f"/comments/{HUGE}/delete", {}),
    ],
)
def test_odd_posts_are_404_not_500(client, alice, url, data):
    client.force_login(alice)
    assert client.post(url, data).status_code == 404


def test_an_overlong_submission_is_refused_clearly(client, alice):
    client.force_login(alice)
    response = client.post("/papers/submit", {"paper": "x" * 5000})
    assert response.status_code == 400
    assert "too long to be an arXiv id" in response.content.decode()


def test_a_version_number_no_paper_can_have_is_refused_clearly(client, alice):
    client.force_login(alice)
    response = client.post("/papers/submit", {"paper": "2411.01234v" + "9" * 40})
    assert response.status_code == 400
    assert "the version number is too large" in response.content.decode()


def test_an_oversized_comment_is_a_413_page_and_saves_nothing(client, alice, make_paper, settings):
    from paperfeed.community.models import Comment

    make_paper(arxiv_id="2411.01234")
    client.force_login(alice)
    response = client.post(
        "/papers/2411.01234/comments", {"body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    )
    assert response.status_code == 413
    assert "larger than this site accepts" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("username", ["lab/member", "../x", "a b?c#d"])
def test_a_profile_can_be_reached_whatever_its_stored_name(client, username):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    get_user_model().objects.create(username=username)
    response = client.get(reverse("community:profile", args=[username]))
    assert response.status_code == 200
    assert response.context["person"].username == username


def test_a_profile_address_with_a_nul_is_a_404(client):
    assert client.get("/u/%00").status_code == 404
