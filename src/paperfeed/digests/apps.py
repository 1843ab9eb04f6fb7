from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "paperfeed.digests"
    label = "digests"
    verbose_name = "Email digests"

    def ready(self) -> None:
        from paperfeed.core import read_cache
        from paperfeed.digests.banner import DISMISSED_COOKIE

        read_cache.personal_cookie(DISMISSED_COOKIE)
