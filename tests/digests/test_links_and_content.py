"""What a digest mail holds, and the signed links in it: absolute, unforgeable, bound to one address."""

from __future__ import annotations

import re

import pytest
from django.core import signing as django_signing

from digests.helpers import BASE_URL, THURSDAY, header_url, html_part, links_in, path_of, send, text_part
from paperfeed.digests import signing
from paperfeed.digests.models import Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest(smtp, make_subscriber, trending_papers):
    make_subscriber("content@example.org")
    send("daily")
    (message,) = smtp.digests_to("content@example.org")
    return message


def test_a_digest_has_a_text_part_and_an_html_part_with_the_same_papers(digest, trending_papers):
    assert digest.get_content_type() == "multipart/alternative"
    text, html = text_part(digest), html_part(digest)
    for paper in trending_papers:
        assert paper.title in text and paper.title in html
        assert paper.abs_url in text and paper.abs_url in html
        assert "Ada Lovelace, Alan Turing" in text
    assert "▲ 90" in text and "90 upvotes" in html


def test_every_link_is_absolute_and_nothing_is_loaded_from_elsewhere(digest):
    html = html_part(digest)
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs and all(href.startswith((BASE_URL, "https://arxiv.org/")) for href in hrefs)
    assert "<img" not in html and "src=" not in html and "<link" not in html
    assert 'name="viewport"' in html  # laid out for phones


def test_the_footer_links_are_signed_and_work(client, digest):
    text = text_part(digest)
    unsubscribe = next(u for u in links_in(text) if "/digest/unsubscribe/" in u)
    manage = next(u for u in links_in(text) if "/digest/manage/" in u)
    view = next(u for u in links_in(text) if "/digest/view/" in u)
    assert unsubscribe == header_url(digest)
    assert "Scaling sparse mixtures of experts" in client.get(path_of(view)).content.decode()
    assert client.get(path_of(manage)).status_code == 200
    # Opening the unsubscribe link only asks; the click (a POST) unsubscribes.
    page = client.get(path_of(unsubscribe))
    assert page.status_code == 200 and b"Unsubscribe content@example.org?" in page.content
    assert Subscription.objects.get().is_active
    assert client.post(path_of(unsubscribe)).status_code == 200
    assert not Subscription.objects.get().is_active


def test_view_in_browser_shows_the_papers_the_mail_held_after_trending_has_moved_on(
    client, digest, make_paper
):
    view = next(u for u in links_in(text_part(digest)) if "/digest/view/" in u)
    make_paper("A newcomer that tops trending", upvotes=500, listed_on=THURSDAY)

    page = client.get(path_of(view)).content.decode()

    assert "Scaling sparse mixtures of experts" in page
    assert "A newcomer that tops trending" not in page
    assert "Diffusion models for protein design" in page


def test_view_in_browser_leaves_out_a_paper_hidden_since_the_mail_went_out(client, digest, trending_papers):
    view = next(u for u in links_in(text_part(digest)) if "/digest/view/" in u)
    hidden = trending_papers[0]
    hidden.hidden = True
    hidden.save(update_fields=["hidden"])

    page = client.get(path_of(view)).content.decode()

    assert hidden.title not in page
    assert trending_papers[1].title in page


def test_an_altered_or_forged_unsubscribe_token_changes_nothing(client, make_subscriber):
    subscription = make_subscriber("victim@example.org")
    token = signing.unsubscribe_token(subscription)
    altered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    forged = django_signing.dumps(
        {"s": subscription.pk, "e": subscription.email},
        key="not the site's key",
        salt="paperfeed.digests.unsubscribe",
    )
    for bad in (altered, forged, "garbage", token + "x"):
        response = client.post(f"/digest/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert b"This link does not work" in response.content
    assert Subscription.objects.get().is_active


def test_a_token_cannot_act_on_another_address(client, make_subscriber):
    alice = make_subscriber("alice@example.org")
    bob = make_subscriber("bob@example.org")
    # A validly signed token that names Bob's subscription with Alice's address (or the reverse).
    crossed = django_signing.dumps(
        {"s": bob.pk, "e": alice.email}, salt="paperfeed.digests.unsubscribe", compress=True
    )
    assert client.post(f"/digest/unsubscribe/{crossed}/").status_code == 400
    # Alice's own token only ever unsubscribes Alice.
    assert client.post(f"/digest/unsubscribe/{signing.unsubscribe_token(alice)}/").status_code == 200
    assert not Subscription.objects.get(pk=alice.pk).is_active
    assert Subscription.objects.get(pk=bob.pk).is_active
    # If the subscription's address changes, old links stop working for it.
    token = signing.unsubscribe_token(bob)
    Subscription.objects.filter(pk=bob.pk).update(email="bob.new@example.org")
    assert client.post(f"/digest/unsubscribe/{token}/").status_code == 400


def test_a_token_for_one_purpose_does_not_work_for_another(client, make_subscriber):
    subscription = make_subscriber("purpose@example.org", confirmed=False)
    unsubscribe_token = signing.unsubscribe_token(subscription)
    assert client.get(f"/digest/confirm/{unsubscribe_token}/").status_code == 400
    assert client.post(f"/digest/confirm/{unsubscribe_token}/").status_code == 400
    assert client.get(f"/digest/manage/{unsubscribe_token}/").status_code == 400
    assert Subscription.objects.get().confirmed_at is None


def test_preferences_can_be_changed_from_the_signed_manage_link(client, make_subscriber):
    subscription = make_subscriber("prefs@example.org")
    url = f"/digest/manage/{signing.manage_token(subscription)}/"
    form = {"frequency": "weekly", "include_trending": "on", "trending_count": "8", "for_you_count": "5"}

    response = client.post(url, {**form, "saved_searches": "graph neural networks\nprotein design"})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.frequency, subscription.trending_count, subscription.include_for_you) == (
        "weekly",
        8,
        False,
    )
    assert list(subscription.saved_searches.values_list("query", flat=True)) == [
        "graph neural networks",
        "protein design",
    ]


def test_invalid_preferences_are_refused_and_change_nothing(client, make_subscriber):
    subscription = make_subscriber("strict@example.org")
    url = f"/digest/manage/{signing.manage_token(subscription)}/"

    response = client.post(url, {"frequency": "hourly", "trending_count": "500", "for_you_count": "5"})

    assert response.status_code == 400
    subscription.refresh_from_db()
    assert (subscription.frequency, subscription.trending_count) == ("daily", 5)


def test_staff_preview_any_subscribers_next_digest(client, make_user, make_subscriber, trending_papers):
    make_subscriber("previewed@example.org")
    url = "/digest/preview/?email=previewed@example.org"
    assert client.get(url).status_code == 302  # not signed in: to the login page
    client.force_login(make_user(is_staff=False))
    assert client.get(url).status_code == 302
    client.force_login(make_user(is_staff=True))

    html = client.get(url).content.decode()
    text = client.get(url + "&format=text").content.decode()

    assert "Scaling sparse mixtures of experts" in html and "<html" in html
    assert "Scaling sparse mixtures of experts" in text and "<" not in text.split("\n")[0]
    assert client.get("/digest/preview/?email=nobody@example.org").status_code == 404


def test_non_ascii_titles_and_sender_names_arrive_intact(smtp, make_subscriber, make_paper, settings):
    from datetime import date

    settings.DEFAULT_FROM_EMAIL = "Pàperfeed Dïgest <digest@papers.example.org>"
    title = "Über-efficient transformers — eine Übersicht über 数据 and more, with a fairly long title"
    make_paper(title, upvotes=500, listed_on=date(2026, 11, 19))
    make_subscriber("unicode@example.org")

    send("daily")

    (message,) = smtp.digests_to("unicode@example.org")
    assert title[:50] in str(message["Subject"])
    assert str(message["From"]) == "Pàperfeed Dïgest <digest@papers.example.org>"
    assert title in " ".join(text_part(message).split())
    assert title in html_part(message)


def test_a_line_too_long_for_smtp_is_sent_quoted_printable_and_decodes_back():
    from email import message_from_bytes, policy

    from paperfeed.digests.mime import multipart_alternative

    long_line = "word " * 300
    raw = multipart_alternative(
        [("Subject", "x"), ("To", "a@example.org")], "short text\n", f"<p>{long_line}</p>"
    )

    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    message = message_from_bytes(raw, policy=policy.default)
    assert message.get_body(preferencelist=("html",)).get_content().strip() == f"<p>{long_line}</p>"
    assert message.get_body(preferencelist=("plain",)).get_content().splitlines() == ["short text"]
