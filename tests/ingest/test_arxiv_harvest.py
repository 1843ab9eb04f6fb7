"""``paperfeed ingest arxiv``: harvesting arXiv's OAI-PMH interface into the database, resumably."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fake_arxiv import fixture_bytes
from paperfeed.ingest import arxiv_harvest
from paperfeed.ingest.arxiv_harvest import HarvestFailed, HarvestWindow, harvest
from paperfeed.ingest.models import HarvestCheckpoint
from paperfeed.papers.models import Paper

from .oai_window import FIRST_PAGE, SECOND_PAGE, THIRD_PAGE, WINDOW_ARGS, WINDOW_IDS

pytestmark = pytest.mark.django_db


def run_ingest(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", "arxiv", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def the_checkpoint() -> HarvestCheckpoint:
    return HarvestCheckpoint.objects.get(key="arxiv-oai|cs|2025-03-18|2025-03-19")


def crash_on_page(number: int, monkeypatch) -> None:
    """Make writing page ``number`` of the next harvest blow up, as a killed process would."""
    real = arxiv_harvest.upsert_records
    calls = {"n": 0}

    def upsert(records):
        calls["n"] += 1
        if calls["n"] == number:
            real(records)  # half the work is done when the process dies
            raise KeyboardInterrupt
        return real(records)

    monkeypatch.setattr(arxiv_harvest, "upsert_records", upsert)


def test_a_harvest_follows_resumption_tokens_through_every_page(oai_window):
    out, err = run_ingest(*WINDOW_ARGS)

    assert oai_window.oai_requests() == [FIRST_PAGE, SECOND_PAGE, THIRD_PAGE]
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == WINDOW_IDS
    assert "3 page(s), 7 records (7 new, 0 updated, 0 unchanged), 1 deleted skipped" in out
    assert "arXiv OAI-PMH" not in err  # no progress bar off a terminal: the summary says it all
    checkpoint = the_checkpoint()
    assert checkpoint.completed and checkpoint.resumption_token == "" and checkpoint.records_seen == 8


def test_harvested_papers_carry_their_arxiv_metadata(oai_window):
    run_ingest(*WINDOW_ARGS)

    paper = Paper.objects.get(arxiv_id="2503.13354")
    assert paper.title == "Parameter-free structure-texture image decomposition by unrolling"
    assert paper.categories == "cs.CV cs.NA eess.IV math.NA"
    assert paper.published == datetime(2025, 3, 17, tzinfo=UTC)
    assert paper.arxiv_comment.startswith("To be published in Conference Proceedings")
    assert list(paper.authorships.values_list("name", flat=True)) == [
        "Laura Girometti",
        "Jean-François Aujol",
        "Antoine Guennec",
        "Yann Traonmilin",
    ]
    # The code link in the abstract becomes the paper's repository.
    assert (
        Paper.objects.get(arxiv_id="2503.13045").github_repo == "https://github.com/gmberton/image-retrieval"
    )


def test_deleted_records_are_skipped_and_counted(oai_window):
    out, _ = run_ingest(*WINDOW_ARGS)

    assert not Paper.objects.filter(arxiv_id="2503.12901").exists()
    assert "1 deleted skipped" in out


def test_a_completed_window_is_not_harvested_again(oai_window):
    run_ingest(*WINDOW_ARGS)
    requests_before = len(oai_window.oai_requests())

    out, _ = run_ingest(*WINDOW_ARGS)

    assert "already harvested (8 records)" in out and "--restart" in out
    assert len(oai_window.oai_requests()) == requests_before


def test_restart_harvests_a_completed_window_again_without_duplicates(oai_window):
    run_ingest(*WINDOW_ARGS)

    out, _ = run_ingest(*WINDOW_ARGS, "--restart")

    assert oai_window.oai_requests()[3:] == [FIRST_PAGE, SECOND_PAGE, THIRD_PAGE]
    assert "7 records (0 new, 0 updated, 7 unchanged)" in out
    assert Paper.objects.count() == 7
    assert the_checkpoint().records_seen == 8


def test_an_interrupted_harvest_resumes_after_the_last_written_page(oai_window, monkeypatch):
    crash_on_page(2, monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run_ingest(*WINDOW_ARGS)

    # Page 1 is written and checkpointed; page 2's half-done write was rolled back.
    assert Paper.objects.count() == 3
    checkpoint = the_checkpoint()
    assert (checkpoint.resumption_token, checkpoint.records_seen, checkpoint.completed) == (
        "6923710|4",
        3,
        False,
    )

    monkeypatch.undo()  # the process is started again, healthy
    monkeypatch.setattr("paperfeed.ingest.http.pause", oai_window.waits.append)
    requests_before = len(oai_window.oai_requests())
    out, _ = run_ingest(*WINDOW_ARGS)

    assert oai_window.oai_requests()[requests_before:] == [
        SECOND_PAGE,
        THIRD_PAGE,
    ]  # page 1 not fetched again
    assert "(resumed from checkpoint): 2 page(s), 4 records (4 new" in out
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == WINDOW_IDS
    assert the_checkpoint().records_seen == 8 and the_checkpoint().completed


def test_a_malformed_page_fails_clearly_and_a_rerun_resumes_at_that_page(oai_window):
    good_page = fixture_bytes("oai/page2.xml")
    oai_window.set_oai(SECOND_PAGE, good_page[: len(good_page) // 2])  # cut off mid-transfer

    with pytest.raises(CommandError) as caught:
        run_ingest(*WINDOW_ARGS)

    message = str(caught.value)
    assert "page 2 (resumptionToken “6923710|4”) is malformed: not well-formed XML" in message
    assert "running the same command again retries it" in message
    assert Paper.objects.count() == 3
    assert the_checkpoint().resumption_token == "6923710|4"

    oai_window.set_oai(SECOND_PAGE, good_page)  # arXiv serves the page properly again
    requests_before = len(oai_window.oai_requests())
    run_ingest(*WINDOW_ARGS)

    assert oai_window.oai_requests()[requests_before:] == [SECOND_PAGE, THIRD_PAGE]
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == WINDOW_IDS
    assert the_checkpoint().completed


def test_a_503_is_retried_after_the_time_retry_after_asks_for(oai_window):
    oai_window.queue_oai(FIRST_PAGE, "Retry after 7 seconds", status=503, headers={"Retry-After": "7"})

    out, err = run_ingest(*WINDOW_ARGS)

    assert oai_window.waits == [7.0]
    assert oai_window.oai_requests()[:2] == [FIRST_PAGE, FIRST_PAGE]
    assert "answered HTTP 503; retrying in 7 s" in err
    assert "7 records" in out


def test_a_service_that_stays_busy_fails_after_the_configured_attempts(oai_window, settings):
    settings.ARXIV_RETRY_ATTEMPTS = 3
    for _ in range(3):
        oai_window.queue_oai(FIRST_PAGE, "busy", status=503, headers={"Retry-After": "2"})

    with pytest.raises(CommandError, match=r"still answered HTTP 503 after 3 attempt\(s\)"):
        run_ingest(*WINDOW_ARGS)

    assert oai_window.waits == [2.0, 2.0]
    assert Paper.objects.count() == 0


def test_an_unreachable_server_is_retried_with_growing_waits_then_reported(oai_window, settings):
    settings.ARXIV_RETRY_ATTEMPTS = 3
    settings.ARXIV_RETRY_BACKOFF_SECONDS = 5
    oai_window.stop_answering()

    with pytest.raises(CommandError) as caught:
        run_ingest(*WINDOW_ARGS)

    assert "arXiv OAI-PMH could not be reached at" in str(caught.value)
    assert "after 3 attempt(s)" in str(caught.value)
    assert oai_window.waits == [5.0, 10.0]


def test_a_timeout_is_retried(oai_window, settings):
    settings.ARXIV_TIMEOUT_SECONDS = 0.3
    oai_window.queue_oai(FIRST_PAGE, fixture_bytes("oai/page1.xml"), delay=1.0)

    out, err = run_ingest(*WINDOW_ARGS)

    assert "no answer within 0.3 s" in err
    assert "7 records" in out


def test_no_records_match_is_an_empty_harvest_not_a_failure(fake_arxiv):
    window = {**FIRST_PAGE, "from": "2025-03-22", "until": "2025-03-23"}
    fake_arxiv.set_oai(window, fixture_bytes("oai/no_records_match.xml"))

    out, _ = run_ingest("--from", "2025-03-22", "--until", "2025-03-23", "--set", "cs")

    assert "1 page(s), 0 records" in out
    assert HarvestCheckpoint.objects.get(key="arxiv-oai|cs|2025-03-22|2025-03-23").completed


def test_an_oai_error_such_as_bad_argument_is_reported_with_its_code(fake_arxiv):
    window = {**FIRST_PAGE, "set": "nosuchset"}
    fake_arxiv.set_oai(window, fixture_bytes("oai/bad_argument.xml"))

    with pytest.raises(CommandError) as caught:
        run_ingest("--from", "2025-03-18", "--until", "2025-03-19", "--set", "nosuchset")

    assert "error “badArgument”: Invalid set specification: nosuchset" in str(caught.value)


def test_an_expired_resumption_token_starts_the_window_again(oai_window, monkeypatch):
    crash_on_page(2, monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run_ingest(*WINDOW_ARGS)
    monkeypatch.undo()
    monkeypatch.setattr("paperfeed.ingest.http.pause", oai_window.waits.append)
    oai_window.queue_oai(SECOND_PAGE, fixture_bytes("oai/bad_resumption_token.xml"))  # expired overnight
    requests_before = len(oai_window.oai_requests())

    out, err = run_ingest(*WINDOW_ARGS)

    assert "resumption token has expired" in err
    assert oai_window.oai_requests()[requests_before:] == [SECOND_PAGE, FIRST_PAGE, SECOND_PAGE, THIRD_PAGE]
    assert Paper.objects.count() == 7 and the_checkpoint().records_seen == 8


def test_an_http_error_without_an_oai_body_is_reported(oai_window):
    oai_window.queue_oai(FIRST_PAGE, "<html>Internal error</html>", status=500)

    with pytest.raises(CommandError, match=r"answered HTTP 500 for page 1 \(the first page\)"):
        run_ingest(*WINDOW_ARGS)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-02-30"], "--from '2025-02-30' is not a date; use YYYY-MM-DD"),
        (["--from", "18/03/2025"], "--from '18/03/2025' is not a date"),
        (["--from", "20250318"], "--from '20250318' is not a date"),
        (["--from", "2025-03-18", "--until", "tomorrow"], "--until 'tomorrow' is not a date"),
        (["--from", "2025-03-19", "--until", "2025-03-18"], "--from 2025-03-19 is after --until 2025-03-18"),
        (["--from", "2025-03-18", "--set", "c s"], "“c s” is not an OAI-PMH set"),
    ],
)
def test_bad_dates_and_sets_are_refused_before_anything_is_fetched(fake_arxiv, args, message):
    with pytest.raises(CommandError) as caught:
        run_ingest(*args)

    assert message in str(caught.value)
    assert fake_arxiv.requests == []
    assert not HarvestCheckpoint.objects.exists()


def test_an_open_window_ends_today_and_an_unfinished_one_resumes_on_a_later_day(oai_window, monkeypatch):
    # Without --until the window ends today (here 2025-03-19, so the first request is FIRST_PAGE).
    window = HarvestWindow(date(2025, 3, 18), None, "cs")
    crash_on_page(2, monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        harvest(window, today=date(2025, 3, 19))
    monkeypatch.undo()
    monkeypatch.setattr("paperfeed.ingest.http.pause", oai_window.waits.append)

    report = harvest(window, today=date(2025, 3, 20))  # the next day: same checkpoint, same window

    assert report.resumed and report.until_date == date(2025, 3, 19)
    assert oai_window.oai_requests() == [FIRST_PAGE, SECOND_PAGE, SECOND_PAGE, THIRD_PAGE]
    checkpoint = HarvestCheckpoint.objects.get()
    assert checkpoint.key == "arxiv-oai|cs|2025-03-18|open@2025-03-19" and checkpoint.completed


def test_a_repeated_resumption_token_stops_the_harvest_instead_of_looping(oai_window):
    oai_window.set_oai(SECOND_PAGE, fixture_bytes("oai/page2.xml").replace(b"6923710|7", b"6923710|4"))

    with pytest.raises(HarvestFailed, match="same resumption token"):
        harvest(HarvestWindow(date(2025, 3, 18), date(2025, 3, 19), "cs"))


def test_unusable_records_are_skipped_with_their_reason_and_the_rest_stored(fake_arxiv):
    window = {**FIRST_PAGE, "from": "2008-11-13", "until": "2008-11-13", "set": "physics:hep-th"}
    fake_arxiv.set_oai(window, fixture_bytes("oai/physics_single_page.xml"))

    out, err = run_ingest("--from", "2008-11-13", "--until", "2008-11-13", "--set", "physics:hep-th")

    assert "skipped hep-th/9901002: record without <title>" in err
    assert "1 records (1 new, 0 updated, 0 unchanged), 0 deleted skipped, 1 invalid skipped" in out
    paper = Paper.objects.get()
    assert paper.arxiv_id == "hep-th/9901001"
    assert list(paper.authorships.values_list("name", flat=True)) == [
        "John A. Smith Jr",
        "The ATLAS Collaboration",
        "María de la Cruz",
    ]


def test_a_misconfigured_service_url_fails_at_once_without_retries(fake_arxiv, settings):
    settings.ARXIV_OAI_URL = "oaipmh.arxiv.org/oai"  # the scheme is missing

    with pytest.raises(CommandError, match=r"arXiv OAI-PMH URL 'oaipmh.arxiv.org/oai' is not usable"):
        run_ingest(*WINDOW_ARGS)

    assert fake_arxiv.waits == []
