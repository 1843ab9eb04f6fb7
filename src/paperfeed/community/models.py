"""What people add to papers: votes, comments and collections."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

from paperfeed.papers.models import Paper


class Vote(models.Model):
    """One upvote: one per user and paper."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="vote_once_per_paper")]
        indexes = [models.Index(fields=["paper", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} ▲ {self.paper.arxiv_id}"


class CommentQuerySet(models.QuerySet):
    def visible(self) -> CommentQuerySet:
        return self.filter(hidden=False, deleted=False)


class Comment(models.Model):
    """A Markdown comment on a paper, or a reply to one (one level deep)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleted by its author: kept as a tombstone so replies keep their context.
    deleted = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["paper", "created_at"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.paper.arxiv_id}: {self.body[:40]}"


class Collection(models.Model):
    """A named list of papers kept by a user; public ones are shown to everyone."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    papers = models.ManyToManyField(Paper, through="CollectionItem", related_name="collections")

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:collection", args=[self.pk])


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="collection_items")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at"]
        constraints = [models.UniqueConstraint(fields=["collection", "paper"], name="collection_item_once")]

    def __str__(self) -> str:
        return f"{self.paper.arxiv_id} in {self.collection}"


class RateCounter(models.Model):
    """Attempts of one action by one key in the current window (see ratelimits.hit)."""

    name = models.CharField(max_length=100, unique=True)  # action and a hash of the key
    window_start = models.BigIntegerField()  # the window's number: seconds since the epoch // length
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # seconds since the epoch

    def __str__(self) -> str:
        return f"{self.name}: {self.hits}"


class FetchStatus(models.TextChoices):
    FETCHING = "fetching", "Waiting for arXiv"
    DONE = "done", "On the feed"
    FAILED = "failed", "Failed"


class PendingSubmission(models.Model):
    """A submission of a paper the database lacks: answered at once, completed once arXiv answers.

    Fetchers (a thread in each web process, and ``paperfeed worker``) claim the arXiv ids of
    waiting rows, look them up, store the papers and then finish each submission with the usual
    rules, or fail it with the reason the submitter is shown.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    arxiv_id = models.CharField(max_length=64)  # the id without version, as stored on papers
    override_window = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=FetchStatus.choices, default=FetchStatus.FETCHING)
    code = models.CharField(max_length=32, blank=True, default="")  # the broken rule, when failed
    message = models.TextField(blank=True, default="")  # for the submitter, when failed
    paper = models.ForeignKey(Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True, default="")  # the fetcher at work on it
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Submitting an id that is still being fetched again waits for the same fetch.
            models.UniqueConstraint(
                fields=["user", "arxiv_id"],
                condition=models.Q(status="fetching"),
                name="one_pending_submission_per_paper",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.arxiv_id} by {self.user_id}: {self.status}"


# What a reader teaches the recommendations (read by paperfeed.recommend.signals).


class NotInterested(models.Model):
    """A paper a reader dismissed: hidden from them and counted against similar papers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="not_interested"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="not_interested_once")]

    def __str__(self) -> str:
        return f"{self.user} ✕ {self.paper.arxiv_id}"


class LibrarySource(models.TextChoices):
    BIBTEX = "bibtex", "BibTeX"
    RIS = "ris", "RIS"
    CSL_JSON = "csl-json", "CSL-JSON"
    IDS = "ids", "Pasted ids"


class LibraryEntry(models.Model):
    """A paper of a reader's imported library (a positive signal), matched to a stored paper.

    One row per reader and paper, so importing the same library again changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=LibrarySource.choices)
    key = models.CharField(max_length=300, blank=True, default="")  # the entry's key or pasted id
    line = models.PositiveIntegerField(null=True, blank=True)  # where the entry starts in the file
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "library entries"
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="library_entry_once")]

    def __str__(self) -> str:
        return f"{self.paper.arxiv_id} in {self.user}'s library"


class OwnAuthorName(models.Model):
    """ "These are my papers": an author name a reader picked; the papers of that name
    (``Authorship.paper_ids_by(name)``) count as the reader's own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="own_author_names"
    )
    name = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="own_author_name_once")]

    def __str__(self) -> str:
        return f"{self.user} is {self.name}"


class PickedTopic(models.Model):
    """A category (``cs.LG``) or a free topic a reader picked to start from."""

    class Kind(models.TextChoices):
        CATEGORY = "category", "Category"
        TOPIC = "topic", "Topic"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="picked_topics")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CATEGORY)
    value = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "value"], name="picked_topic_once")]

    def __str__(self) -> str:
        return f"{self.user} picked {self.value}"


class Impression(models.Model):
    """How often a paper was shown to a reader in For you or a digest, and whether they opened
    it: papers shown several times, or opened, stop coming back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impressions")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    shown_count = models.PositiveIntegerField(default=0)
    first_shown_at = models.DateTimeField(null=True, blank=True)
    last_shown_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)  # first opened, if ever

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="impression_once")]

    def __str__(self) -> str:
        return f"{self.paper.arxiv_id} shown {self.shown_count}× to {self.user}"


class RecommendationReset(models.Model):
    """When a reader last reset their recommendations: upvotes and saves from before it stay on
    the site but no longer teach the recommendations (the other signals are deleted on reset)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reset_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} reset at {self.reset_at:%Y-%m-%d %H:%M}"


# Authors on the site: claims of author names on papers, and what a member says of themselves.


class ClaimStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


# The claims that hold a name: a rejected claim frees it for anyone (its claimant included).
ACTIVE_CLAIM = models.Q(status__in=[ClaimStatus.PENDING, ClaimStatus.APPROVED])


class AuthorshipClaim(models.Model):
    """A member's "this is me": an author name on a paper, reviewed by staff (community/claims.py).

    Keyed by paper and name, not by the authorship row: imports replace a paper's authorships
    (delete and insert, in plain SQL), which would break a foreign key and lose a link stored on
    the row; a claim outlives them as long as the paper still lists the name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authorship_claims"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorship_claims")
    name = models.CharField(max_length=300)  # as the paper spells it
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One name has one claimant at a time, and a member is one author of a paper.
            models.UniqueConstraint(fields=["paper", "name"], condition=ACTIVE_CLAIM, name="claim_name_once"),
            models.UniqueConstraint(
                fields=["paper", "user"], condition=ACTIVE_CLAIM, name="claim_paper_once"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.name} on {self.paper.arxiv_id} ({self.status})"


# Links people follow from a profile: web addresses only (no javascript:, data: or ftp:).
web_url = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


class ProfileDetails(models.Model):
    """What a member says of themselves on their profile: an affiliation and a few links."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_details"
    )
    affiliation = models.CharField(max_length=200, blank=True, default="")
    homepage = models.URLField(max_length=300, blank=True, default="", validators=[web_url])
    orcid = models.URLField("ORCID", max_length=300, blank=True, default="", validators=[web_url])
    github = models.URLField("GitHub", max_length=300, blank=True, default="", validators=[web_url])
    scholar = models.URLField("Google Scholar", max_length=300, blank=True, default="", validators=[web_url])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "profile details"

    def __str__(self) -> str:
        return f"{self.user}'s profile"

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, url) of the links filled in, in a fixed order."""
        return [
            (self._meta.get_field(name).verbose_name, url)
            for name in ("homepage", "orcid", "github", "scholar")
            if (url := getattr(self, name))
        ]
