"""Follow and unfollow (plain form POSTs that go back where they came from), and the page
listing what a member follows."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from paperfeed.community.following import services
from paperfeed.community.following.models import Kind
from paperfeed.community.views.common import (
    bad_request,
    login_required_response,
    resumes_after_login,
    safe_next,
)


def follow_response(request: HttpRequest, kind: str, value: str, back_to: str) -> HttpResponse:
    """Follow ``kind``/``value`` for the signed-in member and go back to ``back_to``, saying what
    happened; a thing that cannot be followed is a 400 page saying why, with nothing stored.
    Also used by the search page's "Follow this search", once it has checked the query."""
    try:
        target, created = services.follow(request.user, kind, value)
    except services.FollowError as error:
        return bad_request(request, str(error))
    if created:
        messages.success(request, f"You now follow {target.label}. New papers from it show under Following.")
    else:
        messages.info(request, f"You are already following {target.label}.")
    return HttpResponseRedirect(back_to)  # a URL, never a view name


@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    """``kind`` (author, category, collection; searches are followed from the search page) and
    ``value`` (the name, the category, the collection's id)."""
    back_to = safe_next(request, reverse("following:manage"))
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "")[:2000]
    if kind == Kind.SEARCH or kind not in Kind.values:
        return bad_request(request, "Follow an author, a category or a collection here.")
    if not request.user.is_authenticated:
        return login_required_to_follow(request, kind, value, back_to)
    return follow_response(request, kind, value, back_to)


def login_required_to_follow(request: HttpRequest, kind: str, value: str, back_to: str) -> HttpResponse:
    """The sign-in wall for a follow, remembering it so it is done once the visitor is in.
    Also used by the search page's "Follow this search"."""
    shown = " ".join(value.split())[:300]
    what = "this collection" if kind == Kind.COLLECTION else services.label_of(kind, shown)
    pending = {"kind": "follow", "follow_kind": kind, "value": value}
    return login_required_response(request, back_to, f"follow {what}", pending)


@resumes_after_login("follow")
def continue_follow(request: HttpRequest, pending: dict, back_to: str) -> HttpResponse:
    kind, value = str(pending.get("follow_kind", "")), str(pending.get("value", ""))
    return follow_response(request, kind, value, back_to)


@require_POST
def unfollow(request: HttpRequest) -> HttpResponse:
    back_to = safe_next(request, reverse("following:manage"))
    if not request.user.is_authenticated:
        return login_required_response(request, back_to, "change what you follow")
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "")
    if kind not in Kind.values:
        return bad_request(request, "Unfollow an author, a category, a collection or a search.")
    stopped = services.unfollow(request.user, kind, value)
    if stopped is not None:
        messages.success(request, f"You no longer follow {stopped.label}.")
    else:
        messages.info(
            request, f"You were not following {services.label_of(kind, ' '.join(value.split())[:300])}."
        )
    return HttpResponseRedirect(back_to)


def manage(request: HttpRequest) -> HttpResponse:
    """Everything the member follows, by kind, each with its page and an unfollow button."""
    if not request.user.is_authenticated:
        return login_required_response(request, request.get_full_path(), "see what you follow")
    follows = services.follows_of(request.user)
    groups = [
        {
            "kind": kind,
            "title": title,
            "rows": [
                {
                    "follow": f,
                    "url": services.target_url(f.kind, f.value),
                    "name": f.collection.title if f.collection else f.value,
                }
                for f in follows
                if f.kind == kind
            ],
        }
        for kind, title in (
            (Kind.AUTHOR, "Authors"),
            (Kind.CATEGORY, "Categories"),
            (Kind.COLLECTION, "Collections"),
            (Kind.SEARCH, "Searches"),
        )
    ]
    context = {"groups": groups, "total": len(follows), "most": services.MAX_FOLLOWS}
    return render(request, "following/manage.html", context)
