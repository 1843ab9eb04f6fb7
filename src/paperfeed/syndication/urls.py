"""Feed URLs: every feed in Atom (``.atom``) and RSS 2.0 (``.rss``).

- ``/feeds/daily.atom``: the latest days of the daily feed
- ``/feeds/trending.atom``
- ``/feeds/search.atom?q=<query>``
- ``/feeds/category/<category>.atom`` (e.g. ``cs.LG``)
- ``/feeds/author.atom?name=<author name>``
- ``/feeds/collection/<id>.atom`` (public collections)
"""

from django.urls import path

from paperfeed.core.read_cache import cached_for_anonymous_reads
from paperfeed.syndication.feeds import (
    FORMATS,
    AuthorFeed,
    CategoryFeed,
    CollectionFeed,
    DailyFeed,
    SearchFeed,
    TrendingFeed,
)

app_name = "feeds"
# Feed readers poll these few URLs; what they show changes only with the feed (and trending with
# the clock). Search, author and collection feeds are always worked out.
feed_of_the_day = cached_for_anonymous_reads(timeout=300)
moving_with_the_clock = cached_for_anonymous_reads(timeout=60)
urlpatterns = []
for extension, feed_type in FORMATS.items():
    urlpatterns += [
        path(f"feeds/daily.{extension}", feed_of_the_day(DailyFeed(feed_type)), name=f"daily_{extension}"),
        path(
            f"feeds/trending.{extension}",
            moving_with_the_clock(TrendingFeed(feed_type)),
            name=f"trending_{extension}",
        ),
        path(f"feeds/search.{extension}", SearchFeed(feed_type), name=f"search_{extension}"),
        path(
            f"feeds/category/<str:category>.{extension}",
            feed_of_the_day(CategoryFeed(feed_type)),
            name=f"category_{extension}",
        ),
        path(f"feeds/author.{extension}", AuthorFeed(feed_type), name=f"author_{extension}"),
        path(
            f"feeds/collection/<int:pk>.{extension}",
            CollectionFeed(feed_type),
            name=f"collection_{extension}",
        ),
    ]
