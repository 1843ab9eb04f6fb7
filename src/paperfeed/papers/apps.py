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
