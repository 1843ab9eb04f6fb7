from django import forms

from paperfeed.community.notifications.models import MailSettings


class MailSettingsForm(forms.ModelForm):
    class Meta:
        model = MailSettings
        fields = ["replies", "mentions"]
        labels = {
            "replies": "Mail me when someone replies to my comment",
            "mentions": "Mail me when someone @mentions me",
        }
        help_texts = {"replies": "", "mentions": ""}
