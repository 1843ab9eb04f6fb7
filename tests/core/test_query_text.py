"""Control characters in a URL: dropped from the query string, a 404 in the path."""

import pytest

pytestmark = pytest.mark.django_db


CONTROL_PATHS = ["/authors/%00", "/accounts/invite/%00/", "/u/a%01b", "/papers/2401.00001%00"]


@pytest.mark.parametrize("path", CONTROL_PATHS)
def test_a_path_holding_a_control_character_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"Traceback" not in response.content


def test_the_api_answers_a_control_character_in_its_path_with_a_json_404(client):
    response = client.get("/api/papers/2401.00001%00")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert "control characters" in response.json()["error"]


def test_control_characters_in_the_query_string_are_dropped(client):
    response = client.get("/search", {"q": "graph\x00 networks\x01"})
    assert response.status_code == 200
    assert 'value="graph networks"' in response.content.decode()
