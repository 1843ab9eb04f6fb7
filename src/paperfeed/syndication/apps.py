from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "paperfeed.syndication"
    label = "syndication"
    verbose_name = "RSS and Atom feeds"
