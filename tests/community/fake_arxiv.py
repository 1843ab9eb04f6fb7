"""A stand-in for the arXiv API on 127.0.0.1: answers ``id_list`` queries with real-format Atom."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom">
  <link href="http://arxiv.org/api/query?id_list={ids}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: id_list={ids}</title>
  <id>http://arxiv.org/api/fake</id>
  <updated>{now}</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>{total}</opensearch:itemsPerPage>
{entries}
</feed>
"""

ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{id}v{version}</id>
    <updated>{updated}</updated>
    <published>{published}</published>
    <title>{title}</title>
    <summary>{abstract}</summary>
{authors}
    <arxiv:comment>12 pages, 4 figures</arxiv:comment>
    <link href="http://arxiv.org/abs/{id}v{version}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{id}v{version}" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>
  </entry>"""


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeArxiv:
    """Serve the papers in ``self.papers`` (id -> dict with title, published, authors)."""

    def __init__(self) -> None:
        self.papers: dict[str, dict] = {}
        self.requests: list[str] = []
        self.delay = 0.0  # seconds each answer takes: a slow arXiv
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server hook name)
                owner.requests.append(self.path)
                time.sleep(owner.delay)
                ids = parse_qs(urlsplit(self.path).query).get("id_list", [""])[0].split(",")
                entries = [owner.entry(i) for i in ids if i in owner.papers]
                body = FEED.format(
                    ids=escape(",".join(ids)),
                    now=_stamp(datetime.now()),
                    total=len(entries),
                    entries="\n".join(entries),
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/query"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def entry(self, arxiv_id: str) -> str:
        paper = self.papers[arxiv_id]
        authors = "\n".join(f"    <author><name>{escape(n)}</name></author>" for n in paper["authors"])
        return ENTRY.format(
            id=arxiv_id,
            version=paper.get("version", 1),
            updated=_stamp(paper["published"]),
            published=_stamp(paper["published"]),
            title=escape(paper["title"]),
            abstract=escape(paper.get("abstract", "An abstract.")),
            authors=authors,
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
