"""Forms for subscribing and for digest preferences."""

from __future__ import annotations

from django import forms
from django.apps import apps

from paperfeed.digests.models import Frequency, Subscription

MAX_SAVED_SEARCHES = 10
MAX_QUERY_CHARS = 250


class SubscribeForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Email address")
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.DAILY, required=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_frequency(self) -> str:
        return self.cleaned_data.get("frequency") or Frequency.DAILY


class PreferencesForm(forms.ModelForm):
    saved_searches = forms.CharField(
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "one search per line, e.g. diffusion cat:cs.CV"}
        ),
        help_text=f"Up to {MAX_SAVED_SEARCHES} searches, one per line: new matches go into your digest.",
    )

    class Meta:
        model = Subscription
        fields = ["frequency", "include_trending", "trending_count", "include_for_you", "for_you_count"]
        labels = {
            "include_trending": "Trending papers",
            "trending_count": "How many trending papers",
            "include_for_you": "“For you”: papers like the ones you upvoted or collected",
            "for_you_count": "How many papers for you",
        }
        widgets = {"frequency": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["saved_searches"] = "\n".join(s.query for s in self.instance.saved_searches.all())
        for name in ("trending_count", "for_you_count"):
            self.fields[name].min_value = 1
            self.fields[name].max_value = 20
            self.fields[name].widget.attrs.update(min=1, max=20)

    def clean_trending_count(self) -> int:
        return self._count("trending_count")

    def clean_for_you_count(self) -> int:
        return self._count("for_you_count")

    def _count(self, name: str) -> int:
        value = self.cleaned_data[name]
        if not 1 <= value <= 20:
            raise forms.ValidationError("Choose between 1 and 20 papers.")
        return value

    def clean_saved_searches(self) -> list[str]:
        queries: list[str] = []
        for line in self.cleaned_data["saved_searches"].splitlines():
            query = " ".join(line.split())
            if not query or query in queries:
                continue
            if len(query) > MAX_QUERY_CHARS:
                raise forms.ValidationError(f"“{query[:40]}…” is longer than {MAX_QUERY_CHARS} characters.")
            if apps.is_installed("paperfeed.search"):
                from paperfeed.search.public import QueryError
                from paperfeed.search.query import parse_query

                try:
                    parse_query(query)
                except QueryError as error:
                    raise forms.ValidationError(f"“{query}”: {error}") from None
            queries.append(query)
        if len(queries) > MAX_SAVED_SEARCHES:
            raise forms.ValidationError(f"Keep to {MAX_SAVED_SEARCHES} saved searches.")
        return queries
