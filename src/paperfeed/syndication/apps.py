from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "paperfeed.syndication"
    label = "syndication"
    verbose_name = "RSS and Atom feeds"

    def ready(self) -> None:
        from paperfeed.core import members_only
        from paperfeed.syndication.members_door import door

        members_only.register(door)
