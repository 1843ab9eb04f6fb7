"""What paper pages and feed cards need from the community app (votes, discussion, collections)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest

from paperfeed.community import claims, comments
from paperfeed.community.forms import CollectionForm, CommentForm
from paperfeed.community.models import Collection
from paperfeed.community.shown import voted_paper_ids
from paperfeed.papers.models import Paper


def login_url_for(request: HttpRequest) -> str:
    """The login page, coming back to the current page afterwards."""
    return redirect_to_login(request.get_full_path())["Location"]


def paper_page_context(request: HttpRequest, paper: Paper) -> dict:
    """Context for the paper page's community parts.

    Keys: ``voted`` (for _upvote_button.html), ``comments`` (top-level thread items with
    ``replies``), ``comment_count`` (the visible comments on this site, the ones the page shows),
    ``comment_form`` (None for visitors), ``login_url``, ``paper_collections`` (public collections
    holding the paper), ``my_collections`` (the user's collections, each with ``contains``) and
    ``new_collection_form`` — used by _discussion.html and _paper_collections.html;
    ``author_accounts`` ({author name: site account}, see ``claims.show_accounts``) and
    ``claim`` (``claims.ClaimChoices``, for _claim_authorship.html). Comments by an author of
    the paper carry ``by_paper_author`` (the "author" badge of _comment.html).
    """
    user = request.user
    signed_in = user.is_authenticated
    thread = comments.discussion(paper)
    local_count = sum((0 if item.tombstone else 1) + len(item.replies) for item in thread)
    accounts = claims.paper_author_users(paper)
    author_ids = {account.pk for account in accounts.values()}
    for item in thread:
        for comment in (item.comment, *item.replies):
            comment.by_paper_author = comment.author_id in author_ids
    public = (
        Collection.objects.filter(items__paper=paper, is_public=True)
        .select_related("owner")
        .order_by("-updated_at")[:20]
    )
    mine: list[Collection] = []
    if signed_in:
        holding = set(Collection.objects.filter(owner=user, items__paper=paper).values_list("pk", flat=True))
        mine = list(Collection.objects.filter(owner=user).order_by("title"))
        for collection in mine:
            collection.contains = collection.pk in holding
    return {
        "voted": voted_paper_ids(user, [paper.pk]) != set(),
        "comments": thread,
        "comment_count": local_count,
        "comment_form": CommentForm() if signed_in else None,
        "login_url": login_url_for(request),
        "paper_collections": list(public),
        "my_collections": mine,
        "new_collection_form": CollectionForm(auto_id="new-collection-%s") if signed_in else None,
        "author_accounts": accounts,
        "claim": claims.claim_choices(user, paper, accounts),
    }
