"""How allauth talks to people on paperfeed's behalf."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib.sites.requests import RequestSite


class AccountAdapter(DefaultAccountAdapter):
    """Account mails greet people with the site's configured name.

    Without Django's sites framework allauth names the site after the host the request came in on
    ("Hello from 127.0.0.1:8000!"); a lab running its own site wants its own name there.
    """

    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        site = RequestSite(context.request)
        site.name = settings.SITE_NAME
        super().send_mail(template_prefix, email, {"current_site": site, **context_data})
