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
