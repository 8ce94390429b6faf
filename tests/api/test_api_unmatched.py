"""A URL under /api/ that no route matches answers in the API's JSON error format."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/institutions/a%2Fb",  # a slug with a slash matches no route
        "/api/v1/institutions/maple/polls/1%2F2/result",
        "/api/v1/no-such-thing",
    ],
)
def test_an_unmatched_api_url_is_a_json_404(client, url):
    answer = client.get(url)
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"code": "not_found", "message": "Not found.", "fields": {}}


def test_an_unmatched_page_is_still_the_html_404(client):
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404 and "text/html" in answer["Content-Type"]
