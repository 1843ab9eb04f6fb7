"""The claims queue in the admin: waiting claims first, approve and reject actions, moderators."""

from __future__ import annotations

import pytest
from django.test import Client

from paperfeed.accounts.roles import moderators_group
from paperfeed.community import claims
from paperfeed.community.models import AuthorshipClaim, ClaimStatus

pytestmark = pytest.mark.django_db
QUEUE = "/admin/community/authorshipclaim/"


@pytest.fixture
def paper(make_dated_paper):
    return make_dated_paper("Queue paper", authors=("Ada Lovelace", "Alan Turing"))


def session_of(user) -> Client:
    session = Client()
    session.force_login(user)
    return session


def run_action(session, action, ids):
    return session.post(QUEUE, {"action": action, "_selected_action": [str(i) for i in ids]}, follow=True)


def test_the_queue_lists_waiting_claims_unless_asked_for_others(staff, alice, bob, paper):
    claims.claim(alice, paper, "Ada Lovelace")
    decided = claims.claim(bob, paper, "Alan Turing")
    claims.reject(AuthorshipClaim.objects.filter(pk=decided.pk), staff)
    session = session_of(staff)
    waiting = session.get(QUEUE).content.decode()
    assert "Ada Lovelace" in waiting and "Alan Turing" not in waiting
    everything = session.get(QUEUE + "?status=all").content.decode()
    assert "Ada Lovelace" in everything and "Alan Turing" in everything


def test_staff_approve_claims_with_the_action(staff, alice, paper):
    claim = claims.claim(alice, paper, "Ada Lovelace")
    response = run_action(session_of(staff), "approve", [claim.pk])
    assert "Approved 1 claim(s)." in response.content.decode()
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ClaimStatus.APPROVED, staff)


def test_staff_reject_claims_with_the_action(staff, alice, paper):
    claim = claims.claim(alice, paper, "Ada Lovelace")
    response = run_action(session_of(staff), "reject", [claim.pk])
    assert "Rejected 1 claim(s)." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED


def test_approving_a_claim_whose_name_left_the_paper_says_why(staff, alice, paper):
    claim = claims.claim(alice, paper, "Ada Lovelace")
    paper.authorships.filter(name="Ada Lovelace").update(name="A. Lovelace")
    response = run_action(session_of(staff), "approve", [claim.pk])
    assert "no longer lists “Ada Lovelace”" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_claims_cannot_be_added_or_edited_by_hand(staff, alice, paper):
    claim = claims.claim(alice, paper, "Ada Lovelace")
    session = session_of(staff)
    assert session.get(QUEUE + "add/").status_code == 403
    session.post(f"{QUEUE}{claim.pk}/change/", {"status": "approved", "name": "Alan Turing"})
    claim.refresh_from_db()
    assert (claim.status, claim.name) == (ClaimStatus.PENDING, "Ada Lovelace")


def test_moderators_decide_claims_and_members_cannot(make_user, alice, paper):
    moderator = make_user("mod", is_staff=True)
    moderator.groups.add(moderators_group())
    claim = claims.claim(alice, paper, "Ada Lovelace")
    run_action(session_of(alice), "approve", [claim.pk])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    assert "Approved 1 claim(s)." in run_action(session_of(moderator), "approve", [claim.pk]).content.decode()


def test_the_migration_gave_the_existing_moderators_group_the_claim_rights(db):
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name="Moderators").first()
    if group is None:  # a flushed database (transactional tests ran first): the group is made on demand
        group = moderators_group()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_authorshipclaim", "change_authorshipclaim"} <= codenames


def test_staff_correct_a_profile_link_and_the_admin_refuses_script_links(staff, alice):
    from paperfeed.community.models import ProfileDetails

    details = ProfileDetails.objects.create(user=alice, affiliation="Somewhere", homepage="https://a.example")
    url = f"/admin/community/profiledetails/{details.pk}/change/"
    form = {"user": alice.pk, "affiliation": "Somewhere", "orcid": "", "github": "", "scholar": ""}
    refused = session_of(staff).post(url, {**form, "homepage": "javascript:alert(1)"})
    assert refused.status_code == 200 and "<title>Error:" in refused.content.decode()
    details.refresh_from_db()
    assert details.homepage == "https://a.example"
