from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Machinery every app shares and that knows no domain model: the apps register with it."""

    name = "paperfeed.core"
    label = "core"
    verbose_name = "Site machinery"

    def ready(self) -> None:
        # Every process (web workers, ingest, worker) keeps the feed version current, so cached
        # feed pages and JSON are never served after a write that changes them. Which tables
        # count is registered by the apps that own them (feed_version.watch).
        from django.db import connections
        from django.db.backends.signals import connection_created

        from paperfeed.core.feed_version import watch_connection

        connection_created.connect(watch_connection, dispatch_uid="paperfeed-feed-version")
        for connection in connections.all(initialized_only=True):
            watch_connection(sender=None, connection=connection)
