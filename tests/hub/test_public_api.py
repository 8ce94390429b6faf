"""GET /api/v1/hub/{chapter}: the public summary, for anyone."""

from __future__ import annotations

import pytest

from tests.hub.growth_calendar_helpers import person
from tests.hub.test_public_page import network  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_totals_and_recent_public_decisions(client, chapter, network):  # noqa: F811
    response = client.get(f"/api/v1/hub/{chapter.slug}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["chapter"] == "riverside"
    assert body["totals"]["institutions"] == 2
    assert body["totals"]["people"] == 3
    assert body["totals"]["by_kind"]["tenants_union"]["institutions"] == 1
    assert [d["title"] for d in body["recent"]["proposals"]] == ["Plant trees on Oak Street"]
    assert [d["title"] for d in body["recent"]["councils"]] == ["Ask the city for a bus lane"]
    assert body["recent"]["budgets"][0]["outcome"] == "Benches for open"
    assert body["recent"]["endorsements"][0]["title"] == "Rosa Parks-Lee"
    assert "The rent strike plan" not in response.content.decode()
    assert "Meeting of open" in [i["title"] for i in body["coming"]]
    assert "Meeting of closed" not in response.content.decode()


def test_a_logged_in_member_reads_the_same(client, chapter, network):  # noqa: F811
    client.force_login(person())
    assert client.get(f"/api/v1/hub/{chapter.slug}").status_code == 200


def test_an_unknown_chapter_is_not_found(client, db):
    response = client.get("/api/v1/hub/nowhere")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
