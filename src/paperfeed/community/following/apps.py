from django.apps import AppConfig


class FollowingConfig(AppConfig):
    """Following authors, categories, collections and searches: its own app (and migrations)
    inside community, so its schema changes never collide with community's."""

    name = "paperfeed.community.following"
    label = "following"
    verbose_name = "Following"
