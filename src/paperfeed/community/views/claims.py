"""Claiming authorship: one name on a paper ("This is me"), every paper of a name from its
author page, and withdrawing a claim still waiting for review."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from paperfeed.community import claims
from paperfeed.community.views.common import (
    bad_request,
    login_required_response,
    resumes_after_login,
    safe_next,
    visible_paper,
)
from paperfeed.core.query_text import without_control_characters
from paperfeed.papers.models import Paper

REVIEW_NOTE = "Staff review it; once approved, the paper shows on your profile."


@require_POST
def claim_on_paper(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """Claim the author name ``name`` of the paper."""
    paper = visible_paper(request, arxiv_id)
    back_to = safe_next(request, paper.get_absolute_url())
    name = request.POST.get("name", "")
    if not name.strip():
        return bad_request(request, "Say which author you are: the claim names no author.")
    if not request.user.is_authenticated:
        pending = {"kind": "claim", "arxiv_id": paper.arxiv_id, "name": name[:300]}
        return login_required_response(request, back_to, f"claim “{name[:80]}” as you", pending)
    return _file(request, paper, name, back_to)


def _file(request: HttpRequest, paper: Paper, name: str, back_to: str) -> HttpResponse:
    try:
        filed = claims.claim(request.user, paper, name)
    except claims.ClaimError as error:
        messages.error(request, error.message)
        return redirect(back_to)
    messages.success(request, f"You claimed “{filed.name}” on “{paper.title[:80]}”. {REVIEW_NOTE}")
    return redirect(back_to)


@require_POST
def claim_author_name(request: HttpRequest) -> HttpResponse:
    """Claim ``name`` on every paper listing it (one claim per paper)."""
    typed = request.POST.get("name", "")
    name = " ".join(typed.split())[:300]
    if not name:
        return bad_request(request, "Say which author name you claim: the form sent none.")
    if without_control_characters(typed) != typed:  # no author page to go back to
        return bad_request(request, "An author name holds no control characters.")
    back_to = safe_next(request, reverse("papers:author", args=[name]))
    if not request.user.is_authenticated:
        pending = {"kind": "claim_name", "name": name}
        return login_required_response(request, back_to, f"claim the papers of “{name[:80]}”", pending)
    return _file_name(request, name, back_to)


def _file_name(request: HttpRequest, name: str, back_to: str) -> HttpResponse:
    try:
        result = claims.claim_name(request.user, name)
    except claims.ClaimError as error:
        messages.error(request, error.message)
        return redirect(back_to)
    skipped = f" {result.skipped} already claimed were left out." if result.skipped else ""
    messages.success(
        request,
        f"You claimed “{result.name}” on {result.filed} paper{'s' if result.filed != 1 else ''}.{skipped} "
        "Staff review each; approved papers show on your profile.",
    )
    return redirect(back_to)


@resumes_after_login("claim", "claim_name")
def continue_claim(request: HttpRequest, pending: dict, back_to: str) -> HttpResponse:
    """File the claim a visitor asked for before signing in (see ``votes.continue_after_login``)."""
    if pending.get("kind") == "claim_name":
        return _file_name(request, str(pending.get("name", "")), back_to)
    paper = Paper.objects.visible().filter(arxiv_id=str(pending.get("arxiv_id", ""))).first()
    if paper is None:
        return redirect(back_to)
    return _file(request, paper, str(pending.get("name", "")), back_to)


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_required_response(request, reverse("community:profile_settings"), "withdraw a claim")
    back_to = safe_next(request, reverse("community:profile", args=[request.user.username]))
    try:
        gone = claims.withdraw(request.user, pk)
    except claims.ClaimError as error:
        messages.error(request, error.message)
        return redirect(back_to)
    messages.success(request, f"Withdrew your claim of “{gone.name}” on “{gone.paper.title[:80]}”.")
    return redirect(back_to)
