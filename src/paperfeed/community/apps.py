from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "paperfeed.community"
    label = "community"

    def ready(self) -> None:
        from paperfeed.community.models import Comment, Vote
        from paperfeed.core import feed_version

        feed_version.watch(Vote, Comment)  # upvote counts and comment totals on the feed
