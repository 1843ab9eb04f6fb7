from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "paperfeed.api"
    label = "api"
    verbose_name = "API and access tokens"

    def ready(self) -> None:
        from paperfeed.api.members_door import door
        from paperfeed.core import members_only

        members_only.register(door)
