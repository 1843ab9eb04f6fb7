"""Profile settings: a member's affiliation and links, shown on their profile."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from paperfeed.community.models import AuthorshipClaim, ClaimStatus
from paperfeed.community.profile_details import ProfileDetailsForm, details_of
from paperfeed.community.views.common import login_required_response


def profile_settings(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_required_response(request, request.get_full_path(), "edit your profile")
    form = ProfileDetailsForm(request.POST or None, instance=details_of(request.user))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.user = request.user
            form.save()
        messages.success(request, "Your profile is saved.")
        return redirect(reverse("community:profile", args=[request.user.username]))
    claims = (
        AuthorshipClaim.objects.filter(user=request.user)
        .exclude(status=ClaimStatus.APPROVED)
        .select_related("paper")
        .order_by("-created_at", "-pk")[:50]
    )
    status = 400 if form.errors else 200
    return render(request, "community/profile_settings.html", {"form": form, "claims": claims}, status=status)
