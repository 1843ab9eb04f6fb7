"""The recommendations settings page: what For you learned from, each item removable, and a reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from paperfeed.community import reader_signals
from paperfeed.community.models import LibraryEntry, NotInterested, OwnAuthorName, PickedTopic
from paperfeed.community.views.common import bad_request
from paperfeed.community.votes import set_vote

SHOWN = 200  # items of each list the page shows; the counts are always whole


def _section(key: str, title: str, explain: str, rows, paper_of=None) -> dict:
    return {
        "key": key,
        "title": title,
        "explain": explain,
        "count": rows.count(),
        "items": [
            {
                "pk": row.pk,
                "paper": paper_of(row) if paper_of else None,
                "label": str(getattr(row, "name", "") or getattr(row, "value", "")),
            }
            for row in rows[:SHOWN]
        ],
    }


@login_required
def learned(request: HttpRequest) -> HttpResponse:
    user = request.user
    sections = [
        _section(
            "liked",
            "Liked",
            "Papers you upvoted. Removing one takes back your upvote.",
            reader_signals.liked(user).select_related("paper").order_by("-created_at"),
            lambda v: v.paper,
        ),
        _section(
            "saved",
            "Saved",
            "Papers in your collections. Removing one takes it out of that collection.",
            reader_signals.saved(user).select_related("paper", "collection").order_by("-added_at"),
            lambda i: i.paper,
        ),
        _section(
            "imported",
            "Imported",
            "Papers of the libraries you imported.",
            LibraryEntry.objects.filter(user=user).select_related("paper"),
            lambda e: e.paper,
        ),
        _section(
            "own",
            "Your papers",
            "The papers of these author names count as yours.",
            OwnAuthorName.objects.filter(user=user),
        ),
        _section(
            "topic",
            "Categories and topics",
            "What you picked to start from.",
            PickedTopic.objects.filter(user=user),
        ),
        _section(
            "dismissed",
            "Not interested",
            "Hidden from you, and counted against similar papers.",
            NotInterested.objects.filter(user=user).select_related("paper"),
            lambda n: n.paper,
        ),
    ]
    context = {
        "nav": "for_you",
        "sections": sections,
        "reset_at": reader_signals.reset_at(user),
        "shown": SHOWN,
    }
    return render(request, "community/learned.html", context)


_REMOVABLE = {
    "imported": LibraryEntry,
    "own": OwnAuthorName,
    "topic": PickedTopic,
    "dismissed": NotInterested,
}


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    try:
        pk = int(request.POST.get("item", ""))
    except ValueError:
        return bad_request(request, "Say which item to remove.")
    user = request.user
    if kind == "liked":
        vote = reader_signals.liked(user).filter(pk=pk).select_related("paper").first()
        if vote:
            set_vote(user, vote.paper, False)
        found = vote is not None
    elif kind == "saved":
        found = reader_signals.saved(user).filter(pk=pk).delete()[0] > 0
    elif kind in _REMOVABLE:
        found = _REMOVABLE[kind].objects.filter(user=user, pk=pk).delete()[0] > 0
    else:
        return bad_request(
            request, "Unknown kind of item: use liked, saved, imported, own, topic or dismissed."
        )
    if found:
        messages.success(request, "Removed: your recommendations no longer learn from it.")
    else:
        messages.info(request, "That item was already gone.")
    return redirect("community:learned")


@login_required
@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation; POST with ``confirm=yes`` resets."""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return bad_request(request, "Confirm the reset: nothing was changed.")
        reader_signals.reset(request.user)
        messages.success(request, "Your recommendations were reset: they start again from nothing.")
        return redirect("community:learned")
    return render(request, "community/learned_reset.html", {"nav": "for_you"})
