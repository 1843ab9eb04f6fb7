"""Papers, listings and users in the JSON shapes of the Hugging Face papers API (see HF_API.md).

The client reads some fields only from the top level of a feed item (title, numComments,
ai_summary, ai_keywords, organization, projectPage, githubRepo, githubStars), so feed and
search items carry them both inside ``paper`` and at the top level.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db.models import Count

from paperfeed.papers.models import Authorship, Listing, Paper


def iso(moment: datetime | None) -> str | None:
    """UTC time the way the Hub writes it: 2025-03-18T08:00:00.000Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user_ref(user) -> dict | None:
    if user is None:
        return None
    return {
        "_id": str(user.pk),
        "user": user.username,
        "fullname": user.fullname or user.username,
        "avatarUrl": user.avatar_url or "",
        "isPro": False,
        "type": "user",
    }


def org_ref(organization: dict | None) -> dict | None:
    if not organization or not isinstance(organization, dict) or not organization.get("name"):
        return None
    name = str(organization["name"])
    return {
        "_id": str(organization.get("_id") or name),
        "name": name,
        "fullname": str(organization.get("fullname") or name),
        "avatarUrl": str(organization.get("avatarUrl") or ""),
    }


AUTHOR_FIELDS = ("paper_id", "id", "name", "hidden", "status", "user_id", "user__username", "user__fullname",
                 "user__avatar_url")  # fmt: skip


def author_dict(row: tuple) -> dict:
    """An Author from an ``AUTHOR_FIELDS`` row (rows, not model instances: feeds hold hundreds)."""
    _, pk, name, hidden, status, user_id, username, fullname, avatar_url = row
    author: dict = {"_id": str(pk), "name": name, "hidden": hidden}
    if status:
        author["status"] = status
    if user_id is not None:
        author["user"] = {
            "_id": str(user_id),
            "user": username,
            "fullname": fullname or username,
            "avatarUrl": avatar_url or "",
            "isPro": False,
            "type": "user",
        }
    return author


class PaperExtras:
    """What a batch of papers needs from other tables, loaded in three queries."""

    def __init__(self, papers: Iterable[Paper], listings: dict[int, Listing] | None = None):
        self.papers = list(papers)
        ids = [paper.pk for paper in self.papers]
        self.authors: dict[int, list[dict]] = {pk: [] for pk in ids}
        self.participating: set[int] = set()
        rows = Authorship.objects.filter(paper_id__in=ids).order_by("paper_id", "position")
        for row in rows.values_list(*AUTHOR_FIELDS):
            self.authors[row[0]].append(author_dict(row))
            if row[5] is not None:
                self.participating.add(row[0])
        if listings is None:
            listings = {
                listing.paper_id: listing
                for listing in Listing.objects.filter(paper_id__in=ids, hidden=False).select_related(
                    "submitted_by"
                )
            }
        self.listings = listings
        self.local_comments = local_comment_counts(ids)

    def comment_count(self, paper: Paper) -> int:
        return paper.imported_comment_count + self.local_comments.get(paper.pk, 0)


def local_comment_counts(paper_ids: list[int]) -> dict[int, int]:
    from paperfeed.community.models import Comment

    return dict(
        Comment.objects.visible()
        .filter(paper_id__in=paper_ids)
        .values("paper_id")
        .annotate(n=Count("id"))
        .values_list("paper_id", "n")
    )


def paper_dict(paper: Paper, extras: PaperExtras) -> dict:
    """The Hub's Paper object."""
    listing = extras.listings.get(paper.pk)
    data: dict = {
        "id": paper.arxiv_id,
        "authors": extras.authors.get(paper.pk, []),
        "publishedAt": iso(paper.published),
        "title": paper.title,
        "summary": paper.abstract,
        "upvotes": paper.upvotes,
        "discussionId": paper.arxiv_id,
    }
    if listing is not None:
        data["submittedOnDailyAt"] = iso(listing.submitted_at)
        if listing.submitted_by_id is not None:
            data["submittedOnDailyBy"] = user_ref(listing.submitted_by)
    data.update(optional_fields(paper))
    return data


def optional_fields(paper: Paper) -> dict:
    """Fields the Hub sends only when it has them."""
    data: dict = {}
    if paper.ai_summary:
        data["ai_summary"] = paper.ai_summary
    if paper.ai_keywords:
        data["ai_keywords"] = [str(keyword) for keyword in paper.ai_keywords]
    if paper.project_page:
        data["projectPage"] = paper.project_page
    if paper.github_repo:
        data["githubRepo"] = paper.github_repo
    if paper.github_stars is not None:
        data["githubStars"] = paper.github_stars
    organization = org_ref(paper.organization)
    if organization:
        data["organization"] = organization
    if paper.media_urls:
        data["mediaUrls"] = [str(url) for url in paper.media_urls]
    return data


def feed_item(paper: Paper, extras: PaperExtras) -> dict:
    """One item of the daily feed or of search results."""
    listing = extras.listings.get(paper.pk)
    item: dict = {
        "paper": paper_dict(paper, extras),
        "publishedAt": iso(listing.submitted_at if listing else paper.published),
        "title": paper.title,
        "summary": paper.abstract,
        "thumbnail": paper.thumbnail or "",
        "numComments": extras.comment_count(paper),
        "isAuthorParticipating": paper.pk in extras.participating,
    }
    if listing is not None and listing.submitted_by_id is not None:
        item["submittedBy"] = user_ref(listing.submitted_by)
    item.update(optional_fields(paper))
    return item


def paper_detail(paper: Paper) -> dict:
    """``/api/papers/{id}``: a flat Paper with the counts the Hub adds there."""
    extras = PaperExtras([paper])
    data = paper_dict(paper, extras)
    data.update(
        {
            "numComments": extras.comment_count(paper),
            "thumbnail": paper.thumbnail or "",
            "linkedModels": [],
            "numTotalModels": 0,
            "linkedDatasets": [],
            "numTotalDatasets": 0,
            "linkedSpaces": [],
        }
    )
    return data


def listing_items(listings: list[Listing]) -> list[dict]:
    papers = [listing.paper for listing in listings]
    extras = PaperExtras(papers, {listing.paper_id: listing for listing in listings})
    return [feed_item(paper, extras) for paper in papers]
