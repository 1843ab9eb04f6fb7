from django.apps import AppConfig


def warm_up_in_background() -> None:
    from paperfeed.search.public import warm_up

    warm_up(background=True)


def check_query_model() -> None:
    from paperfeed.search.embedding import check_query_model as check

    check()


def index_health() -> dict:
    """For /healthz: raises when the index cannot be read; an index not built yet is reachable."""
    from paperfeed.search.backends import get_backend

    state = get_backend().state()
    return {"documents": state.documents, "built": state.model is not None}


class SearchConfig(AppConfig):
    name = "paperfeed.search"
    label = "search"

    def ready(self) -> None:
        from paperfeed.core import health, warm_up

        warm_up.register(warm_up_in_background)  # the search model and index, before visitors
        warm_up.register_check(check_query_model)  # its files exist: a web process never derives them
        health.register("index", index_health)
