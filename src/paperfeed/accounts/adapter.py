"""How allauth talks to people on paperfeed's behalf."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from paperfeed.accounts import signup_policy, sso
from paperfeed.core.site_url import on_this_site


@dataclass(frozen=True)
class ConfiguredSite:
    """The site as mails name it: its configured name and the host of its base URL."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Account mails greet people with the site's configured name and link to its configured address.

    allauth builds the links in its mails (password reset, email confirmation, sign-up) from the
    request, whose ``Host`` header the sender chooses: a reset link must never point anywhere but
    ``PAPERFEED_BASE_URL``. Without Django's sites framework allauth also names the site after that
    host ("Hello from 127.0.0.1:8000!"); a lab running its own site wants its own name there.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """By invitation, the sign-up form opens only for a visitor holding a valid invite."""
        if settings.SIGNUP_POLICY != "invite":
            return True
        return signup_policy.invite_problem(signup_policy.held_invite(request)) is None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        problem = signup_policy.domain_problem(email)
        if problem:
            raise forms.ValidationError(problem)
        return email

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                try:
                    signup_policy.use_invite(request, user)
                except PermissionError as refusal:  # the link was used meanwhile: no account
                    raise PermissionDenied(str(refusal)) from None
        return user

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """A new reader starts by telling the recommendations what they read (a URL name, not an
        import: the page belongs to community, above accounts)."""
        return reverse("community:onboarding")

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_this_site(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        return on_this_site(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        site = ConfiguredSite(name=settings.SITE_NAME, domain=urlsplit(settings.BASE_URL).netloc)
        # Links allauth adds without a hook (the sign-up and reset links of "unknown account" and
        # "account already exists" mails) are "*_url" values built from the request too.
        links = {
            name: on_this_site(value)
            for name, value in context_data.items()
            if name.endswith("_url") and isinstance(value, str) and "://" in value
        }
        super().send_mail(template_prefix, email, {"current_site": site, **context_data, **links})


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on: the lab's identity provider decides who belongs, so its members may create
    an account whatever ``PAPERFEED_SIGNUP`` says."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        return True

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        sso.on_authentication_error(request, provider, error=error, exception=exception)
