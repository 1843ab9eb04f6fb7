"""URL converters: arXiv ids (including old ids with a slash), dates, ISO weeks, months."""

from paperfeed.papers.arxiv_ids import URL_ID_REGEX


class ArxivIdConverter:
    regex = URL_ID_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
