"""Django settings for paperfeed: every knob is an environment variable declared in core/config.py."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import dj_database_url

from paperfeed.core import config
from paperfeed.core.client_address import parse_proxies
from paperfeed.core.datadir import data_dir, secret_key
from paperfeed.core.logs import logging_config
from paperfeed.core.site_url import allowed_hosts, base_url_parts, origin

DATA_DIR = data_dir()
SECRET_KEY = secret_key(DATA_DIR)
DEBUG = config.value("PAPERFEED_DEBUG")
# The site's address: every absolute link (mails, feeds, API) is built from it, and its host is the
# one the site answers to (see site_url.py).
BASE_URL = config.value("PAPERFEED_BASE_URL").rstrip("/")
BASE_SCHEME = base_url_parts(BASE_URL)[0]
ALLOWED_HOSTS = allowed_hosts(BASE_URL, config.value("PAPERFEED_ALLOWED_HOSTS"), DEBUG)
CSRF_TRUSTED_ORIGINS = [origin(BASE_URL), *config.value("PAPERFEED_CSRF_TRUSTED_ORIGINS")]
# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (client_address.py).
TRUSTED_PROXIES = parse_proxies(config.value("PAPERFEED_TRUSTED_PROXIES"))
SITE_NAME = config.value("PAPERFEED_SITE_NAME")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before allauth, so our templates override its layout.
    "paperfeed.accounts",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ninja",
    "csp",
    "paperfeed.core",
    "paperfeed.papers",
    "paperfeed.community",
    "paperfeed.community.notifications",
    "paperfeed.community.following",
    "paperfeed.ingest",
    # Before search: its `eval` command (which adds `eval recommend`) takes the place of search's.
    "paperfeed.recommend",
    "paperfeed.search",
    "paperfeed.web",
    "paperfeed.api",
    "paperfeed.syndication",
    "paperfeed.digests",
]

MIDDLEWARE = [
    # /healthz for load balancers, before the host check, HTTPS redirect, sessions and caches.
    "paperfeed.core.health.HealthCheckMiddleware",
    # First: everything after it (the HTTPS redirect, every rate limit) sees the real client.
    "paperfeed.core.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before any view reads request.GET: control characters in a query string are dropped.
    "paperfeed.core.query_text.QueryControlCharactersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: a members-only site turns away everyone else (core/members_only.py).
    "paperfeed.core.members_only.MembersOnlyMiddleware",
]

ROOT_URLCONF = "paperfeed.urls"
WSGI_APPLICATION = "paperfeed.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "paperfeed.core.context.site",
                "paperfeed.digests.banner.banner",
                "paperfeed.community.notifications.context.bell",
            ],
        },
    },
]

# SQLite in the data directory unless DATABASE_URL names another database.
SQLITE_PATH = DATA_DIR / "paperfeed.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        config.value("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=config.value("PAPERFEED_DB_CONN_MAX_AGE"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while a writer (an import) works; IMMEDIATE avoids
        # the upgrade deadlock between two writers. A new database gets 16 KiB pages (an existing
        # one keeps its own): a bulk import writes a fifth less CPU time with them (fewer pages to
        # allocate, log and copy for rows of a kilobyte and more).
        # busy_timeout first: switching a database to WAL takes a lock that another connection
        # starting at the same moment may hold, and without a timeout that is "database is locked".
        "init_command": (
            "PRAGMA busy_timeout=10000; PRAGMA page_size=16384; PRAGMA journal_mode=WAL;"
            " PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Connections are kept between requests (CONN_MAX_AGE above): opening one costs more CPU than
    # serving a cached page (Django registers its SQL functions and runs the PRAGMAs each time).
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# The default cache backs rate limits: a database table so every web process shares it. "pages"
# holds rendered feed pages for visitors, keyed by the feed version (core/feed_version.py, shared
# through the database); memory of each web process is enough, since a page of an old version is
# never asked for again.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "paperfeed_cache",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "paperfeed-pages",
        "OPTIONS": {"MAX_ENTRIES": config.value("PAPERFEED_PAGE_CACHE_ENTRIES")},
    },
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: sign up with email + password, verified email required before login.
ACCOUNT_ADAPTER = "paperfeed.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_USERNAME_BLACKLIST = ["admin", "api", "papers", "static", "feeds", "staff"]
ACCOUNT_RATE_LIMITS = {
    "signup": config.value("PAPERFEED_RATE_SIGNUP"),
    "login": config.value("PAPERFEED_RATE_LOGIN"),
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
LOGIN_REDIRECT_URL = "/"
# Lab mode (accounts/signup_policy.py, core/members_only.py).
MEMBERS_ONLY = config.value("PAPERFEED_MEMBERS_ONLY")
SIGNUP_POLICY = config.value("PAPERFEED_SIGNUP")
SIGNUP_DOMAINS = [domain.lower().lstrip("@") for domain in config.value("PAPERFEED_SIGNUP_DOMAINS")]
INVITE_DAYS = config.value("PAPERFEED_INVITE_DAYS")
# Single sign-on with the lab's OpenID Connect provider, when one is configured.
SOCIALACCOUNT_ADAPTER = "paperfeed.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "sso",
                "name": config.value("PAPERFEED_OIDC_NAME"),
                "client_id": config.value("PAPERFEED_OIDC_CLIENT_ID"),
                "secret": config.value("PAPERFEED_OIDC_SECRET") or "",
                "settings": {"server_url": config.value("PAPERFEED_OIDC_ISSUER")},
            }
        ]
        if config.value("PAPERFEED_OIDC_ISSUER")
        else [],
        "OAUTH_PKCE_ENABLED": True,
    }
}
# The identity provider vouches for the address it sends.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# allauth's limits key on the client address: REMOTE_ADDR, which ClientAddressMiddleware sets from
# the trusted proxies. allauth must not read X-Forwarded-For on its own as well.
ALLAUTH_TRUSTED_PROXY_COUNT = 0
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None

# Community rules.
SUBMISSIONS_PER_DAY = config.value("PAPERFEED_SUBMISSIONS_PER_DAY")
SUBMISSION_WINDOW_DAYS = config.value("PAPERFEED_SUBMISSION_WINDOW_DAYS")
COMMENTS_PER_MINUTE = config.value("PAPERFEED_COMMENTS_PER_MINUTE")
SUBMIT_ATTEMPTS_PER_MINUTE = config.value("PAPERFEED_SUBMIT_ATTEMPTS_PER_MINUTE")

# `paperfeed ingest ...` makes what it imported searchable before it returns.
SEARCH_INDEX_ON_INGEST = config.value("PAPERFEED_INDEX_ON_INGEST")
# None: chosen by the database (search/backends/__init__.py); the index directory is in DATA_DIR.
SEARCH_BACKEND = config.value("PAPERFEED_SEARCH_BACKEND")
SEARCH_INDEX_DIR = config.value("PAPERFEED_SEARCH_INDEX_DIR")

# arXiv endpoints: overridable so tests can point them at a local fixture server.
ARXIV_API_URL = config.value("PAPERFEED_ARXIV_API_URL")
ARXIV_OAI_URL = config.value("PAPERFEED_ARXIV_OAI_URL")
ARXIV_TIMEOUT_SECONDS = config.value("PAPERFEED_ARXIV_TIMEOUT")
# arXiv asks API clients to wait 3 s between calls.
ARXIV_API_DELAY_SECONDS = config.value("PAPERFEED_ARXIV_API_DELAY")
ARXIV_RETRY_ATTEMPTS = config.value("PAPERFEED_ARXIV_RETRY_ATTEMPTS")
ARXIV_RETRY_BACKOFF_SECONDS = config.value("PAPERFEED_ARXIV_RETRY_BACKOFF")
# Submitted papers the database lacks are fetched from arXiv outside the request: by a thread in
# each web process (turn it off to leave them to `paperfeed worker`), at most this many waiting.
ARXIV_FETCH_IN_WEB = config.value("PAPERFEED_ARXIV_FETCH_IN_WEB")
ARXIV_FETCH_QUEUE_MAX = config.value("PAPERFEED_ARXIV_FETCH_QUEUE")

# Digests (digests/conf.py reads these).
DIGEST_RATE_PER_SECOND = config.value("PAPERFEED_DIGEST_RATE")
DIGEST_BATCH_SIZE = config.value("PAPERFEED_DIGEST_BATCH")
DIGEST_RETRY_BACKOFF = config.value("PAPERFEED_DIGEST_RETRY_BACKOFF")
DIGEST_MAX_ATTEMPTS = config.value("PAPERFEED_DIGEST_MAX_ATTEMPTS")
DIGEST_CLAIM_TIMEOUT = config.value("PAPERFEED_DIGEST_CLAIM_TIMEOUT")
DIGEST_BOUNCE_LIMIT = config.value("PAPERFEED_DIGEST_BOUNCE_LIMIT")
DIGEST_SUBSCRIBE_PER_HOUR = config.value("PAPERFEED_SUBSCRIBE_PER_HOUR")
LIBRARY_MAX_BYTES = config.value("PAPERFEED_LIBRARY_MAX_MB") * 1024 * 1024
DIGEST_CONFIRMATIONS_PER_DAY = config.value("PAPERFEED_CONFIRMATIONS_PER_DAY")


def email_settings(smtp_url: str | None) -> dict:
    """Translate ``PAPERFEED_SMTP_URL`` (smtp:// or smtps://) into Django's email settings."""
    if not smtp_url:
        # No mail server configured: mails are printed to the server's console.
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(smtp_url)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp+starttls",
        "EMAIL_TIMEOUT": 30,
    }


globals().update(email_settings(config.value("PAPERFEED_SMTP_URL")))
DEFAULT_FROM_EMAIL = config.value("PAPERFEED_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # only `paperfeed collectstatic` fills it; whitenoise wants it to exist
if DATA_DIR.is_dir():  # missing only for a command that may not create it (cli.py)
    STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app directories: no collectstatic step for the embedded default.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# TLS: an https:// base URL turns on the production set (README, "Running in production").
HTTPS = BASE_SCHEME == "https"
if TRUSTED_PROXIES:
    # Believed only from the trusted proxies: ClientAddressMiddleware drops it from anyone else.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Defaults follow the base URL and the trusted proxies (core/config.py).
SESSION_COOKIE_SECURE = config.value("PAPERFEED_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS proxy the app only knows a request was HTTPS from a trusted proxy's header: without
# trusted proxies a redirect would loop, so it is on by default only with them.
SECURE_SSL_REDIRECT = config.value("PAPERFEED_SSL_REDIRECT")
SECURE_SSL_HOST = urlsplit(BASE_URL).netloc if HTTPS else None
SECURE_HSTS_SECONDS = config.value("PAPERFEED_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.value("PAPERFEED_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = config.value("PAPERFEED_HSTS_PRELOAD")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts only from the site's own files (no inline script, no eval). Inline styles are allowed:
# a digest viewed in the browser is the mail's HTML, whose styles must be inline for mail readers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = logging_config(config.value("PAPERFEED_LOG_LEVEL"))
