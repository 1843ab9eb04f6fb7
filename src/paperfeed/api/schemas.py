"""Response and request shapes, for the OpenAPI document and request bodies.

Hot routes build plain dicts (serializers.py) and return them directly; these classes
describe the same shapes so clients and schema checkers know what to expect.
"""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class Out(Schema):
    model_config = ConfigDict(populate_by_name=True, extra="allow")


class ErrorOut(Schema):
    error: str = Field(description="What is wrong, in a sentence fit to show a person.")


class UserRef(Out):
    id: str = Field(alias="_id")
    user: str = Field(description="The username.")
    fullname: str
    avatarUrl: str
    isPro: bool
    type: Literal["user"]


class OrgRef(Out):
    id: str = Field(alias="_id")
    name: str
    fullname: str
    avatarUrl: str


class Author(Out):
    id: str = Field(alias="_id")
    name: str
    hidden: bool
    status: str | None = None
    user: UserRef | None = None


class OptionalPaperFields(Out):
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
    projectPage: str | None = None
    githubRepo: str | None = None
    githubStars: int | None = None
    organization: OrgRef | None = None
    mediaUrls: list[str] | None = None


class PaperOut(OptionalPaperFields):
    id: str = Field(description="The arXiv id, without version.")
    authors: list[Author]
    publishedAt: str | None = Field(description="When the paper first appeared on arXiv.")
    submittedOnDailyAt: str | None = None
    submittedOnDailyBy: UserRef | None = None
    title: str
    summary: str = Field(description="The abstract.")
    upvotes: int
    discussionId: str


class FeedItem(OptionalPaperFields):
    paper: PaperOut
    publishedAt: str | None = Field(description="When the paper appeared on the daily feed.")
    title: str
    summary: str
    thumbnail: str
    numComments: int = Field(
        description="Comments counted by the source record (Hugging Face's count, for imported papers) "
        "plus comments made on this site. Only the latter can be read, at /api/papers/{id}/comments."
    )
    submittedBy: UserRef | None = None
    isAuthorParticipating: bool


class Span(Schema):
    type: Literal["text", "highlight"]
    text: str


class SearchItem(FeedItem):
    upvoted: bool = Field(description="Whether the caller (with a token) has upvoted the paper.")
    highlightedTitle: list[Span]
    highlightedSummary: list[Span]


class Linked(Out):
    id: str


class PaperDetail(PaperOut):
    numComments: int = Field(
        description="Comments counted by the source record (Hugging Face's count, for imported papers) "
        "plus comments made on this site. Only the latter can be read, at /api/papers/{id}/comments."
    )
    thumbnail: str
    linkedModels: list[Linked]
    numTotalModels: int
    linkedDatasets: list[Linked]
    numTotalDatasets: int
    linkedSpaces: list[Linked]


class CommentOut(Schema):
    id: int
    parentId: int | None
    author: UserRef | None = Field(description="Absent for removed comments.")
    body: str = Field(description="Markdown as written; empty for removed comments.")
    bodyHtml: str = Field(description="The Markdown rendered to sanitised HTML.")
    createdAt: str
    editedAt: str | None
    removed: bool
    replies: list[CommentOut] = []


class CommentIn(Schema):
    # Checked by the web form's rules (same messages), so no constraints here.
    body: str = Field(description="Markdown, at most 10,000 characters.")
    parentId: int | None = Field(
        None, description="Reply to this comment (a reply to a reply joins its thread)."
    )


class SubmitIn(Schema):
    id: str = Field(description="An arXiv id or arxiv.org link, e.g. 2411.01234.")


class SubmitOut(Schema):
    date: str = Field(description="The feed day the paper was put on, YYYY-MM-DD.")
    item: FeedItem


class VoteOut(Schema):
    id: str
    upvoted: bool = Field(description="Whether the caller's vote is now on the paper.")
    upvotes: int


WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut}
