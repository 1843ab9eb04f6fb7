"""The submit page: put a recent arXiv paper on today's feed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from paperfeed.community.forms import SubmitForm
from paperfeed.community.submission import SubmissionError, submissions_today, submit_paper

# A broken rule answers 400 unless a more precise status fits (the same as the JSON API's).
STATUS_BY_CODE = {
    "rate_limited": 429,
    "daily_limit": 429,
    "already_listed": 409,
    "not_found": 404,
    "arxiv_unavailable": 503,
}


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = SubmitForm(request.POST or None)
    error: SubmissionError | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                listing = submit_paper(
                    request.user,
                    form.cleaned_data["paper"],
                    override_window=form.cleaned_data["override_window"],
                )
            except SubmissionError as broken:
                error = broken
                status = STATUS_BY_CODE.get(broken.code, 400)
            else:
                messages.success(request, f"Thanks! “{listing.paper.title}” is on today's feed.")
                return redirect(listing.paper)
        else:
            status = 400
    context = {
        "nav": "submit",
        "form": form,
        "error": error,
        "window_days": settings.SUBMISSION_WINDOW_DAYS,
        "daily_cap": settings.SUBMISSIONS_PER_DAY,
        "submitted_today": submissions_today(request.user),
    }
    return render(request, "community/submit.html", context, status=status)
