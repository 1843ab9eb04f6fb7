"""Every setting paperfeed reads from the environment, declared once: name, default and meaning.

``settings.py`` turns these into Django settings; code that runs outside a request or must see a
change made while the process runs (the worker's schedule, the embedding model) calls ``value``.
The README's configuration table is ``markdown_table()`` (``paperfeed settings --markdown``), and a
test keeps the two equal. An unset or empty variable means its default; a value that cannot be read
stops the program with one line naming the variable (``SettingError``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

EMBEDDING_RUNTIMES = ("torch-bf16", "onnx-int8", "onnx", "torch")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TRUE_WORDS, FALSE_WORDS = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class SettingError(ImproperlyConfigured, ValueError):
    """A variable holds a value that cannot be read; the message names the variable and the value."""


@dataclass(frozen=True)
class Kind:
    """How a variable's text becomes a value: ``parse`` raises ValueError when it cannot."""

    expects: str  # completes "NAME must be ..."
    parse: Callable[[str], Any]


def _boolean(raw: str) -> bool:
    word = raw.strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError
    return word in TRUE_WORDS


def _choice(*choices: str, upper: bool = False) -> Kind:
    def parse(raw: str) -> str:
        word = raw.strip().upper() if upper else raw.strip().lower()
        if word not in choices:
            raise ValueError
        return word

    return Kind(f"one of {', '.join(choices)}", parse)


def _whole(minimum: int | None = None) -> Kind:
    def parse(raw: str) -> int:
        number = int(raw)
        if minimum is not None and number < minimum:
            raise ValueError
        return number

    return Kind("a whole number" + ("" if minimum is None else f" of {minimum} or more"), parse)


def _clock(raw: str) -> tuple[int, int]:
    hour, minute = (int(part) for part in raw.split(":"))
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError
    return hour, minute


TEXT = Kind("text", str)
BOOL = Kind("on or off (1/0, true/false, yes/no, on/off)", _boolean)
WHOLE = _whole()
NUMBER = Kind("a number", float)
LIST = Kind("a comma-separated list", lambda raw: [item.strip() for item in raw.split(",") if item.strip()])
CLOCK = Kind("a time of day as HH:MM, e.g. 07:00", _clock)

Read = Callable[[str], Any]


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any  # a value, or a function of the other settings (``read``) for a computed default
    help: str
    kind: Kind = TEXT
    shown_default: str | None = None  # the README's default column where the value alone says too little
    secret: bool = False  # masked by ``paperfeed settings``

    def default_text(self) -> str:
        if self.shown_default is not None:
            return self.shown_default
        if isinstance(self.default, bool):
            return "on" if self.default else "off"
        return f"`{self.default}`"


def _https(read: Read) -> bool:
    return urlsplit(read("PAPERFEED_BASE_URL")).scheme == "https"


def _web_workers(read: Read) -> int:
    from paperfeed.core.cores import usable_cores

    # One process per core (at least two): measured on 2 cores, more processes only added switching.
    return max(2, usable_cores())


S = Setting
# fmt: off
SETTINGS: tuple[Setting, ...] = (
    # Where the data lives.
    S("PAPERFEED_DATA_DIR", "data", "SQLite database, secret key, search index", shown_default="`./data`"),
    S("DATABASE_URL", None, "the database, e.g. `postgres://user:pass@host:5432/paperfeed`",
      shown_default="SQLite in the data directory", secret=True),
    S("PAPERFEED_DB_CONN_MAX_AGE", 60, "seconds a database connection is kept open between requests", WHOLE),
    S("PAPERFEED_SECRET_KEY", None, "Django secret key", shown_default="generated into the data directory",
      secret=True),
    # The site's address and who may reach it.
    S("PAPERFEED_BASE_URL", "http://127.0.0.1:8000",
      "the site's address: every absolute link (mails, feeds, API) and the host it answers to; `https://` "
      "turns on the production settings below"),
    S("PAPERFEED_ALLOWED_HOSTS", None,
      "more host names to answer to, comma-separated; `*` only with `PAPERFEED_DEBUG`",
      shown_default="the base URL's host (for a loopback one also `localhost`, `127.0.0.1`, `[::1]`)"),
    S("PAPERFEED_TRUSTED_PROXIES", None,
      "reverse proxies (addresses or networks, comma-separated) whose `X-Forwarded-For` and "
      "`X-Forwarded-Proto` are believed", shown_default="none"),
    S("PAPERFEED_CSRF_TRUSTED_ORIGINS", [],
      "more origins allowed to post forms, e.g. `https://papers.example.net`", LIST,
      shown_default="the base URL's origin"),
    S("PAPERFEED_SECURE_COOKIES", _https, "session and CSRF cookies are sent over HTTPS only", BOOL,
      shown_default="on for an `https://` base URL"),
    S("PAPERFEED_SSL_REDIRECT",
      lambda read: _https(read) and bool(LIST.parse(read("PAPERFEED_TRUSTED_PROXIES") or "")),
      "plain-HTTP requests are redirected to the base URL over HTTPS", BOOL,
      shown_default="on for an `https://` base URL with trusted proxies"),
    S("PAPERFEED_HSTS_SECONDS", lambda read: 365 * 24 * 3600 if _https(read) else 0,
      "`Strict-Transport-Security` max-age; `0` sends none", WHOLE,
      shown_default="`31536000` (a year) for an `https://` base URL, else `0`"),
    S("PAPERFEED_HSTS_INCLUDE_SUBDOMAINS", True, "the `includeSubDomains` flag of that header", BOOL),
    S("PAPERFEED_HSTS_PRELOAD", False, "the `preload` flag of that header", BOOL),
    # Mail.
    S("PAPERFEED_SMTP_URL", None, "`smtp://user:pass@host:port`, `smtps://…`, `smtp+starttls://…`",
      shown_default="none: mails are printed to the console", secret=True),
    S("PAPERFEED_FROM_EMAIL", lambda read: f"{read('PAPERFEED_SITE_NAME')} <noreply@localhost>",
      "sender address", shown_default="`paperfeed <noreply@localhost>` (the site name)"),
    S("PAPERFEED_SITE_NAME", "paperfeed", "the site's name in page titles and mails"),
    # Accounts and the community's limits.
    S("PAPERFEED_RATE_SIGNUP", "20/h/ip", "sign-up attempts allowed (allauth rate syntax)"),
    S("PAPERFEED_RATE_LOGIN", "30/m/ip", "login attempts allowed (allauth rate syntax)"),
    S("PAPERFEED_MEMBERS_ONLY", False,
      "a private site: every page, feed and API read needs an account (feeds by each member's secret "
      "address, the API by token); only sign-in, sign-up, static files and `/healthz` stay open", BOOL),
    S("PAPERFEED_SIGNUP", "open", "who may create an account: `open`, `invite` (links staff make in the "
      "admin) or `domains` (addresses at `PAPERFEED_SIGNUP_DOMAINS`)", _choice("open", "invite", "domains")),
    S("PAPERFEED_SIGNUP_DOMAINS", [], "email domains allowed to sign up with `PAPERFEED_SIGNUP=domains`, "
      "e.g. `lab.example.org,example.edu`", LIST, shown_default="none"),
    S("PAPERFEED_INVITE_DAYS", 14, "days an invite link stays valid", _whole(1)),
    S("PAPERFEED_OIDC_ISSUER", None, "OpenID Connect issuer URL of the lab's identity provider; set it (with "
      "the client id and secret) to offer single sign-on", shown_default="none: no single sign-on"),
    S("PAPERFEED_OIDC_CLIENT_ID", None, "client id registered at the identity provider",
      shown_default="none"),
    S("PAPERFEED_OIDC_SECRET", None, "client secret registered at the identity provider",
      shown_default="none", secret=True),
    S("PAPERFEED_OIDC_NAME", "Single sign-on", "the sign-in button's name, e.g. `Lab account`"),
    S("PAPERFEED_SUBMISSIONS_PER_DAY", 5, "submissions per user per day (staff exempt)", WHOLE),
    S("PAPERFEED_SUBMISSION_WINDOW_DAYS", 14, "only papers published this recently can be submitted", WHOLE),
    S("PAPERFEED_COMMENTS_PER_MINUTE", 5, "comment rate limit per user", WHOLE),
    S("PAPERFEED_SUBMIT_ATTEMPTS_PER_MINUTE", 10,
      "submission attempts per user a minute, refused ones included", WHOLE),
    # arXiv.
    S("PAPERFEED_ARXIV_API_URL", "https://export.arxiv.org/api/query", "arXiv's search API"),
    S("PAPERFEED_ARXIV_OAI_URL", "https://oaipmh.arxiv.org/oai", "arXiv's OAI-PMH endpoint (harvests)"),
    S("PAPERFEED_ARXIV_TIMEOUT", 20.0, "seconds to wait for an answer from arXiv", NUMBER,
      shown_default="`20`"),
    S("PAPERFEED_ARXIV_API_DELAY", 3.0, "seconds between calls to arXiv's API (arXiv asks for 3)", NUMBER,
      shown_default="`3`"),
    S("PAPERFEED_ARXIV_RETRY_ATTEMPTS", 5, "attempts at a call to arXiv that fails for a passing reason",
      WHOLE),
    S("PAPERFEED_ARXIV_RETRY_BACKOFF", 5.0, "seconds before the first retry; doubles with each attempt",
      NUMBER, shown_default="`5`"),
    S("PAPERFEED_ARXIV_FETCH_IN_WEB", True,
      "web processes fetch submitted papers from arXiv on a background thread; off leaves it to"
      " `paperfeed worker`", BOOL),
    S("PAPERFEED_ARXIV_FETCH_QUEUE", 100,
      "submitted papers that may wait for arXiv at once; more are refused with 503", WHOLE),
    # Digests.
    S("PAPERFEED_DIGEST_RATE", 0.0, "digest mails per second", NUMBER, shown_default="`0` (no limit)"),
    S("PAPERFEED_DIGEST_BATCH", 200, "subscribers composed and sent per batch (one SMTP connection each)",
      _whole(1)),
    S("PAPERFEED_DIGEST_RETRY_BACKOFF", 300.0,
      "seconds before a digest that failed for a passing reason is retried; doubles with each attempt",
      NUMBER, shown_default="`300`"),
    S("PAPERFEED_DIGEST_MAX_ATTEMPTS", 8, "passing failures after which a period's digest is given up",
      WHOLE),
    S("PAPERFEED_DIGEST_CLAIM_TIMEOUT", 900.0,
      "seconds after which a sender's claim counts as abandoned and another sender may take it over", NUMBER,
      shown_default="`900`"),
    S("PAPERFEED_DIGEST_BOUNCE_LIMIT", 3, "permanent rejections after which an address gets no more mail",
      WHOLE),
    S("PAPERFEED_SUBSCRIBE_PER_HOUR", 10, "subscribe requests per client address an hour", WHOLE),
    S("PAPERFEED_CONFIRMATIONS_PER_DAY", 3, "confirmation mails one address may get a day", WHOLE),
    S("PAPERFEED_LIBRARY_MAX_MB", 20,
      "largest library file (BibTeX, RIS, CSL-JSON) a reader may import, in MB", _whole(1)),
    # The worker's schedule.
    S("PAPERFEED_INGEST_AT", (5, 0), "when the worker harvests arXiv each day (UTC)", CLOCK,
      shown_default="`05:00`"),
    S("PAPERFEED_DIGEST_AT", (7, 0), "when the worker sends digests (UTC; daily ones on weekdays)", CLOCK,
      shown_default="`07:00`"),
    S("PAPERFEED_WEEKLY_DAY", "monday", "the day the worker sends weekly digests", _choice(*WEEKDAYS),
      shown_default="Monday"),
    S("PAPERFEED_INGEST_SET", "cs", "arXiv set the worker harvests"),
    S("PAPERFEED_INGEST_DAYS", 3, "days back the worker's daily harvest starts from", WHOLE),
    # Serving.
    S("PAPERFEED_WEB_WORKERS", _web_workers, "`paperfeed serve` processes", WHOLE,
      shown_default="one per core (at least 2)"),
    S("PAPERFEED_WEB_THREADS", 4, "`paperfeed serve` threads per process", WHOLE),
    S("PAPERFEED_PAGE_CACHE_ENTRIES", 200, "feed pages and anonymous API answers each web process keeps",
      WHOLE),
    # Search.
    S("PAPERFEED_SEARCH_BACKEND", None, "where the search index lives", _choice("local", "postgres"),
      shown_default="`local` on SQLite, `postgres` on PostgreSQL"),
    S("PAPERFEED_SEARCH_INDEX_DIR", None, "directory of the local search index",
      shown_default="`index` in the data directory"),
    S("PAPERFEED_SEARCH_HNSW_MIN", 50_000, "vectors from which the local index answers from an HNSW graph",
      WHOLE, shown_default="`50000`"),
    S("PAPERFEED_INDEX_ON_INGEST", True,
      "`paperfeed ingest` brings the search index up to date when it finishes", BOOL),
    S("PAPERFEED_EMBEDDING_MODEL", None,
      "a local sentence-transformers model directory (needs the `torch` extra)",
      shown_default="the shipped all-MiniLM-L6-v2"),
    S("PAPERFEED_EMBEDDING_RUNTIME", None, "`torch`, `torch-bf16`, `onnx`, `onnx-int8` for documents",
      _choice(*EMBEDDING_RUNTIMES),
      shown_default="`torch-bf16` with the `torch` extra on CPUs with AMX, else `onnx-int8`"),
    S("PAPERFEED_EMBEDDING_QUERY_RUNTIME", None, "the same choices, for queries",
      _choice(*EMBEDDING_RUNTIMES), shown_default="`onnx-int8`"),
    S("PAPERFEED_EMBEDDING_MAX_TOKENS", None, "tokens of a text the model reads", _whole(8),
      shown_default="the model's own limit"),
    S("PAPERFEED_EMBEDDING_THREADS", 0, "threads onnxruntime uses per model; `0` lets it decide", WHOLE),
    S("PAPERFEED_MODEL_CACHE_DIR", None, "where model files derived from the model (ONNX) are kept",
      shown_default="`models` in the data directory"),
    # Operating.
    S("PAPERFEED_LOG_LEVEL", "WARNING", "log level", _choice(*LOG_LEVELS, upper=True)),
    S("PAPERFEED_DEBUG", False, "Django debug mode (never in production)", BOOL),
)
# fmt: on
BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


def is_set(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the variable holds a value (empty counts as unset)."""
    raw = (os.environ if environ is None else environ).get(BY_NAME[name].name)
    return raw is not None and raw.strip() != ""


def value(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The setting's value: the variable read as its kind, else its default."""
    environ = os.environ if environ is None else environ
    setting = BY_NAME[name]
    if not is_set(name, environ):
        if callable(setting.default):
            return setting.default(lambda other: value(other, environ))
        return setting.default
    raw = environ[name]
    try:
        return setting.kind.parse(raw)
    except ValueError:
        raise SettingError(f"{name} must be {setting.kind.expects}, got {raw!r}") from None


def shown_value(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The value as an operator reads it, with passwords and keys masked."""
    setting, current = BY_NAME[name], value(name, environ)
    if current is None:
        return "(unset)"
    if isinstance(current, bool):
        return "on" if current else "off"
    if setting.kind is CLOCK:
        return "{:02d}:{:02d}".format(*current)
    if isinstance(current, list):
        return ",".join(current) or "(none)"
    if setting.secret:
        return _masked(str(current))
    return str(current)


def _masked(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme and parts.netloc:  # a URL: only its password is secret
        return text.replace(f":{parts.password}@", ":****@") if parts.password else text
    return "****"


def markdown_table() -> str:
    """The README's configuration table."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{s.name}` | {s.default_text()} | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"
