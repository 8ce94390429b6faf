"""GET /api/v1/hub/{chapter}/growth: the weekly series, for the chapter's organizers."""

from __future__ import annotations

import pytest

from tests.hub.growth_calendar_helpers import organizer, person
from tests.hub.test_growth_pages import grown  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def url(chapter):  # type: ignore[no-untyped-def]
    return f"/api/v1/hub/{chapter.slug}/growth"


def test_an_organizer_reads_the_series(client, grown):  # noqa: F811
    client.force_login(organizer(grown))
    body = client.get(url(grown)).json()

    assert len(body["weeks"]) == 21
    assert body["members"][-1] == 30 and body["verified"][-1] == 15
    assert body["institutions"][-1] == 3
    assert body["councils"] == [0] * 21
    assert len(body["members"]) == len(body["weeks"])


def test_by_kind(client, grown):  # noqa: F811
    client.force_login(organizer(grown))
    body = client.get(url(grown), {"kind": "tenants_union"}).json()

    assert body["kind"] == "tenants_union"
    assert body["members"][-1] == 10
    assert body["councils"] is None


def test_an_unknown_kind_is_a_clear_error(client, grown):  # noqa: F811
    client.force_login(organizer(grown))
    response = client.get(url(grown), {"kind": "castle"})

    assert response.status_code == 422
    assert response.json()["fields"]["kind"]


def test_residents_and_visitors_are_refused(client, grown):  # noqa: F811
    assert client.get(url(grown)).status_code == 401
    client.force_login(person())
    response = client.get(url(grown))
    assert response.status_code == 403
    assert response.json()["code"] == "organizers_only"
