from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "paperfeed.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from paperfeed.core import feed_version

        feed_version.watch(get_user_model())  # submitters' names on the feed
