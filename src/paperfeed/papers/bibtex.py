"""BibTeX for a paper, in the form arXiv's own export uses (@misc with eprint fields)."""

from __future__ import annotations

import re
import unicodedata

from paperfeed.papers.models import Paper

_SPECIAL = str.maketrans({"{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"})


def citation_key(paper: Paper, author_names: list[str]) -> str:
    last_name = author_names[0].split()[-1] if author_names and author_names[0].split() else "anon"
    year = paper.published.year if paper.published else ""
    first_word = next((w for w in re.findall(r"[A-Za-z]+", paper.title) if len(w) > 3), "paper")
    key = f"{last_name}{year}{first_word}".lower()
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode())


def to_bibtex(paper: Paper, author_names: list[str]) -> str:
    fields = [
        ("title", "{" + paper.title.translate(_SPECIAL) + "}"),
        ("author", " and ".join(author_names).translate(_SPECIAL)),
        ("year", str(paper.published.year) if paper.published else ""),
        ("eprint", paper.arxiv_id),
        ("archivePrefix", "arXiv"),
        ("primaryClass", paper.primary_category),
        ("doi", paper.doi),
        ("url", paper.abs_url),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{citation_key(paper, author_names)},\n{body}\n}}\n"
