"""Members-only mode: with PAPERFEED_MEMBERS_ONLY on, nothing is read without an account.

Pages send visitors to sign in, the API answers 401 JSON (a token still works), feeds answer 403
unless read at a member's secret address. Sign-in, static files and /healthz stay open, and pages
cached for visitors before the switch are never served to one after it.
"""

from __future__ import annotations

import pytest

from paperfeed.accounts.feed_keys import key_for
from paperfeed.api.tokens import issue_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def members_only(settings):
    settings.MEMBERS_ONLY = True
    return settings


def test_an_anonymous_page_request_is_sent_to_sign_in_and_back(
    client, members_only, make_paper, make_listing
):
    make_listing(make_paper())
    response = client.get("/?sort=trending")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/%3Fsort%3Dtrending"


def test_an_anonymous_api_read_gets_401_json_saying_how_to_get_in(client, members_only):
    response = client.get("/api/daily_papers")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "members only" in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_anonymous_feed_request_gets_403(client, members_only):
    response = client.get("/feeds/daily.atom")
    assert response.status_code == 403
    assert b"your own feed address" in response.content


def test_members_read_pages_api_and_feeds(user_client, members_only, make_paper, make_listing):
    make_listing(make_paper())
    assert user_client.get("/").status_code == 200
    assert user_client.get("/api/daily_papers").status_code == 200
    assert user_client.get("/feeds/daily.atom").status_code == 200


def test_a_token_reads_the_api_and_a_wrong_one_is_named(client, members_only, make_user):
    _, secret = issue_token(make_user(), "script")
    ok = client.get("/api/daily_papers", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ok.status_code == 200
    wrong = client.get("/api/daily_papers", HTTP_AUTHORIZATION="Bearer pf_mistyped")
    assert wrong.status_code == 401
    assert "not valid" in wrong.json()["error"]


def test_a_feed_reader_reads_at_the_members_secret_address(
    client, members_only, make_user, make_paper, make_listing
):
    listing = make_listing(make_paper())
    member = make_user()
    response = client.get("/feeds/daily.atom", {"key": key_for(member)})
    assert response.status_code == 200
    assert listing.paper.title.encode() in response.content


def test_a_forged_or_stale_feed_key_gets_403(client, members_only, make_user):
    member = make_user()
    key = key_for(member)
    assert client.get("/feeds/daily.atom", {"key": key + "x"}).status_code == 403
    member.set_password("a new password for this member")
    member.save()
    stale = client.get("/feeds/daily.atom", {"key": key})
    assert stale.status_code == 403
    assert b"not valid" in stale.content


def test_a_deactivated_members_key_stops_working(client, members_only, make_user):
    member = make_user()
    key = key_for(member)
    member.is_active = False
    member.save()
    assert client.get("/feeds/daily.atom", {"key": key}).status_code == 403


def test_sign_in_sign_up_static_files_and_the_health_check_stay_open(client, members_only):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/signup/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)  # open; whether healthy is not the point
    assert client.get("/static/paperfeed/site.css").status_code == 200


def test_pages_cached_for_visitors_are_not_served_once_the_site_is_members_only(
    client, settings, make_paper, make_listing
):
    listing = make_listing(make_paper())
    for path in ("/", "/feeds/daily.atom", "/api/daily_papers"):
        assert listing.paper.title in client.get(path).content.decode()  # now in the visitor cache
    settings.MEMBERS_ONLY = True
    assert client.get("/").status_code == 302
    assert client.get("/feeds/daily.atom").status_code == 403
    assert client.get("/api/daily_papers").status_code == 401


def test_with_the_setting_off_visitors_read_everything(client, make_paper, make_listing):
    make_listing(make_paper())
    assert client.get("/").status_code == 200
    assert client.get("/api/daily_papers").status_code == 200
    assert client.get("/feeds/daily.atom").status_code == 200


def test_a_member_finds_their_feed_address_on_their_access_page(
    user_client, members_only, make_paper, make_listing
):
    listing = make_listing(make_paper())
    page = user_client.get("/settings/tokens").content.decode()
    address = page.split('id="feed-address">', 1)[1].split("<", 1)[0].replace("&amp;", "&")
    assert address.startswith(f"{members_only.BASE_URL}/feeds/daily.atom?key=")
    user_client.logout()
    feed = user_client.get(address.removeprefix(members_only.BASE_URL))
    assert feed.status_code == 200 and listing.paper.title in feed.content.decode()


def test_without_members_only_the_access_page_shows_no_feed_address(user_client):
    assert 'id="feed-address"' not in user_client.get("/settings/tokens").content.decode()
