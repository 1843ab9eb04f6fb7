"""Logging: the server's own failures stand out; clients' mistakes do not fill the log.

Django logs every 4xx answer at WARNING (django.request) and a bad ``Host`` header at ERROR
(django.security.DisallowedHost), each with the path or host the client chose. Anyone can send
thousands of those, so they are logged at INFO: out of the default WARNING log, and still there for
an operator who asks for ``PAPERFEED_LOG_LEVEL=INFO``. 5xx answers stay at ERROR.
"""

from __future__ import annotations

import logging


class ClientErrorsAsInfo(logging.Filter):
    """Lower records about a 4xx answer to INFO and drop them unless the log level lets INFO in."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not (isinstance(status, int) and 400 <= status < 500) or record.levelno <= logging.INFO:
            return True
        record.levelno, record.levelname = logging.INFO, "INFO"
        # Loggers checked the original level; the root's level decides for the lowered one.
        return logging.getLogger().isEnabledFor(logging.INFO)


def logging_config(level: str) -> dict:
    """Django's ``LOGGING``: one console handler at ``level`` (``PAPERFEED_LOG_LEVEL``)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"client_errors_as_info": {"()": ClientErrorsAsInfo}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["client_errors_as_info"]},
        },
        "root": {"handlers": ["console"], "level": level},
    }
