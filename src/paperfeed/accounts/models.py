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
