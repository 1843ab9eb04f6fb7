"""The digest's "From what you follow" section: papers new in the period by followed authors, in
followed categories and collections, or matching followed searches; never one the mail already
holds in another section, nor one an earlier digest held.

Community reads what is followed; a followed search is run by search, handed to community's
query here (community may not import search). One composer run asks each distinct query once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from paperfeed.community.following.feed import new_in
from paperfeed.community.following.services import members_following
from paperfeed.digests.interest import mailed_ids
from paperfeed.digests.models import Subscription
from paperfeed.digests.periods import DigestPeriod

FOLLOWING_COUNT = 10
TITLE = "From what you follow"


class SharedSearches:
    """``search_papers`` for one composer run: many subscribers follow the same queries."""

    def __init__(self) -> None:
        self._answers: dict[tuple, tuple[Sequence[Any], int] | ValueError] = {}

    def __call__(self, query: str, *, limit: int, sort: str, mode: str) -> tuple[Sequence[Any], int]:
        # Imported when first needed, as the composer's saved searches do: loading search is not free.
        from paperfeed.search.public import QueryError, search_papers

        key = (query.lower(), limit, sort, mode)
        if key not in self._answers:
            try:
                self._answers[key] = search_papers(query, limit=limit, sort=sort, mode=mode)
            except QueryError as error:
                self._answers[key] = error
        answer = self._answers[key]
        if isinstance(answer, ValueError):
            raise answer
        return answer


def with_follows(subscriptions: list[Subscription]) -> list[Subscription]:
    """The subscriptions whose member follows anything (one query for all)."""
    following = members_following([s.user_id for s in subscriptions if s.user_id])
    return [s for s in subscriptions if s.user_id in following]


def followed_picks(
    subscription: Subscription, period: DigestPeriod, shown: set[int], searches: SharedSearches
) -> list[tuple[Any, str]]:
    """(paper, why) for the subscriber's section, newest first; empty for an address with no member."""
    if subscription.user is None:
        return []
    excluded = shown | mailed_ids(subscription)
    return new_in(
        subscription.user, period.start, period.end, searches, exclude=excluded, limit=FOLLOWING_COUNT
    )
