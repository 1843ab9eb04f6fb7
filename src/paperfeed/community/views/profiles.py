"""Profile pages: the papers someone wrote, submitted and upvoted, their collections, and
what they say of themselves (affiliation and links)."""

from __future__ import annotations

import zlib

from django.contrib.auth import get_user_model
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from paperfeed.community.claims import authored_papers
from paperfeed.community.models import Collection, Vote
from paperfeed.community.profile_details import details_of
from paperfeed.community.shown import show_papers
from paperfeed.papers.models import Listing

PAGE_SIZE = 30
AVATAR_HUES = 8  # .avatar-hue-0 … -7 in community.css
TABS = {"papers": "Papers", "submitted": "Submitted", "upvoted": "Upvoted", "collections": "Collections"}


def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(get_user_model(), username=username)
    is_self = request.user.pk == person.pk
    authored = authored_papers(person)
    counts = {"papers": authored.count()}
    # The papers they wrote come first, when there are any.
    tab = request.GET.get("tab", "papers" if counts["papers"] else "submitted")
    if tab not in TABS:
        tab = "submitted"
    submitted = Listing.objects.visible().filter(submitted_by=person)
    upvoted = Vote.objects.filter(user=person, paper__hidden=False)
    collections = Collection.objects.filter(owner=person)
    if not is_self:
        collections = collections.filter(is_public=True)
    counts.update(submitted=submitted.count(), upvoted=upvoted.count(), collections=collections.count())
    papers = None
    if tab == "papers":
        items = papers = authored
    elif tab == "submitted":
        items = submitted.select_related("paper").order_by("-submitted_at", "-pk")
    elif tab == "upvoted":
        items = upvoted.select_related("paper").order_by("-created_at", "-pk")
    else:
        items = collections.annotate(
            paper_count=Count("items", filter=Q(items__paper__hidden=False))
        ).order_by("-updated_at")
    paginator = Paginator(items, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("That page does not exist: the list is shorter.") from None
    context = {
        "person": person,
        # Drawn here from the name, never fetched: an imported avatar URL points at another site,
        # and loading it would tell that site who reads this page.
        "avatar_hue": zlib.crc32(person.username.encode()) % AVATAR_HUES,
        "is_self": is_self,
        "tab": tab,
        "tabs": [(key, label, counts[key]) for key, label in TABS.items()],
        "page": page,
        "cards": None
        if tab == "collections"
        else show_papers(
            page.object_list if papers is not None else [i.paper for i in page.object_list], request.user
        ),
        "details": details_of(person),
    }
    return render(request, "community/profile.html", context)
