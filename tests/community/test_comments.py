"""Comments: Markdown, one level of replies, own edits and deletes, rate limits, moderation."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from paperfeed.community.models import Comment

pytestmark = pytest.mark.django_db


def post(client, paper, body, parent=None):
    data = {"body": body}
    if parent is not None:
        data["parent"] = parent.pk
    return client.post(f"/papers/{paper.arxiv_id}/comments", data)


def test_a_comment_is_posted_and_shown_with_markdown(client, alice, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    response = post(client, paper, "Nice **result**; see [the code](https://github.com/x/y).")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/papers/{paper.arxiv_id}#comment-{comment.pk}"
    html = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    assert "Nice <strong>result</strong>" in html
    assert 'href="https://github.com/x/y" rel="nofollow noopener noreferrer"' in html
    assert f'id="comment-{comment.pk}"' in html
    assert "Alice Liddell" in html


def test_an_xss_attempt_is_stored_as_written_but_shown_harmless(client, alice, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    attack = "<script>alert('x')</script> [click](javascript:alert(1)) <img src=x onerror=alert(2)>"
    post(client, paper, attack)
    assert Comment.objects.get().body == attack
    html = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    body = html.split('class="comment-body">', 1)[1].split("</div>", 1)[0]
    assert "&lt;script&gt;" in body and "&lt;img" in body  # shown as text
    assert "<script" not in body and "<img" not in body
    assert "<a " not in body  # the javascript: link is not made a link


def test_a_reply_hangs_under_its_comment(client, alice, bob, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    post(client, paper, "Top-level question")
    top = Comment.objects.get()
    client.force_login(bob)
    post(client, paper, "An answer", parent=top)
    reply = Comment.objects.exclude(pk=top.pk).get()
    assert reply.parent == top
    html = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    replies = html.split('class="comment-replies"', 1)[1]
    assert "An answer" in replies


def test_a_reply_to_a_reply_attaches_to_the_top_level_comment(client, alice, bob, make_dated_paper):
    paper = make_dated_paper()
    top = Comment.objects.create(paper=paper, author=alice, body="top")
    first = Comment.objects.create(paper=paper, author=bob, parent=top, body="first reply")
    client.force_login(alice)
    post(client, paper, "reply to the reply", parent=first)
    assert Comment.objects.get(body="reply to the reply").parent == top


def test_replying_to_a_comment_on_another_paper_is_refused(client, alice, make_dated_paper):
    paper, other = make_dated_paper(), make_dated_paper()
    elsewhere = Comment.objects.create(paper=other, author=alice, body="elsewhere")
    client.force_login(alice)
    response = post(client, paper, "sneaky", parent=elsewhere)
    assert response.status_code == 400
    assert "does not exist on this paper" in response.content.decode()
    assert not Comment.objects.filter(body="sneaky").exists()


def test_an_empty_comment_gets_a_clear_error(client, alice, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    response = post(client, paper, "   ")
    assert response.status_code == 400
    assert "the comment is empty" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_too_long_comment_gets_a_clear_error_and_keeps_the_text(client, alice, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    response = post(client, paper, "x" * 10_001)
    html = response.content.decode()
    assert response.status_code == 400
    assert "at most 10000 characters; this one has 10001" in html
    assert "x" * 10_001 in html  # nothing typed is lost
    assert not Comment.objects.exists()


def test_the_rate_limit_stops_a_burst_with_429(client, alice, make_dated_paper, settings):
    settings.COMMENTS_PER_MINUTE = 3
    paper = make_dated_paper()
    client.force_login(alice)
    for n in range(3):
        assert post(client, paper, f"comment {n}").status_code == 302
    response = post(client, paper, "one too many")
    assert response.status_code == 429
    html = response.content.decode()
    assert "at most 3 comments a minute" in html
    assert "one too many" in html
    assert Comment.objects.count() == 3


def test_the_rate_limit_counts_only_the_last_minute(client, alice, make_dated_paper, settings):
    settings.COMMENTS_PER_MINUTE = 1
    paper = make_dated_paper()
    old = Comment.objects.create(paper=paper, author=alice, body="earlier")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(seconds=61))
    client.force_login(alice)
    assert post(client, paper, "a minute later").status_code == 302


def test_anonymous_visitors_see_a_log_in_link_instead_of_a_form(client, make_dated_paper):
    paper = make_dated_paper()
    html = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    assert "to comment" in html and "/accounts/login/?next=" in html
    assert 'id="new-comment"' not in html
    response = post(client, paper, "drive-by")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_authors_edit_their_own_comments(client, alice, make_dated_paper):
    paper = make_dated_paper()
    comment = Comment.objects.create(paper=paper, author=alice, body="tpyo")
    client.force_login(alice)
    form = client.get(f"/comments/{comment.pk}/edit")
    assert form.status_code == 200 and "tpyo" in form.content.decode()
    response = client.post(f"/comments/{comment.pk}/edit", {"body": "typo fixed"})
    assert response["Location"] == f"/papers/{paper.arxiv_id}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.body == "typo fixed" and comment.edited_at is not None
    assert "edited" in client.get(f"/papers/{paper.arxiv_id}").content.decode()


def test_nobody_edits_or_deletes_someone_elses_comment(client, alice, bob, make_dated_paper):
    paper = make_dated_paper()
    comment = Comment.objects.create(paper=paper, author=alice, body="mine")
    client.force_login(bob)
    assert client.get(f"/comments/{comment.pk}/edit").status_code == 403
    assert client.post(f"/comments/{comment.pk}/edit", {"body": "yours now"}).status_code == 403
    response = client.post(f"/comments/{comment.pk}/delete")
    assert response.status_code == 403
    assert "only change your own comments" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "mine" and not comment.deleted


def test_the_edit_and_delete_links_show_only_on_your_own_comments(client, alice, bob, make_dated_paper):
    paper = make_dated_paper()
    comment = Comment.objects.create(paper=paper, author=alice, body="mine")
    client.force_login(bob)
    assert f"/comments/{comment.pk}/edit" not in client.get(f"/papers/{paper.arxiv_id}").content.decode()
    client.force_login(alice)
    assert f"/comments/{comment.pk}/edit" in client.get(f"/papers/{paper.arxiv_id}").content.decode()


def test_a_deleted_comment_without_replies_is_gone(client, alice, make_dated_paper):
    paper = make_dated_paper()
    comment = Comment.objects.create(paper=paper, author=alice, body="regrettable")
    client.force_login(alice)
    assert client.get(f"/comments/{comment.pk}/delete").status_code == 200  # the confirmation page
    client.post(f"/comments/{comment.pk}/delete")
    html = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    assert "regrettable" not in html and "Comment deleted" not in html


def test_a_deleted_comment_with_replies_leaves_a_tombstone(client, alice, bob, make_dated_paper):
    paper = make_dated_paper()
    top = Comment.objects.create(paper=paper, author=alice, body="regrettable")
    Comment.objects.create(paper=paper, author=bob, parent=top, body="a reply worth keeping")
    client.force_login(alice)
    client.post(f"/comments/{top.pk}/delete")
    html = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    assert "regrettable" not in html
    assert "Comment deleted." in html and "a reply worth keeping" in html


def test_a_deleted_comment_cannot_be_edited_or_replied_to(client, alice, make_dated_paper):
    paper = make_dated_paper()
    top = Comment.objects.create(paper=paper, author=alice, body="gone", deleted=True)
    client.force_login(alice)
    assert client.post(f"/comments/{top.pk}/edit", {"body": "back"}).status_code == 404
    response = post(client, paper, "hello?", parent=top)
    assert response.status_code == 400 and "takes no new replies" in response.content.decode()


def test_hidden_comments_are_not_shown_or_counted(client, alice, bob, make_dated_paper):
    paper = make_dated_paper(on=date(2025, 3, 18), imported_comment_count=2)
    Comment.objects.create(paper=paper, author=alice, body="spam spam spam", hidden=True)
    Comment.objects.create(paper=paper, author=bob, body="a fine comment")
    html = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    assert "spam spam spam" not in html and "a fine comment" in html
    assert 'Discussion <span class="count-pill">1</span>' in html  # the visible one; imported ones apart
    assert "2 comments on Hugging Face" in html


def test_a_hidden_comment_with_replies_shows_a_moderation_note(client, alice, bob, make_dated_paper):
    paper = make_dated_paper()
    top = Comment.objects.create(paper=paper, author=alice, body="spam", hidden=True)
    Comment.objects.create(paper=paper, author=bob, parent=top, body="this is spam")
    html = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    assert "hidden by a moderator" in html and "this is spam" in html
    assert ">spam<" not in html


def test_unknown_papers_and_comments_are_404(client, alice):
    client.force_login(alice)
    assert client.post("/papers/2501.99999/comments", {"body": "hi"}).status_code == 404
    assert client.get("/comments/999999/edit").status_code == 404
    assert client.post("/comments/999999/delete").status_code == 404


def test_a_malformed_reply_target_is_explained_and_the_text_kept(client, alice, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/comments", {"body": "my reply", "parent": "abc"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "not a valid comment" in html and "my reply" in html
    assert not Comment.objects.exists()


def test_preview_shows_the_comment_rendered_and_saves_nothing(client, alice, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    response = client.post(
        f"/papers/{paper.arxiv_id}/comments", {"body": "Loss is $L^2$ **low**", "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>low</strong>" in html and "<msup>" in html
    assert ">Loss is $L^2$ **low**</textarea>" in html  # kept in the form, ready to post
    assert not Comment.objects.exists()
