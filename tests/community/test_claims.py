"""Authorship claims: filing one ("This is me"), every paper of a name, the refusals, and what an
approved claim changes (profile, author badge, recommendations)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from paperfeed.community import claims
from paperfeed.community.models import AuthorshipClaim, ClaimStatus, Comment
from paperfeed.community.reader_signals import has_signals, own_paper_ids
from paperfeed.papers.models import Authorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(make_dated_paper):
    return make_dated_paper("Claimable results", authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"))


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def approve(claim, moderator=None):
    claims.approve(AuthorshipClaim.objects.filter(pk=claim.pk), moderator)
    claim.refresh_from_db()
    return claim


# Filing a claim from the paper page.


def test_a_member_claims_a_name_on_the_paper_and_it_waits_for_review(client, alice, paper):
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/claim", {"name": "Alan Turing"})
    assert response.status_code == 302 and response["Location"] == paper.get_absolute_url()
    claim = AuthorshipClaim.objects.get()
    assert (claim.user, claim.paper, claim.name, claim.status) == (alice, paper, "Alan Turing", "pending")
    assert any("waiting" in m or "review" in m for m in said(response))
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "You claimed “Alan Turing” on this paper: waiting for review" in page
    assert "This is me: Ada Lovelace" not in page  # one name per member and paper


def test_the_paper_page_offers_each_open_name_to_claim(client, alice, bob, paper):
    claims.claim(bob, paper, "Grace Hopper")
    client.force_login(alice)
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "This is me: Ada Lovelace" in page and "This is me: Alan Turing" in page
    assert "This is me: Grace Hopper" not in page  # bob's claim holds it


def test_a_name_is_matched_whatever_its_case_and_stored_as_the_paper_spells_it(alice, paper):
    assert claims.claim(alice, paper, "  alan   TURING ").name == "Alan Turing"


@pytest.mark.parametrize("name", ["Charles Babbage", "Alan", "Ada Lovelace, Alan Turing"])
def test_a_name_not_on_the_paper_is_refused_and_nothing_is_stored(client, alice, paper, name):
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/claim", {"name": name}, follow=True)
    assert "is not an author of this paper" in response.content.decode()
    assert not AuthorshipClaim.objects.exists()


@pytest.mark.parametrize("name", ["Alan\x00Turing", "\x00", "Alan Turing\x1b"])
def test_a_name_with_control_characters_is_refused(client, alice, paper, name):
    client.force_login(alice)
    on_paper = client.post(f"/papers/{paper.arxiv_id}/claim", {"name": name}, follow=True)
    assert "An author name holds no control characters." in on_paper.content.decode()
    by_name = client.post("/claims/by-name", {"name": name})
    assert by_name.status_code == 400
    assert "An author name holds no control characters." in by_name.content.decode()
    with pytest.raises(claims.ClaimError):
        claims.claim_name(alice, name)
    assert not AuthorshipClaim.objects.exists()


def test_an_empty_name_is_a_clear_400(client, alice, paper):
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/claim", {"name": "  "})
    assert response.status_code == 400 and "names no author" in response.content.decode()
    assert not AuthorshipClaim.objects.exists()


def test_a_hidden_author_cannot_be_claimed(alice, make_dated_paper):
    paper = make_dated_paper(authors=("Shown Author", "Hidden Author"))
    Authorship.objects.filter(paper=paper, name="Hidden Author").update(hidden=True)
    with pytest.raises(claims.ClaimError) as refused:
        claims.claim(alice, paper, "Hidden Author")
    assert refused.value.code == "not_on_paper"


def test_claiming_the_same_name_twice_is_refused(alice, paper):
    claims.claim(alice, paper, "Alan Turing")
    with pytest.raises(claims.ClaimError) as refused:
        claims.claim(alice, paper, "Alan Turing")
    assert "waiting for review" in refused.value.message
    assert AuthorshipClaim.objects.count() == 1


def test_a_member_claims_one_name_per_paper(alice, paper):
    claims.claim(alice, paper, "Alan Turing")
    with pytest.raises(claims.ClaimError) as refused:
        claims.claim(alice, paper, "Ada Lovelace")
    assert "You already claimed “Alan Turing”" in refused.value.message
    assert AuthorshipClaim.objects.count() == 1


@pytest.mark.parametrize("first_status", [ClaimStatus.PENDING, ClaimStatus.APPROVED])
def test_a_name_claimed_by_someone_else_is_refused(client, alice, bob, paper, first_status):
    AuthorshipClaim.objects.create(user=bob, paper=paper, name="Alan Turing", status=first_status)
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/claim", {"name": "Alan Turing"}, follow=True)
    assert "already claimed by another member" in response.content.decode()
    assert AuthorshipClaim.objects.count() == 1


def test_an_approved_name_is_already_yours(alice, paper):
    approve(claims.claim(alice, paper, "Alan Turing"))
    with pytest.raises(claims.ClaimError) as refused:
        claims.claim(alice, paper, "Alan Turing")
    assert "already yours" in refused.value.message


def test_a_rejected_claim_frees_the_name(alice, bob, paper):
    first = claims.claim(bob, paper, "Alan Turing")
    claims.reject(AuthorshipClaim.objects.filter(pk=first.pk), None)
    assert claims.claim(alice, paper, "Alan Turing").status == ClaimStatus.PENDING
    assert AuthorshipClaim.objects.count() == 2


def test_the_database_holds_one_active_claim_per_name_and_per_member(alice, bob, paper):
    AuthorshipClaim.objects.create(user=bob, paper=paper, name="Alan Turing")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorshipClaim.objects.create(user=alice, paper=paper, name="Alan Turing")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorshipClaim.objects.create(user=bob, paper=paper, name="Ada Lovelace")


def test_a_name_an_import_linked_to_a_members_account_is_taken(alice, bob, paper):
    Authorship.objects.filter(paper=paper, name="Alan Turing").update(user=bob)
    with pytest.raises(claims.ClaimError) as refused:
        claims.claim(alice, paper, "Alan Turing")
    assert refused.value.code == "already_claimed"
    with pytest.raises(claims.ClaimError) as own:
        claims.claim(bob, paper, "Alan Turing")
    assert own.value.code == "already_yours"


def test_a_name_linked_to_an_imported_account_can_still_be_claimed(alice, make_user, paper):
    hf_account = make_user("hf-turing", imported=True)
    Authorship.objects.filter(paper=paper, name="Alan Turing").update(user=hf_account)
    assert claims.claim(alice, paper, "Alan Turing").status == ClaimStatus.PENDING


def test_unknown_and_hidden_papers_take_no_claims(client, alice, make_dated_paper):
    hidden = make_dated_paper(hidden=True)
    client.force_login(alice)
    assert client.post(f"/papers/{hidden.arxiv_id}/claim", {"name": "Ada Lovelace"}).status_code == 404
    assert client.post("/papers/2501.99999/claim", {"name": "Ada Lovelace"}).status_code == 404
    assert client.get(f"/papers/{hidden.arxiv_id}/claim").status_code == 405
    assert not AuthorshipClaim.objects.exists()


# The sign-in wall.


def test_a_visitor_is_sent_to_log_in_and_the_claim_is_filed_after(client, alice, paper):
    response = client.post(f"/papers/{paper.arxiv_id}/claim", {"name": "Alan Turing"})
    assert response["Location"] == "/accounts/login/?next=/continue"
    assert not AuthorshipClaim.objects.exists()
    assert any("Log in to claim “Alan Turing”" in m for m in said(response))
    client.force_login(alice)
    back = client.get("/continue")
    assert back["Location"] == paper.get_absolute_url()
    assert AuthorshipClaim.objects.get().user == alice


def test_a_visitor_claiming_a_name_from_the_author_page_gets_it_after_logging_in(client, alice, paper):
    response = client.post("/claims/by-name", {"name": "Alan Turing"})
    assert response["Location"] == "/accounts/login/?next=/continue"
    client.force_login(alice)
    assert client.get("/continue")["Location"] == "/authors/Alan%20Turing"
    assert AuthorshipClaim.objects.get().paper == paper


# Every paper of a name.


def test_claiming_a_name_files_one_claim_per_paper_and_skips_taken_ones(client, alice, bob, make_dated_paper):
    papers = [make_dated_paper(authors=("Kaiming He", f"Co Author {i}")) for i in range(3)]
    lower = make_dated_paper(authors=("kaiming he",))  # the same spelling in another case
    make_dated_paper(authors=("Kaiming Hex",))  # another name
    claims.claim(bob, papers[0], "Kaiming He")
    client.force_login(alice)
    response = client.post("/claims/by-name", {"name": "Kaiming He", "next": "/authors/Kaiming%20He"})
    assert response["Location"] == "/authors/Kaiming%20He"
    assert "You claimed “Kaiming He” on 3 papers. 1 already claimed were left out." in said(response)[0]
    mine = AuthorshipClaim.objects.filter(user=alice)
    assert {c.paper_id for c in mine} == {papers[1].pk, papers[2].pk, lower.pk}
    assert mine.get(paper=lower).name == "kaiming he"
    assert AuthorshipClaim.objects.get(paper=papers[0]).user == bob


def test_claiming_a_name_again_is_refused_with_nothing_new(alice, make_dated_paper):
    make_dated_paper(authors=("Kaiming He",))
    claims.claim_name(alice, "Kaiming He")
    with pytest.raises(claims.ClaimError) as refused:
        claims.claim_name(alice, "Kaiming He")
    assert refused.value.code == "already_claimed"
    assert AuthorshipClaim.objects.count() == 1


def test_claiming_a_name_no_paper_lists_is_refused(client, alice):
    client.force_login(alice)
    response = client.post("/claims/by-name", {"name": "Nobody Here"}, follow=True)
    assert "No paper on this site lists an author named “Nobody Here”" in response.content.decode()
    assert not AuthorshipClaim.objects.exists()


def test_a_name_shared_by_too_many_papers_is_claimed_paper_by_paper(alice, make_dated_paper, monkeypatch):
    monkeypatch.setattr(claims, "MAX_PAPERS_PER_NAME_CLAIM", 2)
    for _ in range(3):
        make_dated_paper(authors=("Wei Wang",))
    with pytest.raises(claims.ClaimError) as refused:
        claims.claim_name(alice, "Wei Wang")
    assert refused.value.code == "too_many_papers"
    assert not AuthorshipClaim.objects.exists()


def test_the_author_page_offers_to_claim_every_paper(client, alice, make_dated_paper):
    make_dated_paper(authors=("Kaiming He",))
    make_dated_paper(authors=("Kaiming He",))
    page = client.get("/authors/Kaiming He").content.decode()
    assert "This is me: claim all 2 papers" in page and 'action="/claims/by-name"' in page


# Withdrawing.


def test_a_member_withdraws_a_waiting_claim(client, alice, paper):
    claim = claims.claim(alice, paper, "Alan Turing")
    client.force_login(alice)
    client.post(f"/claims/{claim.pk}/withdraw")
    assert not AuthorshipClaim.objects.exists()


def test_only_ones_own_waiting_claims_can_be_withdrawn(client, alice, bob, paper, make_dated_paper):
    others = claims.claim(bob, paper, "Alan Turing")
    decided = approve(claims.claim(alice, make_dated_paper(), "Ada Lovelace"))
    client.force_login(alice)
    assert "no such claim" in client.post(f"/claims/{others.pk}/withdraw", follow=True).content.decode()
    refused = client.post(f"/claims/{decided.pk}/withdraw", follow=True)
    assert "Only a claim waiting" in refused.content.decode()
    assert AuthorshipClaim.objects.count() == 2


# What an approved claim changes.


def test_approving_puts_the_paper_on_the_profile_and_the_name_links_to_it(client, alice, paper):
    claim = approve(claims.claim(alice, paper, "Alan Turing"))
    assert claim.status == ClaimStatus.APPROVED and claim.decided_at is not None
    profile = client.get("/u/alice").content.decode()
    assert "Claimable results" in profile and "Papers <span" in profile
    page = client.get(paper.get_absolute_url()).content.decode()
    assert 'href="/u/alice"' in page and "@alice" in page


def test_a_waiting_or_rejected_claim_puts_nothing_on_the_profile(client, alice, bob, paper):
    claims.claim(alice, paper, "Alan Turing")
    refused = claims.claim(bob, paper, "Ada Lovelace")
    claims.reject(AuthorshipClaim.objects.filter(pk=refused.pk), None)
    assert "Claimable results" not in client.get("/u/alice").content.decode()
    assert "Claimable results" not in client.get("/u/bob").content.decode()


def article(page: str, comment) -> str:
    start = page.index(f'id="comment-{comment.pk}"')
    return page[start : page.index("</article>", start)]


def test_comments_of_the_papers_authors_carry_the_author_badge(client, alice, bob, paper):
    approve(claims.claim(alice, paper, "Alan Turing"))
    by_author = Comment.objects.create(paper=paper, author=alice, body="I wrote this.")
    by_reader = Comment.objects.create(paper=paper, author=bob, body="I read this.")
    reply = Comment.objects.create(paper=paper, author=alice, body="Thanks.", parent=by_reader)
    page = client.get(paper.get_absolute_url()).content.decode()
    assert ">author</span>" in article(page, by_author)
    assert ">author</span>" in article(page, reply)
    assert "author-badge" not in article(page, by_reader)


def test_a_waiting_claim_gives_no_badge(client, alice, paper):
    claims.claim(alice, paper, "Alan Turing")
    comment = Comment.objects.create(paper=paper, author=alice, body="Mine, once approved.")
    assert "author-badge" not in article(client.get(paper.get_absolute_url()).content.decode(), comment)


def test_the_author_badge_costs_no_query_per_comment(client, alice, bob, paper):
    approve(claims.claim(alice, paper, "Alan Turing"))
    Comment.objects.create(paper=paper, author=alice, body="First.")
    client.get(paper.get_absolute_url())  # warm caches (the related-papers index, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(paper.get_absolute_url())
    for i in range(6):
        Comment.objects.create(paper=paper, author=bob if i % 2 else alice, body=f"More {i}.")
    with CaptureQueriesContext(connection) as many:
        page = client.get(paper.get_absolute_url()).content.decode()
    assert page.count("author-badge") == 4
    assert len(many) == len(few)


def test_a_claim_stops_counting_when_the_paper_no_longer_lists_the_name(client, alice, paper):
    approve(claims.claim(alice, paper, "Alan Turing"))
    # A newer import rewrote the author list.
    Authorship.objects.filter(paper=paper, name="Alan Turing").update(name="A. M. Turing")
    assert list(claims.authored_papers(alice)) == []


def test_a_claim_outlives_an_import_that_rewrites_the_authorships(alice, paper):
    approve(claims.claim(alice, paper, "Alan Turing"))
    Authorship.objects.filter(paper=paper).delete()
    Authorship.objects.bulk_create(
        Authorship(paper=paper, position=i, name=n) for i, n in enumerate(["Alan Turing", "Ada Lovelace"])
    )
    assert list(claims.authored_papers(alice)) == [paper]


def test_approval_skips_a_claim_whose_name_left_the_paper(alice, paper):
    claim = claims.claim(alice, paper, "Alan Turing")
    Authorship.objects.filter(paper=paper, name="Alan Turing").delete()
    result = claims.approve(AuthorshipClaim.objects.filter(pk=claim.pk), None)
    assert result.done == 0 and "no longer lists “Alan Turing”" in result.skipped[0]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_revoking_an_approved_claim_takes_the_paper_off_the_profile(alice, paper):
    claim = approve(claims.claim(alice, paper, "Alan Turing"))
    claims.reject(AuthorshipClaim.objects.filter(pk=claim.pk), None)
    assert list(claims.authored_papers(alice)) == []


def test_approved_papers_feed_the_recommendations(alice, paper, make_dated_paper):
    other = make_dated_paper()
    assert not has_signals(alice)
    claims.claim(alice, paper, "Alan Turing")
    assert set(own_paper_ids(alice).values_list("paper_id", flat=True)) == set()
    approve(AuthorshipClaim.objects.get())
    assert has_signals(alice)
    assert {row["paper_id"] for row in own_paper_ids(alice)} == {paper.pk}
    assert other.pk not in {row["paper_id"] for row in own_paper_ids(alice)}


def test_an_imported_accounts_linked_authorships_are_its_papers(client, make_user, paper):
    hf_account = make_user("hf-hopper", imported=True)
    Authorship.objects.filter(paper=paper, name="Grace Hopper").update(user=hf_account)
    assert list(claims.authored_papers(hf_account)) == [paper]
    assert "Claimable results" in client.get("/u/hf-hopper").content.decode()


def test_the_recommendations_take_approved_papers_as_the_readers_own(alice, paper, make_dated_paper):
    from paperfeed.recommend.signals import signals_of

    make_dated_paper(authors=("Alan Turing",))  # the same name, not claimed by alice
    approve(claims.claim(alice, paper, "Alan Turing"))
    positives = signals_of(alice).positives
    assert [(p.paper_id, p.kind) for p in positives] == [(paper.pk, "own")]
