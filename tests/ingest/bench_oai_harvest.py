"""Benchmark: harvest real arXiv metadata over OAI-PMH from the fake server into a fresh database.

    python tests/ingest/bench_oai_harvest.py [--pages 10] [--page-size 1000]

Pages are rendered in arXiv's OAI-PMH ``arXiv`` format from ../shared/data/arxiv_cs_2025_2026.jsonl.xz
and chained by resumption tokens, as arXiv serves them (1000 records a page). Prints parse speed
and end-to-end harvest speed (HTTP + parse + upsert + checkpoint). Uses SQLite in a temporary data
directory unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import sys
import tempfile
import time
from datetime import date
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent.parent / "shared" / "data" / "arxiv_cs_2025_2026.jsonl.xz"

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
<responseDate>2026-07-02T09:00:00Z</responseDate>
<request verb="ListRecords">http://oaipmh.arxiv.org/oai</request>
<ListRecords>
"""
RECORD = """<record>
<header>
 <identifier>oai:arXiv.org:{id}</identifier>
 <datestamp>{listed}</datestamp>
 <setSpec>cs</setSpec>
</header>
<metadata>
 <arXiv xmlns="http://arxiv.org/OAI/arXiv/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd">
 <id>{id}</id><created>{listed}</created><authors>{authors}</authors><title>{title}</title>\
<categories>{categories}</categories>{comments}<license>http://creativecommons.org/licenses/by/4.0/</license>\
<abstract>  {abstract}
</abstract></arXiv>
</metadata>
</record>
"""


def render_author(name: str) -> str:
    forenames, _, keyname = name.rpartition(" ")
    fore = f"<forenames>{escape(forenames)}</forenames>" if forenames else ""
    return f"<author><keyname>{escape(keyname)}</keyname>{fore}</author>"


def render_pages(records: list[dict], page_size: int) -> list[bytes]:
    pages = []
    total = len(records)
    for start in range(0, total, page_size):
        chunk = records[start : start + page_size]
        body = [HEAD]
        for r in chunk:
            comment = f"<comments>{escape(r['comment'])}</comments>" if r.get("comment") else ""
            body.append(
                RECORD.format(
                    id=r["id"],
                    listed=r["listed"],
                    authors="".join(render_author(a) for a in r["authors"]),
                    title=escape(r["title"]),
                    categories=" ".join(r["categories"]),
                    comments=comment,
                    abstract=escape(r["abstract"]),
                )
            )
        end = start + len(chunk)
        token = f"9000001|{end + 1}" if end < total else ""
        attributes = f'cursor="{start}" completeListSize="{total}"'
        body.append(f"<resumptionToken {attributes}>{token}</resumptionToken>\n")
        body.append("</ListRecords>\n</OAI-PMH>\n")
        pages.append("".join(body).encode("utf-8"))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"needs {DATA}")

    os.environ.setdefault("PAPERFEED_DATA_DIR", tempfile.mkdtemp(prefix="paperfeed-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")
    sys.path.insert(0, str(HERE.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from fake_arxiv import FakeArxiv
    from paperfeed.ingest import oaipmh
    from paperfeed.ingest.arxiv_harvest import HarvestWindow, harvest

    call_command("migrate", verbosity=0)
    wanted = args.pages * args.page_size
    with lzma.open(DATA, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for _, line in zip(range(wanted), lines, strict=False)]
    pages = render_pages(records, args.page_size)

    started = time.perf_counter()
    parsed = sum(len(oaipmh.parse_list_records(page).records) for page in pages)
    parse_seconds = time.perf_counter() - started

    fake = FakeArxiv().start()
    settings.ARXIV_OAI_URL = fake.oai_url
    window = HarvestWindow(date(2025, 3, 18), date(2026, 7, 1), "cs")
    first = oaipmh.list_records_params(window.from_date, window.until_date, window.set_spec)
    fake.set_oai(first, pages[0])
    for number, page in enumerate(pages[1:], start=1):
        token = f"9000001|{number * args.page_size + 1}"
        fake.set_oai({"verb": "ListRecords", "resumptionToken": token}, page)
    report = harvest(window, restart=True)
    fake.stop_answering()

    megabytes = sum(len(p) for p in pages) / 1e6
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"pages: {len(pages)} x {args.page_size} records ({megabytes:.1f} MB of XML)")
    print(f"parse only: {parsed} records in {parse_seconds:.2f} s = {parsed / parse_seconds:,.0f} records/s")
    print(
        f"harvest ({database}): {report.records} records, {report.written.new} new, in "
        f"{report.elapsed_seconds:.2f} s = {report.records / report.elapsed_seconds:,.0f} records/s"
    )


if __name__ == "__main__":
    main()
