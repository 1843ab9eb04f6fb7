from django.apps import AppConfig


def warm_up_in_background() -> None:
    """Read (or fit) the lexicon and the newest papers' word vectors on a background thread, so
    the first For you of a web process does not tokenise a month of abstracts."""
    import threading

    from paperfeed.recommend.lexicon import warm_up

    threading.Thread(target=warm_up, name="recommend-warm-up", daemon=True).start()


class RecommendConfig(AppConfig):
    name = "paperfeed.recommend"
    label = "recommend"
    verbose_name = "Recommendations"

    def ready(self) -> None:
        from paperfeed.core import warm_up

        warm_up.register(warm_up_in_background)
