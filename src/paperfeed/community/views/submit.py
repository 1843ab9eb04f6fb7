"""The submit page: put a recent arXiv paper on today's feed.

A paper the database lacks is fetched from arXiv outside the request: the form then leads to a
page that says so and refreshes itself (no JavaScript needed) until the paper is listed or the
submission failed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from paperfeed.community import fetches
from paperfeed.community.forms import SubmitForm
from paperfeed.community.models import FetchStatus, PendingSubmission
from paperfeed.community.submission import SubmissionError, submissions_today, submit_paper
from paperfeed.community.views.common import login_required_response

# A broken rule answers 400 unless a more precise status fits (the same as the JSON API's).
STATUS_BY_CODE = {
    "rate_limited": 429,
    "daily_limit": 429,
    "already_listed": 409,
    "not_found": 404,
    "arxiv_unavailable": 503,
    "arxiv_busy": 503,
}
REFRESH_SECONDS = 2


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_required_response(request, request.get_full_path(), "submit a paper")
    # ``?paper=`` fills the form in: the page of a paper not on this site links here with its id.
    form = SubmitForm(request.POST or None, initial={"paper": request.GET.get("paper", "")[:200]})
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, form, status=400)
        try:
            result = submit_paper(
                request.user,
                form.cleaned_data["paper"],
                override_window=form.cleaned_data["override_window"],
            )
        except SubmissionError as broken:
            return _page(request, form, broken)
        if isinstance(result, PendingSubmission):
            return redirect("community:submit_status", pk=result.pk)
        messages.success(request, f"Thanks! “{result.paper.title}” is on today's feed.")
        return redirect(result.paper)
    return _page(request, form)


@login_required
@require_GET
def submit_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a submission waiting for arXiv is followed: it refreshes until there is an answer."""
    pending = get_object_or_404(PendingSubmission.objects.select_related("paper"), pk=pk, user=request.user)
    if pending.status == FetchStatus.DONE and pending.paper is not None:
        messages.success(request, f"Thanks! “{pending.paper.title}” is on today's feed.")
        return redirect(pending.paper)
    if pending.status == FetchStatus.FAILED:
        form = SubmitForm(initial={"paper": pending.arxiv_id})
        return _page(request, form, SubmissionError(pending.message, pending.code, pending.paper))
    fetches.wake()  # in case this process restarted since the submission
    context = {"nav": "submit", "pending": pending, "refresh_seconds": REFRESH_SECONDS}
    return render(request, "community/submit_fetching.html", context, status=202)


def _page(request: HttpRequest, form: SubmitForm, error: SubmissionError | None = None, status: int = 200):
    if error is not None:
        status = STATUS_BY_CODE.get(error.code, 400)
    context = {
        "nav": "submit",
        "form": form,
        "error": error,
        "window_days": settings.SUBMISSION_WINDOW_DAYS,
        "daily_cap": settings.SUBMISSIONS_PER_DAY,
        "submitted_today": submissions_today(request.user),
    }
    return render(request, "community/submit.html", context, status=status)
