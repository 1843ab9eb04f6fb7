from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person on the site, or a submitter known only from imported records."""

    fullname = models.CharField(max_length=200, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    # Users created by an import (e.g. Hugging Face submitters) have no password
    # and cannot log in until an operator hands the account over.
    imported = models.BooleanField(default=False)
    # The account's username in the source it was imported from. Imports find their accounts by
    # it, never by ``username``: a local account that happens to bear the same name is someone
    # else, and the imported account then gets a username of its own (see ingest.identities).
    imported_as = models.CharField(max_length=150, unique=True, null=True, blank=True, editable=False)

    @property
    def display_name(self) -> str:
        return self.fullname or self.username


def _invite_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class Invite(models.Model):
    """A sign-up link staff hand out when ``PAPERFEED_SIGNUP=invite``: good once, until it expires."""

    token = models.CharField(max_length=64, unique=True, default=_invite_token, editable=False)
    note = models.CharField(
        max_length=200, blank=True, help_text="Whom the invite is for (only staff see it)."
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="invites_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    used_by = models.OneToOneField(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invite",
        editable=False,
    )

    def __str__(self) -> str:
        return self.note or f"invite {self.token[:6]}…"
