"""The invite link: a valid one opens the sign-up form for this visitor; any other says why not."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from paperfeed.accounts import signup_policy
from paperfeed.accounts.models import Invite


def invite(request: HttpRequest, token: str) -> HttpResponse:
    found = Invite.objects.filter(token=token).first()
    problem = signup_policy.invite_problem(found)
    if problem is None and settings.SIGNUP_POLICY != "invite":
        return redirect("account_signup")  # sign-up is open (or by domain) anyway
    if problem:
        # 410 for a link that was good once, 404 for one that never was; the session keeps nothing.
        status = 404 if found is None else 410
        return render(request, "accounts/invite_problem.html", {"problem": problem}, status=status)
    request.session[signup_policy.SESSION_KEY] = found.token
    return redirect("account_signup")
