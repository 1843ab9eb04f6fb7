from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Its own app inside community, so its migrations never share a folder with community's."""

    name = "paperfeed.community.notifications"
    label = "notifications"
    verbose_name = "Notifications"
