"""Run by the huggingface_hub 1.x venv: call every papers method against ENDPOINT, print JSON.

Usage: python hf1_client_script.py ENDPOINT DAY WEEK PAPER_ID
"""

import json
import sys

from huggingface_hub import HfApi, __version__
from huggingface_hub.errors import BadRequestError, HfHubHTTPError


def summary(paper) -> dict:
    return {
        "id": paper.id,
        "title": paper.title,
        "upvotes": paper.upvotes,
        "authors": [author.name for author in paper.authors or []],
        "submitted_at": paper.submitted_at.isoformat() if paper.submitted_at else None,
        "submitted_by": paper.submitted_by.username if paper.submitted_by else None,
        "comments": paper.comments,
    }


def main() -> None:
    endpoint, day, week, paper_id = sys.argv[1:5]
    api = HfApi(endpoint=endpoint, token=False)
    out: dict = {"version": __version__}
    out["day"] = [summary(p) for p in api.list_daily_papers(date=day, limit=100)]
    out["week"] = [p.id for p in api.list_daily_papers(week=week, limit=100)]
    out["trending"] = [summary(p) for p in api.list_daily_papers(sort="trending", limit=10)]
    out["page_two"] = [p.id for p in api.list_daily_papers(date=day, limit=3, p=1)]
    out["past_the_end"] = [p.id for p in api.list_daily_papers(date=day, limit=100, p=5)]
    out["info"] = summary(api.paper_info(paper_id))
    out["markdown"] = api.read_paper(paper_id)
    try:
        list(api.list_daily_papers(date="2025-13-40"))
    except BadRequestError as error:
        out["bad_request"] = str(error)
    try:
        api.paper_info("2503.99999")
    except HfHubHTTPError as error:
        out["not_found"] = error.response.status_code
    print(json.dumps(out))


if __name__ == "__main__":
    main()
