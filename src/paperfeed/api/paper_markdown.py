"""A paper page as Markdown (``/papers/{id}.md``, what ``HfApi.read_paper`` returns)."""

from __future__ import annotations

from django.conf import settings

from paperfeed.papers.models import Listing, Paper


def _line(text: str) -> str:
    """One line of text: arXiv titles carry hard line breaks and double spaces."""
    return " ".join(text.split())


def paper_markdown(paper: Paper) -> str:
    names = paper.authorships.visible().order_by("position").values_list("name", flat=True)
    authors = [_line(name) for name in names]
    listing = Listing.objects.filter(paper=paper, hidden=False).select_related("submitted_by").first()
    page_url = f"{settings.BASE_URL}{paper.get_absolute_url()}"
    lines = [f"# {_line(paper.title)}", ""]
    facts = [
        f"**Authors:** {', '.join(authors) if authors else 'unknown'}",
        f"**arXiv:** [{paper.arxiv_id}]({paper.abs_url}) · [PDF]({paper.pdf_url})",
    ]
    if paper.published:
        facts.append(f"**Published:** {paper.published:%Y-%m-%d}")
    if listing is not None:
        submitted = f" by {listing.submitted_by.username}" if listing.submitted_by else ""
        facts.append(f"**On the daily feed:** {listing.date:%Y-%m-%d}{submitted}")
    facts.append(f"**Upvotes:** {paper.upvotes}")
    if paper.categories:
        facts.append(f"**Categories:** {', '.join(paper.category_list)}")
    if paper.github_repo:
        stars = f" (★ {paper.github_stars})" if paper.github_stars is not None else ""
        facts.append(f"**Code:** {paper.github_repo}{stars}")
    if paper.project_page:
        facts.append(f"**Project page:** {paper.project_page}")
    if paper.doi:
        facts.append(f"**DOI:** {paper.doi}")
    facts.append(f"**Page:** {page_url}")
    lines += [fact + "  " for fact in facts]
    lines += ["", "## Abstract", "", paper.abstract.strip() or "No abstract.", ""]
    if paper.ai_summary:
        lines += ["## Summary", "", paper.ai_summary.strip(), ""]
        if paper.ai_keywords:
            lines += [f"**Keywords:** {', '.join(str(k) for k in paper.ai_keywords)}", ""]
    if paper.arxiv_comment:
        lines += ["## Notes", "", paper.arxiv_comment.strip(), ""]
    if paper.journal_ref:
        lines += [f"Journal reference: {paper.journal_ref.strip()}", ""]
    return "\n".join(lines)
