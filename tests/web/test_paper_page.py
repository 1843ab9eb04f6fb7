"""The paper page: everything about one paper, and friendly errors for unknown ones."""

from datetime import UTC, date, datetime

import pytest

pytestmark = pytest.mark.django_db


def test_the_paper_page_shows_the_paper_in_full(client, make_dated_paper):
    paper = make_dated_paper(
        "Attention Is All You Need",
        arxiv_id="1706.03762",
        version=7,
        authors=("Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones"),
        abstract="The dominant sequence transduction models...",
        categories="cs.CL cs.LG",
        published=datetime(2017, 6, 12, tzinfo=UTC),
        updated=datetime(2023, 8, 2, tzinfo=UTC),
        github_repo="https://github.com/tensorflow/tensor2tensor",
        project_page="https://example.github.io/transformer",
        on=date(2025, 3, 18),
    )
    response = client.get("/papers/1706.03762")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and paper.title in html
    for author in ("Ashish Vaswani", "Llion Jones"):
        assert author in html
    assert "Jun 12, 2017" in html and "Aug 2, 2023" in html
    assert "https://arxiv.org/abs/1706.03762" in html
    assert "https://arxiv.org/pdf/1706.03762" in html
    assert "https://github.com/tensorflow/tensor2tensor" in html
    assert "https://example.github.io/transformer" in html
    assert "@misc{vaswani2017attention," in html
    assert 'href="/papers/date/2025-03-18"' in html


def test_old_style_ids_with_a_slash_have_pages(client, make_dated_paper):
    make_dated_paper("Superstrings", arxiv_id="hep-th/9901001")
    assert client.get("/papers/hep-th/9901001").status_code == 200


def test_bibtex_downloads(client, make_dated_paper):
    make_dated_paper("Deep Residual Learning", arxiv_id="1512.03385", authors=("Kaiming He", "Xiangyu Zhang"))
    response = client.get("/papers/1512.03385.bib")
    assert response["Content-Type"].startswith("application/x-bibtex")
    body = response.content.decode()
    assert "author = {Kaiming He and Xiangyu Zhang}" in body
    assert "eprint = {1512.03385}" in body


def test_an_unknown_paper_is_a_friendly_404(client):
    response = client.get("/papers/2501.99999")
    assert response.status_code == 404
    assert b"Back to today" in response.content


def test_a_malformed_id_is_a_404(client):
    assert client.get("/papers/not-an-id").status_code == 404


def test_a_hidden_paper_is_gone_for_everyone_but_staff(client, make_dated_paper, django_user_model):
    make_dated_paper("Spam", arxiv_id="2502.00001", hidden=True)
    assert client.get("/papers/2502.00001").status_code == 404
    staff = django_user_model.objects.create_user("mod", "mod@example.org", "pw", is_staff=True)
    client.force_login(staff)
    assert client.get("/papers/2502.00001").status_code == 200


def test_an_unknown_but_valid_arxiv_id_says_not_here_yet_and_offers_arxiv_and_submitting(client, make_user):
    response = client.get("/papers/2511.04242")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Not on this site yet" in html and "No Paper matches" not in html
    assert 'href="https://arxiv.org/abs/2511.04242"' in html
    assert 'href="/papers/submit?paper=2511.04242"' in html
    client.force_login(make_user())
    form = client.get("/papers/submit?paper=2511.04242").content.decode()
    assert 'value="2511.04242"' in form


def test_submitting_while_logged_out_explains_the_login_and_comes_back_to_the_form(client):
    response = client.get("/papers/submit?paper=2511.04242")
    assert response["Location"] == "/accounts/login/?next=/papers/submit%3Fpaper%3D2511.04242"
    assert "Log in to submit a paper." in client.get(response["Location"]).content.decode()
