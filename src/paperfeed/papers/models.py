"""Papers, their ordered authors, and the daily listings that put them on the feed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.urls import reverse

from paperfeed.papers import arxiv_ids
from paperfeed.papers.author_names import name_key


class PaperQuerySet(models.QuerySet):
    def visible(self) -> PaperQuerySet:
        """Papers not hidden by moderation."""
        return self.filter(hidden=False)

    def in_category(self, category: str) -> PaperQuerySet:
        """Papers in ``category``: by their source categories, or inferred ones when they have none."""
        return self.filter(category_filter(category, "categories"))


def token_filter(category: str, field: str, lookup: str = "") -> Q:
    """Exact token match in a space-separated category list, portable across databases.

    ``lookup``: "" for case-sensitive matching, "i" to ignore case.
    """
    return (
        Q(**{f"{field}__{lookup}exact": category})
        | Q(**{f"{field}__{lookup}startswith": f"{category} "})
        | Q(**{f"{field}__{lookup}endswith": f" {category}"})
        | Q(**{f"{field}__{lookup}contains": f" {category} "})
    )


def category_filter(category: str, field: str, lookup: str = "") -> Q:
    """Papers in ``category`` (``field`` is the path to ``categories``, e.g. "paper__categories"):
    a source category, or an inferred one on a paper the source gave none."""
    inferred = field.removesuffix("categories") + "inferred_categories"
    return token_filter(category, field, lookup) | (
        Q(**{field: ""}) & token_filter(category, inferred, lookup)
    )


class Paper(models.Model):
    """One arXiv paper, keyed by its id without version."""

    arxiv_id = models.CharField(max_length=40, unique=True)
    version = models.PositiveIntegerField(null=True, blank=True, help_text="Latest known version.")
    title = models.TextField()
    abstract = models.TextField(blank=True)
    # Space-separated, primary category first: "cs.LG cs.AI stat.ML".
    categories = models.CharField(max_length=300, blank=True, default="")
    # Only for papers whose source gives no categories: inferred from the paper's embedding by
    # the indexer (search/topics.py), same format, shown marked as inferred.
    # A database default too: the import store inserts rows with its own column lists.
    inferred_categories = models.CharField(max_length=300, blank=True, default="", db_default="")
    published = models.DateTimeField(null=True, blank=True, help_text="First version on arXiv.")
    updated = models.DateTimeField(null=True, blank=True, help_text="Latest version on arXiv.")
    arxiv_comment = models.TextField(blank=True, default="", help_text="The authors' arXiv comment.")
    journal_ref = models.TextField(blank=True, default="")
    doi = models.CharField(max_length=200, blank=True, default="")
    github_repo = models.URLField(max_length=300, blank=True, default="")
    github_stars = models.PositiveIntegerField(null=True, blank=True)
    project_page = models.URLField(max_length=500, blank=True, default="")
    ai_summary = models.TextField(blank=True, default="")
    ai_keywords = models.JSONField(default=list, blank=True)
    # Only for papers without ai_keywords: key phrases extracted from the title and abstract by
    # the indexer (search/keyphrases.py).
    keyphrases = models.JSONField(default=list, blank=True, db_default=[])
    # Hugging Face organisation record ({"name", "fullname", "avatarUrl"}), if any.
    organization = models.JSONField(null=True, blank=True)
    thumbnail = models.URLField(max_length=500, blank=True, default="")
    media_urls = models.JSONField(default=list, blank=True)
    # Votes carried over from an imported source; local votes are added on top.
    imported_upvotes = models.PositiveIntegerField(default=0)
    # imported_upvotes + local votes, kept in step so feeds can sort without a join.
    upvotes = models.PositiveIntegerField(default=0)
    imported_comment_count = models.PositiveIntegerField(default=0)
    # The freshness of the record this row was last written from; older records
    # only fill gaps, newer ones overwrite.
    source_updated = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator: off every feed.")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["published"]),
            models.Index(fields=["modified_at"]),
            # Only the few hidden papers: search drops them from its candidates without asking
            # about each candidate.
            models.Index(fields=["id"], condition=Q(hidden=True), name="papers_paper_hidden"),
            # An exact title finds its paper without the search index (search/lookup.py). Declared
            # here so that SQLite's table rebuilds (adding a column) keep it; see migration 0010.
            models.Index(Lower("title"), name="search_paper_title_lower"),
        ]

    def __str__(self) -> str:
        return f"{self.arxiv_id}: {self.title[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("papers:detail", args=[self.arxiv_id])

    @property
    def category_list(self) -> list[str]:
        return self.categories.split()

    @property
    def primary_category(self) -> str:
        return self.categories.split(" ", 1)[0] if self.categories else ""

    @property
    def categories_inferred(self) -> bool:
        """Whether the categories shown are inferred (the source gave none)."""
        return not self.categories and bool(self.inferred_categories)

    @property
    def topic_categories(self) -> list[str]:
        """The categories to show and filter by: the source's, else the inferred ones."""
        return (self.categories or self.inferred_categories).split()

    @property
    def keywords_extracted(self) -> bool:
        """Whether the keywords shown were extracted here (the source gave none)."""
        return not self.ai_keywords and bool(self.keyphrases)

    @property
    def keyword_list(self) -> list[str]:
        """The keywords to show: the source's (Hugging Face's), else the extracted key phrases."""
        return [str(keyword) for keyword in (self.ai_keywords or self.keyphrases or [])]

    @property
    def abs_url(self) -> str:
        return arxiv_ids.abs_url(self.arxiv_id)

    @property
    def pdf_url(self) -> str:
        return arxiv_ids.pdf_url(self.arxiv_id)

    @property
    def local_upvotes(self) -> int:
        return self.upvotes - self.imported_upvotes


class AuthorshipQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for authorship in objs:
            authorship.name_key = name_key(authorship.name)
        return super().bulk_create(objs, *args, **kwargs)

    def visible(self) -> AuthorshipQuerySet:
        """The authorships readers see. An author the source record marks hidden (an HF author
        who hid themselves) is left out of every page, feed, citation, API answer and digest."""
        return self.filter(hidden=False)

    def names_by_paper(self, paper_ids) -> dict[int, list[str]]:
        """Each of the papers' visible author names in order, in one query (every id is a key)."""
        names: dict[int, list[str]] = {paper_id: [] for paper_id in paper_ids}
        rows = (
            self.visible()
            .filter(paper_id__in=list(names))
            .order_by("paper_id", "position")
            .values_list("paper_id", "name")
        )
        for paper_id, name in rows:
            names[paper_id].append(name)
        return names


class Authorship(models.Model):
    """The author at ``position`` (0-based) in a paper's author list."""

    # No index of its own: the unique (paper, position) constraint's index serves lookups by paper.
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorships", db_index=False)
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    # The name folded for lookups (papers.author_names.name_key), kept in step with ``name`` on
    # every write: finds an author whatever the accents, case, punctuation or order typed.
    name_key = models.CharField(max_length=300, blank=True, default="", db_default="", editable=False)
    # The site user who claimed this authorship (HF "user" on an author), if any.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
        db_index=False,  # indexed where set: see Meta (nearly every author is no user)
    )
    hidden = models.BooleanField(default=False)
    status = models.CharField(max_length=40, blank=True, default="")

    objects = AuthorshipQuerySet.as_manager()

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="authorship_unique_position")
        ]
        indexes = [
            # Papers by an author, whatever the case (see paper_ids_by).
            models.Index(Lower("name"), name="papers_authorship_name_lower"),
            # Authors by a typed name (see paperfeed.search.authors).
            # Pattern operators on PostgreSQL: the same index serves a prefix (initials, "K. He").
            models.Index(
                fields=["name_key"], name="papers_authorship_name_key", opclasses=["varchar_pattern_ops"]
            ),
            # Only claimed authorships: an index of millions of NULLs would cost every import.
            models.Index(fields=["user"], condition=Q(user__isnull=False), name="papers_authorship_user"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    @staticmethod
    def visible_sql(table: str = "") -> str:
        """The rule of ``Authorship.objects.visible()`` as an SQL condition, for the few hot
        lookups written in plain SQL (``table``: the alias of the authorship table, if any)."""
        from django.db import connection

        prefix = f"{table}." if table else ""
        return f"NOT {prefix}{connection.ops.quote_name('hidden')}"

    @classmethod
    def paper_ids_by(cls, name: str) -> models.QuerySet:
        """The ids of the papers ``name`` (whatever its case) is an author of, found through the
        index on lower(name): ``name__iexact`` compiles to LIKE on SQLite and to UPPER() on
        PostgreSQL, which no index serves."""
        return (
            cls.objects.visible()
            .alias(name_lower=Lower("name"))
            .filter(name_lower=Lower(Value(name)))
            .values("paper_id")
        )


class ListingQuerySet(models.QuerySet):
    def visible(self) -> ListingQuerySet:
        return self.filter(hidden=False, paper__hidden=False)


class Listing(models.Model):
    """A paper's appearance on the daily feed: on which day, submitted by whom and when."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="listing")
    date = models.DateField(db_index=True, help_text="The feed day the paper appears on.")
    submitted_at = models.DateTimeField(help_text="When it was submitted to the feed.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    hidden = models.BooleanField(default=False, help_text="Taken off the feed by a moderator.")
    imported = models.BooleanField(default=False)

    objects = ListingQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["date", "submitted_at"]),
            models.Index(fields=["submitted_at"]),
            models.Index(fields=["submitted_by", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.paper.arxiv_id} on {self.date}"
