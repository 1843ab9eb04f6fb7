from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IngestConfig(AppConfig):
    name = "paperfeed.ingest"
    label = "ingest"

    def ready(self) -> None:
        from paperfeed.ingest.upkeep import on_post_migrate

        # `paperfeed migrate` and `paperfeed serve` repair what an interrupted import left.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="ingest-repair-after-interruption")
