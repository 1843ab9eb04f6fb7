"""@mentions in comment Markdown: a link to the profile of an account that exists, plain text otherwise."""

from __future__ import annotations

import pytest

from paperfeed.community.markdown import mentioned_names, render_many, render_markdown

pytestmark = pytest.mark.django_db


def test_a_mention_of_an_existing_account_links_to_its_profile(alice):
    html = render_markdown("Thanks @alice.")
    assert (
        html
        == '<p>Thanks <a class="mention" href="/u/alice" rel="nofollow noopener noreferrer">@alice</a>.</p>\n'
    )


def test_a_mention_of_a_name_nobody_has_stays_plain_text(alice):
    assert render_markdown("Hi @alicia and @bob") == "<p>Hi @alicia and @bob</p>\n"


def test_a_mention_matches_the_username_whatever_its_case_and_shows_it_as_spelled(alice):
    html = render_markdown("Thanks @Alice and @ALICE")
    assert html.count('<a class="mention" href="/u/alice" rel="nofollow noopener noreferrer">@alice</a>') == 2


def test_an_exact_username_wins_and_two_accounts_alike_but_for_case_are_not_guessed(make_user):
    make_user("Kim")
    make_user("kim")
    assert 'href="/u/kim"' in render_markdown("@kim") and 'href="/u/Kim"' in render_markdown("@Kim")
    assert 'class="mention"' not in render_markdown("@KIM")


@pytest.mark.parametrize(
    "text",
    [
        "`@alice`",
        "```\n@alice\n```",
        "mail alice@example.org",
        "see https://social.example/@alice",
        "[@alice](https://example.org)",
        "\\@alice",
        "@alice@example.org",
    ],
)
def test_no_mention_inside_code_links_addresses_or_escapes(alice, text):
    assert mentioned_names(text) == []
    assert 'class="mention"' not in render_markdown(text)


def test_names_are_found_in_order_once_each_and_end_before_punctuation():
    assert mentioned_names("@b, @a. (@c) **@a** @d's") == ["b", "a", "c", "d"]


def test_a_discussion_renders_with_one_lookup_for_all_its_mentions(alice, bob, django_assert_num_queries):
    with django_assert_num_queries(1):
        rendered = render_many(["@alice", "@bob and @nobody", "no mentions"])
    assert [html.count('class="mention"') for html in rendered] == [1, 1, 0]


def test_markup_in_or_around_a_mention_stays_harmless(make_user):
    make_user("o'neil+x")
    html = render_markdown("@o'neil+x <script>alert(1)</script> @<b>x</b> [x](javascript:alert(1))")
    assert "<script" not in html and "<b>" not in html and 'href="javascript' not in html
    assert 'class="mention"' not in html  # "o" is not the name: the apostrophe ends it


def test_an_account_whose_name_needs_escaping_in_a_url_is_linked_safely(make_user):
    make_user("a.b+c-d")
    html = render_markdown("@a.b+c-d")
    assert '<a class="mention" href="/u/a.b+c-d"' in html
