"""Usernames from imported records pass the checks a sign-up username passes.

A name such as ``a/b`` cannot be part of a profile address, and one with a control character
breaks feeds; a sign-up form would refuse both. An imported record's submitter or claimed author
whose username fails is dropped from that record (the paper, its author names and its day on the
feed are still imported, without the link to a profile), and the import says so.
"""

from __future__ import annotations

from functools import lru_cache

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.utils import get_username_max_length
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator


@lru_cache(maxsize=16384)
def username_problem(username: str) -> str | None:
    """Why sign-up would refuse ``username`` (already stripped of surrounding spaces), or ``None``.

    The same checks as allauth's sign-up form, but for whether the name is taken: its length
    limits, the user model's validators (letters, digits and ``@.+-_``), and the reserved names.
    """
    try:
        low, high = allauth_settings.USERNAME_MIN_LENGTH, get_username_max_length()
        if len(username) < low or (high is not None and len(username) > high):
            raise ValidationError(f"a username has {low} to {high} characters")
        ProhibitNullCharactersValidator()(username)
        get_adapter().clean_username(username, shallow=True)
    except ValidationError as error:
        return " ".join(error.messages)
    return None
