"""GET /api/v1/hub/{chapter}/calendar: the items the caller may see, with clear errors
for bad dates and kinds."""

from __future__ import annotations

import pytest

from tests.hub.growth_calendar_helpers import organizer
from tests.hub.test_calendar_pages import (  # noqa: F401 (fixtures)
    closed_block,
    dated,
    new_york,
    open_block,
    soon,
)

pytestmark = pytest.mark.django_db


def url(chapter):  # type: ignore[no-untyped-def]
    return f"/api/v1/hub/{chapter.slug}/calendar"


def test_a_visitor_gets_public_items_only(client, chapter, dated):  # noqa: F811
    response = client.get(url(chapter))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["everything"] is False
    titles = [i["title"] for i in body["items"]]
    assert "Meeting of open" in titles and "Election day: City elections" in titles
    assert not [t for t in titles if "closed" in t]
    assert all(i["public"] for i in body["items"])
    assert body["from"] and body["to"]


def test_an_organizer_gets_everything_and_filters_by_kind(client, chapter, dated):  # noqa: F811
    client.force_login(organizer(chapter))
    body = client.get(url(chapter), {"kind": "meeting,survey"}).json()

    assert body["everything"] is True
    assert sorted(i["uid"].split("-")[0] for i in body["items"]) == [
        "meeting", "meeting", "survey", "survey",
    ]  # fmt: skip
    day = soon().date().isoformat()
    one_day = client.get(url(chapter), {"from": day, "to": day, "institution": "closed"}).json()
    assert {i["institution"] for i in one_day["items"]} == {"closed"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "picnic"}, "kind"),
        ({"from": "2026-02-30"}, "from"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to"),
        ({"from": "2026-01-01", "to": "2028-01-01"}, "to"),
        ({"institution": "closed"}, "institution"),
    ],
)
def test_bad_parameters_are_clear_errors(client, chapter, dated, params, field):  # noqa: F811
    response = client.get(url(chapter), params)

    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
