from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "paperfeed.api"
    label = "api"
    verbose_name = "API and access tokens"

    def ready(self) -> None:
        # Every process (web workers, ingest, worker) keeps the feed version current, so cached
        # feed pages and JSON are never served after a write that changes them.
        from django.db import connections
        from django.db.backends.signals import connection_created

        from paperfeed.api.feed_version import watch_connection

        connection_created.connect(watch_connection, dispatch_uid="paperfeed-feed-version")
        for connection in connections.all(initialized_only=True):
            watch_connection(sender=None, connection=connection)
