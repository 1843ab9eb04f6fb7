"""Pages outside /api/: a paper as Markdown, and the personal access token settings."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from paperfeed.accounts import feed_keys
from paperfeed.api.forms import TokenForm
from paperfeed.api.models import AccessToken
from paperfeed.api.paper_markdown import paper_markdown
from paperfeed.api.tokens import MAX_TOKENS_PER_USER, issue_token
from paperfeed.papers.models import Paper


def paper_md(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = Paper.objects.filter(arxiv_id=arxiv_id, hidden=False).first()
    if paper is None:
        return HttpResponse(
            f"There is no paper {arxiv_id} here.\n", status=404, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse(paper_markdown(paper), content_type="text/markdown; charset=utf-8")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List tokens; on POST create one and show its secret on this response only."""
    new_secret = None
    status = 200
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if request.user.access_tokens.count() >= MAX_TOKENS_PER_USER:
            form.add_error(
                None, f"You have {MAX_TOKENS_PER_USER} tokens, the most allowed; revoke one first."
            )
            status = 400
        elif form.is_valid():
            token, new_secret = issue_token(request.user, form.cleaned_data["name"])
            form = TokenForm()
            status = 201
        else:
            status = 400
    context = {
        "tokens": request.user.access_tokens.all(),
        "form": form,
        "new_secret": new_secret,
        "max_tokens": MAX_TOKENS_PER_USER,
        "feed_address": private_feed_address(request.user) if settings.MEMBERS_ONLY else None,
    }
    return render(request, "api/tokens.html", context, status=status)


def private_feed_address(user) -> str:
    """The member's own address of the daily feed on a members-only site (feed readers cannot sign in)."""
    query = urlencode({feed_keys.PARAMETER: feed_keys.key_for(user)})
    return f"{settings.BASE_URL}{reverse('feeds:daily_atom')}?{query}"


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("api_tokens:list")
