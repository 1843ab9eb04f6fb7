"""Roles: staff make members moderators, who hide papers and comments in the admin and do nothing else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from paperfeed.accounts.roles import moderators_group
from paperfeed.community.models import Comment
from paperfeed.papers.models import Paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client(admin_client, client, make_user):
    member = make_user("mod")
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "make_moderators", "_selected_action": [member.pk]}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_staff and not member.is_superuser
    assert member.groups.filter(name="Moderators").exists()
    client.force_login(member)
    client.member = member
    return client


def test_the_moderators_group_has_only_hiding_and_claim_rights_even_when_made_again():
    Group.objects.filter(name="Moderators").delete()  # deleted in the admin, or flushed by a test
    group = moderators_group()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_paper", "change_paper", "view_listing", "change_listing", "view_comment", "change_comment",
        "view_authorshipclaim", "change_authorshipclaim",
    }  # fmt: skip


def test_a_moderator_hides_a_paper(moderator_client, make_paper):
    paper = make_paper()
    response = moderator_client.post(
        "/admin/papers/paper/", {"action": "hide", "_selected_action": [paper.pk]}
    )
    assert response.status_code == 302
    assert Paper.objects.get(pk=paper.pk).hidden


def test_a_moderator_hides_a_comment(moderator_client, make_paper, make_user):
    comment = Comment.objects.create(paper=make_paper(), author=make_user("writer"), body="spam")
    response = moderator_client.post(
        "/admin/community/comment/", {"action": "hide", "_selected_action": [comment.pk]}
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).hidden


def test_a_moderator_has_no_other_admin_rights(moderator_client):
    assert moderator_client.get("/admin/accounts/user/").status_code == 403
    assert moderator_client.get("/admin/accounts/invite/").status_code == 403
    assert moderator_client.get("/admin/auth/group/").status_code == 403


def test_removing_a_moderator_takes_the_rights_away(admin_client, moderator_client):
    member = moderator_client.member
    admin_client.post(
        "/admin/accounts/user/", {"action": "remove_moderators", "_selected_action": [member.pk]}
    )
    member.refresh_from_db()
    assert not member.is_staff and not member.groups.exists()
