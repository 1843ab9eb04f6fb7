"""The log through the site's own logging configuration: a client's 4xx (whose path or host the
client chose) stays out of the default WARNING log, and a server error is still logged at ERROR.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import path

from paperfeed.core.logs import ClientErrorsAsInfo

pytestmark = pytest.mark.django_db


def fail(request):
    raise RuntimeError("the server's own fault")


urlpatterns = [path("boom", fail)]


@pytest.fixture
def site_log() -> Iterator[io.StringIO]:
    """What the site's console handler (settings.LOGGING) writes, at the default WARNING level."""
    root = logging.getLogger()
    [handler] = [h for h in root.handlers if any(isinstance(f, ClientErrorsAsInfo) for f in h.filters)]
    output = io.StringIO()
    previous_stream, previous_level = handler.setStream(output), root.level
    root.setLevel(logging.WARNING)
    try:
        yield output
    finally:
        handler.setStream(previous_stream)
        root.setLevel(previous_level)


def test_client_errors_are_not_written_to_the_warning_log(client, site_log):
    assert client.get("/no-such-page-chosen-by-a-client").status_code == 404
    assert client.get("/about", HTTP_HOST="evil.example").status_code == 400
    assert client.post("/api/papers/2502.00001/upvote").status_code in (401, 403)
    assert "chosen-by-a-client" not in site_log.getvalue()
    assert "evil.example" not in site_log.getvalue()
    assert site_log.getvalue() == ""


def test_a_server_error_is_still_logged_at_error(settings, site_log):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom")
    assert response.status_code == 500
    assert "Internal Server Error: /boom" in site_log.getvalue()
    assert "the server's own fault" in site_log.getvalue()


def test_client_errors_show_at_info_for_an_operator_who_asks(client, site_log):
    logging.getLogger().setLevel(logging.INFO)
    client.get("/no-such-page-chosen-by-a-client")
    assert "Not Found: /no-such-page-chosen-by-a-client" in site_log.getvalue()
