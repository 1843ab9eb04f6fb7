"""Papers, listings and users in the JSON shapes of the Hugging Face papers API (see HF_API.md).

The client reads some fields only from the top level of a feed item (title, numComments,
ai_summary, ai_keywords, organization, projectPage, githubRepo, githubStars), so feed and
search items carry them both inside ``paper`` and at the top level.
"""

from __future__ import annotations

from datetime import UTC, datetime

from paperfeed.api.row_queries import author_rows
from paperfeed.community.shown import comment_total, site_comment_counts
from paperfeed.papers.models import Listing, Paper

# Serialisation works on plain rows (``.values()`` dicts), not model instances: building
# hundreds of instances per feed page cost more than the queries themselves.
PAPER_COLUMNS = ("id", "arxiv_id", "title", "abstract", "published", "upvotes", "imported_comment_count",
                 "thumbnail", "ai_summary", "ai_keywords", "project_page", "github_repo", "github_stars",
                 "organization", "media_urls")  # fmt: skip
# A listing's submission, read from Listing (prefix "" ) or through a relation (e.g. "listing__").
SUBMISSION_COLUMNS = ("submitted_at", "submitted_by_id", "submitted_by__username", "submitted_by__fullname",
                      "submitted_by__avatar_url")  # fmt: skip

PaperRow = dict
# When a paper appeared on the feed and who put it there (a UserRef, or None for an import).
Submission = tuple[datetime, dict | None]


def iso(moment: datetime | None) -> str | None:
    """UTC time the way the Hub writes it: 2025-03-18T08:00:00.000Z."""
    if moment is None:
        return None
    # isoformat is much faster than strftime; it ends in "+00:00" for UTC.
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def user_ref(user) -> dict | None:
    if user is None:
        return None
    return user_ref_of(user.pk, user.username, user.fullname, user.avatar_url)


def user_ref_of(pk: int, username: str, fullname: str | None, avatar_url: str | None) -> dict:
    return {
        "_id": str(pk),
        "user": username,
        "fullname": fullname or username,
        "avatarUrl": avatar_url or "",
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


def author_dict(row: tuple) -> dict:
    """An Author from an authorship row (see row_queries.author_rows)."""
    _, pk, name, hidden, status, user_id, username, fullname, avatar_url = row
    author: dict = {"_id": str(pk), "name": name, "hidden": hidden}
    if status:
        author["status"] = status
    if user_id is not None:
        author["user"] = user_ref_of(user_id, username, fullname, avatar_url)
    return author


def paper_row(paper: Paper) -> PaperRow:
    """A model instance as the row serialisation works on (for callers that hold instances)."""
    return {column: getattr(paper, column) for column in PAPER_COLUMNS}


def submission_of_row(submitted_at, user_id, username, fullname, avatar_url) -> Submission:
    """A Submission from ``SUBMISSION_COLUMNS`` values."""
    return submitted_at, None if user_id is None else user_ref_of(user_id, username, fullname, avatar_url)


def submission_of(listing: Listing) -> Submission:
    return listing.submitted_at, user_ref(listing.submitted_by) if listing.submitted_by_id else None


class PaperExtras:
    """What a batch of papers needs from other tables: authors, submissions, local comment counts."""

    def __init__(self, paper_ids: list[int], submissions: dict[int, Submission] | None = None):
        self.authors: dict[int, list[dict]] = {pk: [] for pk in paper_ids}
        self.participating: set[int] = set()
        for row in author_rows(paper_ids):
            self.authors[row[0]].append(author_dict(row))
            if row[5] is not None:
                self.participating.add(row[0])
        if submissions is None:
            listings = Listing.objects.filter(paper_id__in=paper_ids, hidden=False)
            submissions = {
                row[0]: submission_of_row(*row[1:])
                for row in listings.values_list("paper_id", *SUBMISSION_COLUMNS)
            }
        self.submissions = submissions
        self.local_comments = site_comment_counts(paper_ids)

    def comment_count(self, paper: PaperRow) -> int:
        return comment_total(paper["imported_comment_count"], self.local_comments.get(paper["id"], 0))


def paper_dict(paper: PaperRow, extras: PaperExtras) -> dict:
    """The Hub's Paper object."""
    submission = extras.submissions.get(paper["id"])
    data: dict = {
        "id": paper["arxiv_id"],
        "authors": extras.authors.get(paper["id"], []),
        "publishedAt": iso(paper["published"]),
        "title": paper["title"],
        "summary": paper["abstract"],
        "upvotes": paper["upvotes"],
        "discussionId": paper["arxiv_id"],
    }
    if submission is not None:
        submitted_at, submitter = submission
        data["submittedOnDailyAt"] = iso(submitted_at)
        if submitter is not None:
            data["submittedOnDailyBy"] = submitter
    data.update(optional_fields(paper))
    return data


def optional_fields(paper: PaperRow) -> dict:
    """Fields the Hub sends only when it has them."""
    data: dict = {}
    if paper["ai_summary"]:
        data["ai_summary"] = paper["ai_summary"]
    if paper["ai_keywords"]:
        data["ai_keywords"] = [str(keyword) for keyword in paper["ai_keywords"]]
    if paper["project_page"]:
        data["projectPage"] = paper["project_page"]
    if paper["github_repo"]:
        data["githubRepo"] = paper["github_repo"]
    if paper["github_stars"] is not None:
        data["githubStars"] = paper["github_stars"]
    organization = org_ref(paper["organization"])
    if organization:
        data["organization"] = organization
    if paper["media_urls"]:
        data["mediaUrls"] = [str(url) for url in paper["media_urls"]]
    return data


def feed_item(paper: PaperRow, extras: PaperExtras) -> dict:
    """One item of the daily feed or of search results."""
    submission = extras.submissions.get(paper["id"])
    item: dict = {
        "paper": paper_dict(paper, extras),
        "publishedAt": iso(submission[0] if submission else paper["published"]),
        "title": paper["title"],
        "summary": paper["abstract"],
        "thumbnail": paper["thumbnail"] or "",
        "numComments": extras.comment_count(paper),
        "isAuthorParticipating": paper["id"] in extras.participating,
    }
    if submission is not None and submission[1] is not None:
        item["submittedBy"] = submission[1]
    item.update(optional_fields(paper))
    return item


def feed_items(papers: list[PaperRow], submissions: dict[int, Submission] | None = None) -> list[dict]:
    """Feed items for rows in order; ``submissions`` by paper id when the caller has them already."""
    extras = PaperExtras([paper["id"] for paper in papers], submissions)
    return [feed_item(paper, extras) for paper in papers]


def paper_detail(paper: PaperRow, submission: Submission | None) -> dict:
    """``/api/papers/{id}``: a flat Paper with the counts the Hub adds there."""
    extras = PaperExtras([paper["id"]], {paper["id"]: submission} if submission else {})
    data = paper_dict(paper, extras)
    data.update(
        {
            "numComments": extras.comment_count(paper),
            "thumbnail": paper["thumbnail"] or "",
            "linkedModels": [],
            "numTotalModels": 0,
            "linkedDatasets": [],
            "numTotalDatasets": 0,
            "linkedSpaces": [],
        }
    )
    return data


def listing_items(listings: list[Listing]) -> list[dict]:
    """Feed items for listing instances (with their papers and submitters loaded)."""
    return feed_items(
        [paper_row(listing.paper) for listing in listings],
        {listing.paper_id: submission_of(listing) for listing in listings},
    )
