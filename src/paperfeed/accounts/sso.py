"""Single sign-on with the lab's OpenID Connect provider (allauth's ``openid_connect``), with
failures told on the sign-in page.

allauth reads the provider's discovery document when a sign-in starts; a provider that is down
would make that an error page. Here it, and every error the provider answers with on the way
back (a refused client, an error instead of a code, a token that does not check out), ends on
the sign-in page with a message saying what happened and what to do. Nothing is created: allauth
makes the account only once the provider has vouched for the person.
"""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from requests import RequestException

log = logging.getLogger(__name__)

UNREACHABLE = (
    "{name} cannot be reached right now, so signing in with it did not start. Nothing was changed: "
    "try again in a few minutes, or sign in with your password."
)
REFUSED = (
    "Signing in with {name} did not work: it answered with an error{detail}. Nothing was changed: "
    "try again, or sign in with your password. If it keeps happening, tell the site's staff."
)


def _back_to_sign_in(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("account_login")


def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's sign-in start, with an unreachable provider told on the sign-in page."""
    try:
        return oidc_views.login(request, provider_id)
    except (RequestException, ValueError, KeyError) as error:  # down, not JSON, or no endpoints
        log.warning("OpenID Connect provider %s unreachable: %s", provider_id, error)
        name = get_adapter().get_provider(request, provider_id).name
        return _back_to_sign_in(request, UNREACHABLE.format(name=name))


def on_authentication_error(request: HttpRequest, provider, error=None, exception=None) -> None:
    """The socialaccount adapter's hook: send the person back to sign in, told why."""
    log.warning("Single sign-on with %s failed: %s %r", getattr(provider, "id", provider), error, exception)
    name = getattr(provider, "name", None) or "the sign-in service"
    detail = f" ({request.GET['error']})" if "error" in request.GET else ""
    raise ImmediateHttpResponse(_back_to_sign_in(request, REFUSED.format(name=name, detail=detail)))
