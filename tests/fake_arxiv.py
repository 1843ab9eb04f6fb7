"""A stand-in for arXiv on 127.0.0.1: the Atom API at /api/query and OAI-PMH at /oai.

A real ``http.server`` in a thread, answering in arXiv's formats from hand-written fixtures
(tests/ingest/fixtures) or from entries registered by a test. Use the ``fake_arxiv`` fixture
(tests/conftest.py): it points ``settings.ARXIV_API_URL`` / ``ARXIV_OAI_URL`` at the server, turns
the API pacing delay off and records waits (``fake_arxiv.waits``) instead of sleeping::

    def test_submit(fake_arxiv, ...):
        fake_arxiv.add_entry("2411.01234", title="A paper", authors=["Ada Lovelace"])
        fake_arxiv.add_entry_fixture("1706.03762v7")   # fixtures/atom/1706.03762v7.xml
        fake_arxiv.reject_id("2411.0123")               # arXiv's "Error" entry for that id
        fake_arxiv.queue_api(503, headers={"Retry-After": "1"})  # next API call gets a 503
        fake_arxiv.delay = 2.0                          # every API answer takes 2 s (a slow arXiv)
        fake_arxiv.really_wait = True                   # waits are slept, not only recorded
        fake_arxiv.stop_answering()                     # connection refused from now on

Scripts without pytest use ``FakeArxiv().start()`` and the ``api_url`` / ``oai_url`` properties.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

FIXTURES = Path(__file__).resolve().parent / "ingest" / "fixtures"

# How arXiv itself checks ids in id_list (versions allowed); anything else gets an "Error" entry.
_ARXIV_ACCEPTS = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
_ENTRY_ID = re.compile(r"<id>https?://arxiv\.org/abs/(?P<id>.+?)v(?P<version>\d+)</id>")

FEED_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?{query}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: {title}</title>
  <id>http://arxiv.org/api/Zc4hT0Qx2lW8yq1pB9fJ3sVnKeA</id>
  <updated>{today}T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{per_page}</opensearch:itemsPerPage>
"""

ERROR_ENTRY = """  <entry>
    <id>http://arxiv.org/api/errors#{anchor}</id>
    <title>Error</title>
    <summary>{reason}</summary>
    <updated>{today}T00:00:00-04:00</updated>
    <link href="http://arxiv.org/api/errors#{anchor}" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
"""


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (to provoke client timeouts)
    times: int | None = None  # None: every time; n: the next n matching requests only


@dataclass
class Seen:
    path: str
    params: dict[str, str]


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def entry_xml(
    arxiv_id: str,
    *,
    version: int = 1,
    title: str = "A paper",
    summary: str = "We study a problem and report what we found.",
    authors: list[str] | tuple[str, ...] = ("Ada Lovelace",),
    published: str = "2024-11-04T18:59:59Z",
    updated: str | None = None,
    primary_category: str = "cs.LG",
    categories: list[str] | tuple[str, ...] = (),
    comment: str | None = None,
    journal_ref: str | None = None,
    doi: str | None = None,
) -> str:
    """An ``<entry>`` exactly as the arXiv API writes one."""
    ns = 'xmlns:arxiv="http://arxiv.org/schemas/atom"'
    vid = f"{arxiv_id}v{version}"
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <updated>{updated or published}</updated>",
        f"    <published>{published}</published>",
        f"    <title>{escape(title, quote=False)}</title>",
        f"    <summary>  {escape(summary, quote=False)}\n</summary>",
    ]
    lines += [
        f"    <author>\n      <name>{escape(name, quote=False)}</name>\n    </author>" for name in authors
    ]
    if doi:
        lines.append(f"    <arxiv:doi {ns}>{escape(doi)}</arxiv:doi>")
        lines.append(f'    <link title="doi" href="http://dx.doi.org/{escape(doi)}" rel="related"/>')
    if comment:
        lines.append(f"    <arxiv:comment {ns}>{escape(comment, quote=False)}</arxiv:comment>")
    if journal_ref:
        lines.append(f"    <arxiv:journal_ref {ns}>{escape(journal_ref, quote=False)}</arxiv:journal_ref>")
    lines.append(f'    <link href="http://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>')
    lines.append(
        f'    <link title="pdf" href="http://arxiv.org/pdf/{vid}" rel="related" type="application/pdf"/>'
    )
    lines.append(
        f'    <arxiv:primary_category {ns} term="{primary_category}" scheme="http://arxiv.org/schemas/atom"/>'
    )
    for term in dict.fromkeys([primary_category, *categories]):
        lines.append(f'    <category term="{term}" scheme="http://arxiv.org/schemas/atom"/>')
    lines.append("  </entry>")
    return "\n".join(lines) + "\n"


class FakeArxiv:
    """Scripted arXiv services on a real loopback HTTP server."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.waits: list[float] = []  # waits the client asked for (Retry-After, backoff, pacing)
        self.really_wait = False  # True: the client sleeps its waits too (a test of real pacing)
        self.delay = 0.0  # seconds every API answer takes: a slow arXiv
        self._entries: dict[str, dict[int, str]] = {}  # id without version -> version -> <entry>
        self._rejected: dict[str, str] = {}  # id as sent -> arXiv's reason
        self._api_queue: list[Reply] = []
        self._oai: dict[frozenset, list[Reply]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- life cycle

    def start(self) -> FakeArxiv:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-arxiv", daemon=True
        )
        self._thread.start()
        return self

    def stop_answering(self) -> None:
        """Close the port: from now on every request gets "connection refused"."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def pause(self, seconds: float) -> None:
        """Stands in for ``paperfeed.ingest.http.pause``: record the wait, sleep it only if asked."""
        self.waits.append(seconds)
        if self.really_wait and seconds > 0:
            time.sleep(seconds)

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/query"

    @property
    def oai_url(self) -> str:
        return f"{self.base_url}/oai"

    # -- the Atom API

    def add_entry(self, arxiv_id: str, **fields) -> str:
        """Register a paper (see :func:`entry_xml` for the fields); returns the entry's XML."""
        xml = entry_xml(arxiv_id, **fields)
        self.add_entry_xml(xml)
        return xml

    def add_entry_fixture(self, name: str) -> str:
        """Register the hand-written entry ``fixtures/atom/<name>.xml`` (``/`` in ids as ``_``)."""
        xml = fixture_bytes(f"atom/{name}.xml").decode("utf-8")
        self.add_entry_xml(xml)
        return xml

    def add_entry_xml(self, xml: str) -> None:
        match = _ENTRY_ID.search(xml)
        if not match:
            raise ValueError("an arXiv entry needs <id>http://arxiv.org/abs/ID vN</id>")
        with self._lock:
            self._entries.setdefault(match["id"], {})[int(match["version"])] = xml.rstrip("\n") + "\n"

    def reject_id(self, arxiv_id: str, reason: str | None = None) -> None:
        """Answer ``arxiv_id`` with arXiv's "Error" entry (as for an id it cannot read)."""
        self._rejected[arxiv_id] = reason or f"incorrect id format for {arxiv_id}"

    def queue_api(self, status: int = 200, body: bytes | str = b"", headers=None, delay: float = 0.0) -> None:
        """The next API request gets this reply instead of the normal answer."""
        self._api_queue.append(Reply(status, _bytes(body), dict(headers or {}), delay, 1))

    def api_requests(self) -> list[dict[str, str]]:
        return [seen.params for seen in self.requests if seen.path == "/api/query"]

    # -- OAI-PMH

    def set_oai(
        self, params: Mapping[str, str], body: bytes | str, *, status: int = 200, headers=None
    ) -> None:
        """Answer requests with exactly ``params`` with ``body`` from now on (one-off replies
        queued with :meth:`queue_oai` still come first)."""
        with self._lock:
            queued = [reply for reply in self._oai.get(_key(params), []) if reply.times is not None]
            self._oai[_key(params)] = [*queued, Reply(status, _bytes(body), dict(headers or {}))]

    def queue_oai(
        self,
        params: Mapping[str, str],
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers=None,
        delay=0.0,
    ) -> None:
        """A one-off reply to the next request with ``params``, before the usual answer."""
        with self._lock:
            self._oai.setdefault(_key(params), []).insert(
                0, Reply(status, _bytes(body), dict(headers or {}), delay, 1)
            )

    def oai_requests(self) -> list[dict[str, str]]:
        return [seen.params for seen in self.requests if seen.path == "/oai"]

    # -- answering

    def answer(self, path: str, params: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(Seen(path, params))
            if path == "/api/query":
                if self._api_queue:
                    return self._api_queue.pop(0)
                reply = self._api_answer(params)
                reply.delay = self.delay
                return reply
            if path == "/oai":
                return self._oai_answer(params)
        return Reply(404, b"Not Found", {"Content-Type": "text/plain"})

    def _api_answer(self, params: dict[str, str]) -> Reply:
        ids = [i for i in params.get("id_list", "").split(",") if i]
        today = datetime.now(UTC).date().isoformat()
        entries, errors = [], []
        for wanted in ids:
            if wanted in self._rejected or not _ARXIV_ACCEPTS.match(wanted):
                reason = self._rejected.get(wanted, f"incorrect id format for {wanted}")
                anchor = reason.replace(" ", "_")
                errors.append(ERROR_ENTRY.format(anchor=escape(anchor), reason=escape(reason), today=today))
                continue
            base, version = _split_version(wanted)
            versions = self._entries.get(base, {})
            if versions:
                chosen = int(version) if version else max(versions)
                if chosen in versions:
                    entries.append(versions[chosen])
        listed = quote(",".join(ids), safe="")
        query = f"search_query%3D%26id_list%3D{listed}%26start%3D0%26max_results%3D{len(ids)}"
        title = escape(f"search_query=&id_list={','.join(ids)}&start=0&max_results={len(ids)}")
        feed = FEED_HEAD.format(
            query=query, title=title, today=today, total=len(ids), per_page=len(entries) + len(errors)
        )
        body = feed + "".join(errors or entries) + "</feed>\n"
        # arXiv answers a query that holds an unreadable id with HTTP 400 and only the error entry.
        status = 400 if errors else 200
        return Reply(status, body.encode("utf-8"), {"Content-Type": "application/atom+xml; charset=utf-8"})

    def _oai_answer(self, params: dict[str, str]) -> Reply:
        replies = self._oai.get(_key(params))
        if not replies:
            return Reply(
                404, f"no scripted OAI-PMH answer for {params}".encode(), {"Content-Type": "text/plain"}
            )
        reply = replies[0]
        if reply.times is not None:
            reply.times -= 1
            if reply.times <= 0:
                replies.pop(0)
        headers = {"Content-Type": "text/xml; charset=utf-8", **reply.headers}
        return Reply(reply.status, reply.body, headers, reply.delay)


def _split_version(wanted: str) -> tuple[str, str]:
    match = re.match(r"^(?P<base>.+?)(?:v(?P<version>\d+))?$", wanted)
    return match["base"], match["version"] or ""


def _key(params: Mapping[str, str]) -> frozenset:
    return frozenset(params.items())


def _bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def _handler_for(fake: FakeArxiv) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's hook name)
            parts = urlsplit(self.path)
            reply = fake.answer(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)))
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature from http.server)
            pass

    return Handler
