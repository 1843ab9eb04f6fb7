"""A member's affiliation and links: the settings form, its checks, and the profile showing them."""

from __future__ import annotations

import pytest

from paperfeed.community.models import ProfileDetails
from paperfeed.community.profile_details import ProfileDetailsForm, orcid_checksum_ok

pytestmark = pytest.mark.django_db
SETTINGS = "/settings/profile"


def form(**data) -> ProfileDetailsForm:
    fields = {"affiliation": "", "homepage": "", "orcid": "", "github": "", "scholar": ""}
    return ProfileDetailsForm({**fields, **data})


def test_a_member_sets_an_affiliation_and_links_shown_on_the_profile(client, alice):
    client.force_login(alice)
    response = client.post(
        SETTINGS,
        {
            "affiliation": "University of Edinburgh",
            "homepage": "alice.example.org",
            "orcid": "0000-0002-1825-0097",
            "github": "@alice-l",
            "scholar": "https://scholar.google.com/citations?user=abc",
        },
    )
    assert response["Location"] == "/u/alice"
    details = ProfileDetails.objects.get(user=alice)
    assert details.homepage == "https://alice.example.org"
    assert details.orcid == "https://orcid.org/0000-0002-1825-0097"
    assert details.github == "https://github.com/alice-l"
    profile = client.get("/u/alice").content.decode()
    assert "University of Edinburgh" in profile
    for url in (
        "https://alice.example.org",
        "https://orcid.org/0000-0002-1825-0097",
        "https://github.com/alice-l",
    ):
        assert f'href="{url}"' in profile
    assert 'href="https://scholar.google.com/citations?user=abc"' in profile
    assert "Edit profile" in profile  # to its owner


def test_saving_again_updates_the_same_row(client, alice):
    client.force_login(alice)
    client.post(SETTINGS, {"affiliation": "First"})
    client.post(SETTINGS, {"affiliation": "Second"})
    assert list(ProfileDetails.objects.values_list("affiliation", flat=True)) == ["Second"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("homepage", "javascript:alert(1)"),
        ("homepage", "JaVaScRiPt:alert(1)"),
        ("homepage", "data:text/html,<script>alert(1)</script>"),
        ("scholar", "ftp://example.org/me"),
        ("homepage", "http://"),
        ("github", "javascript:alert(1)"),
        ("orcid", "javascript:alert(1)"),
    ],
)
def test_links_that_are_not_web_addresses_are_refused_and_nothing_is_saved(client, alice, field, value):
    client.force_login(alice)
    response = client.post(SETTINGS, {"affiliation": "Somewhere", field: value})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not ProfileDetails.objects.exists()


def test_an_orcid_id_with_a_wrong_check_digit_is_refused():
    checked = form(orcid="0000-0002-1825-0098")
    assert not checked.is_valid()
    assert "check digit" in checked.errors["orcid"][0]


def test_orcid_check_digits():
    assert orcid_checksum_ok("0000-0002-1825-0097")
    assert orcid_checksum_ok("0000-0001-5109-3700")
    assert orcid_checksum_ok("0000-0002-1694-233X")
    assert not orcid_checksum_ok("0000-0002-1694-2330")


def test_an_orcid_address_is_kept_as_its_id_page():
    checked = form(orcid="http://orcid.org/0000-0002-1694-233x")
    assert checked.is_valid(), checked.errors
    assert checked.cleaned_data["orcid"] == "https://orcid.org/0000-0002-1694-233X"


def test_an_overlong_affiliation_is_refused():
    assert "affiliation" in form(affiliation="x" * 201).errors


def test_a_visitor_is_sent_to_log_in_and_back(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/settings/profile"
    assert client.post(SETTINGS, {"affiliation": "Nowhere"}).status_code == 302
    assert not ProfileDetails.objects.exists()


def test_a_profile_without_details_shows_no_links(client, bob):
    page = client.get("/u/bob").content.decode()
    assert "profile-links" not in page and "Edit profile" not in page


def test_the_settings_page_lists_waiting_claims_to_withdraw(client, alice, make_dated_paper):
    from paperfeed.community import claims

    paper = make_dated_paper("Waiting paper", authors=("Alice Liddell",))
    claims.claim(alice, paper, "Alice Liddell")
    client.force_login(alice)
    page = client.get(SETTINGS).content.decode()
    assert "“Alice Liddell” on" in page and "Waiting for review" in page and ">Withdraw</button>" in page
