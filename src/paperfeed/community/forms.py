"""Forms for comments, collections and submissions; their error messages are shown as written."""

from __future__ import annotations

from django import forms

from paperfeed.community.comments import MAX_LENGTH
from paperfeed.community.models import Collection


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Add to the discussion (Markdown works)"}),
        error_messages={
            "required": "Write something before posting: the comment is empty.",
            "max_length": "A comment can be at most %(limit_value)d characters; this one has %(show_value)d.",
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class CollectionForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = ["title", "description", "is_public"]
        labels = {"is_public": "Public: anyone can see it and it shows on your profile"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "title": {
                "required": "Give the collection a title.",
                "max_length": "A title can be at most %(limit_value)d characters; "
                "this one has %(show_value)d.",
            },
            "description": {
                "max_length": "A description can be at most %(limit_value)d characters; "
                "this one has %(show_value)d.",
            },
        }

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the collection a title.")
        return title


class SubmitForm(forms.Form):
    paper = forms.CharField(
        label="arXiv id or link",
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": "2411.01234 or https://arxiv.org/abs/2411.01234", "autofocus": True}
        ),
        error_messages={
            "required": "Enter an arXiv id such as 2411.01234 or an arxiv.org link.",
            "max_length": "That is too long to be an arXiv id or link.",
        },
    )
    override_window = forms.BooleanField(
        required=False, label="Staff: allow a paper older than the submission window"
    )
