from django.apps import AppConfig


def warm_up_in_background() -> None:
    from paperfeed.search.public import warm_up

    warm_up(background=True)


class SearchConfig(AppConfig):
    name = "paperfeed.search"
    label = "search"

    def ready(self) -> None:
        from paperfeed.core import warm_up

        warm_up.register(warm_up_in_background)  # the search model and index, before visitors
