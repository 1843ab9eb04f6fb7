"""A member's affiliation and links: the form that edits them, and reading them for a profile.

Links are web addresses only (http or https): a ``javascript:`` or ``data:`` link on a profile
would run in every visitor's page. An ORCID iD or a GitHub username typed on its own becomes
the address of its page.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from paperfeed.community.models import ProfileDetails, web_url

ORCID_ID = re.compile(r"^(?:https?://(?:www\.)?orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$", re.I)
GITHUB_NAME = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$")


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 11,2: the last character of an ORCID iD checks the fifteen digits before it."""
    digits = orcid.replace("-", "")
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return digits[-1].upper() == ("X" if check == 10 else str(check))


class WebAddressField(forms.CharField):
    """A link: http(s) only, ``example.org`` taken as ``https://example.org``."""

    def __init__(self, **kwargs):
        super().__init__(max_length=300, required=False, strip=True, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and "://" not in value and ":" not in value.split("/", 1)[0]:
            value = f"https://{value}"
        if value:
            web_url(value)
        return value


def _id_or_address(label: str, help_text: str) -> forms.CharField:
    """A field taking an id (made into an address by the form's clean_<field>) or an address."""
    return forms.CharField(label=label, max_length=300, required=False, strip=True, help_text=help_text)


class ProfileDetailsForm(forms.ModelForm):
    homepage = WebAddressField(label="Homepage")
    orcid = _id_or_address("ORCID", "Your iD, e.g. 0000-0002-1825-0097.")
    github = _id_or_address("GitHub", "Your username or profile address.")
    scholar = WebAddressField(label="Google Scholar", help_text="The address of your Scholar profile.")

    class Meta:
        model = ProfileDetails
        fields = ["affiliation", "homepage", "orcid", "github", "scholar"]
        help_texts = {"affiliation": "Where you work or study, e.g. “University of Edinburgh”."}

    def clean_orcid(self) -> str:
        value = self.cleaned_data["orcid"]
        if not value:
            return ""
        match = ORCID_ID.match(value)
        if match is None:
            raise ValidationError("Enter an ORCID iD (0000-0002-1825-0097) or its orcid.org address.")
        orcid = match.group(1).upper()
        if not orcid_checksum_ok(orcid):
            raise ValidationError(f"{orcid} is not a valid ORCID iD: its check digit does not match.")
        return f"https://orcid.org/{orcid}"

    def clean_github(self) -> str:
        value = self.cleaned_data["github"]
        if not value:
            return ""
        match = GITHUB_NAME.match(value)
        if match is not None:
            return f"https://github.com/{match.group(1)}"
        field = WebAddressField()
        return field.clean(value)


def details_of(user) -> ProfileDetails | None:
    return ProfileDetails.objects.filter(user=user).first()
