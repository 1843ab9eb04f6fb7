from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "paperfeed.papers"
    label = "papers"

    def ready(self) -> None:
        # Registered once, before any URLconf that uses <arxiv:...> is imported.
        from django.urls import register_converter
        from django.urls.converters import get_converters

        from paperfeed.papers.converters import ArxivIdConverter

        if "arxiv" not in get_converters():
            register_converter(ArxivIdConverter, "arxiv")

        from paperfeed.core import feed_version
        from paperfeed.papers.models import Authorship, Listing, Paper

        feed_version.watch(Paper, Listing, Authorship)
        # The PostgreSQL import writes papers past Django's cursors; their modified_at still moves.
        feed_version.watch_newest(Paper, "modified_at")
