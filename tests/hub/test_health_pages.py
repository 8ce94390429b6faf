"""Who needs help: the organizers' page and API, worst first, with reasons in words."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bloc.actors import SYSTEM
from bloc.hub import reasons, services
from bloc.hub.models import InstitutionFigures
from tests.hub.health_map_helpers import blocks, organizer_of

URL = "/hub/riverside/help/"
API = "/api/v1/hub/riverside/health"


@pytest.fixture
def olga(chapter):  # type: ignore[no-untyped-def]
    return organizer_of(chapter)


@pytest.fixture
def ranked(chapter):  # type: ignore[no-untyped-def]
    """Four blocks refreshed, then given scores 70, 40, 90 and 40 with made-up reasons."""
    made = blocks(chapter, 4)
    services.refresh(SYSTEM, chapter=chapter)
    for block, score in zip(made, (70, 40, 90, 40), strict=True):
        InstitutionFigures.objects.filter(institution=block).update(
            health=score,
            reasons=[
                {"code": "irregular_meetings", "params": {"interval": 30}, "points": "20.0"},
                {"code": "old_concerns", "params": {"count": 2}, "points": "4.0"},
            ],
        )
    return made


def _names(html):  # type: ignore[no-untyped-def]
    return re.findall(r"<h3><a href=\"/institutions/[^\"]+/\">([^<]+)</a></h3>", html)


def test_worst_first_then_by_name(client, olga, ranked):  # type: ignore[no-untyped-def]
    client.force_login(olga)
    html = client.get(URL).content.decode()
    assert _names(html) == ["Block 001", "Block 003", "Block 000", "Block 002"]
    assert "Health: 40 of 100" in html


def test_reasons_are_sentences_with_points_and_where_to_act(client, olga, ranked):  # type: ignore[no-untyped-def]
    client.force_login(olga)
    html = client.get(URL).content.decode()
    assert "It has never held a meeting." in html
    assert "(−20.0 points)" in html
    assert 'href="/institutions/block-001/meetings/"' in html
    assert "2 concerns have been unresolved for more than 30 days." in html
    assert 'href="/institutions/block-001/concerns/"' in html


def test_filter_by_kind(client, olga, ranked):  # type: ignore[no-untyped-def]
    blocks(ranked[0].chapter, 1, start=9, kind="tenants_union")
    services.refresh(SYSTEM, chapter=ranked[0].chapter)
    client.force_login(olga)
    html = client.get(URL + "?kind=tenants_union").content.decode()
    assert _names(html) == ["Block 009"]
    assert "Nothing to fix: it loses no points." in html or "Health:" in html


def test_residents_are_refused_and_visitors_sent_to_log_in(client, alice, ranked):  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(alice)
    assert client.get(URL).status_code == 403
    assert client.get(API).status_code == 403
    assert "organizers" in client.get(API).json()["message"]


def test_the_api_lists_worst_first_with_reasons_in_words(client, olga, ranked):  # type: ignore[no-untyped-def]
    client.force_login(olga)
    data = client.get(API).json()
    assert data["count"] == 4
    assert [i["slug"] for i in data["institutions"]] == [
        "block-001",
        "block-003",
        "block-000",
        "block-002",
    ]
    first = data["institutions"][0]["reasons"][0]
    assert first["code"] == "irregular_meetings"
    assert first["params"] == {"interval": 30}
    assert first["points"] == "20.0"
    assert first["sentence"] == "It has never held a meeting."
    assert first["url"] == "/institutions/block-001/meetings/"
    page = client.get(API + "?offset=1&limit=2").json()
    assert [i["slug"] for i in page["institutions"]] == ["block-003", "block-000"]


def test_every_reason_code_has_words_and_a_place_to_act():  # type: ignore[no-untyped-def]
    from bloc.core import health as core_health

    samples = {
        "charter_distance": ({"met": 7, "total": 14}, "It meets 50% of the democratic charter"),
        "irregular_meetings": (
            {"days_since": 1, "interval": 14},
            "Its last meeting was one day ago; it usually meets every 14 days.",
        ),
        "participation_decline": (
            {"recent": 1, "previous": 4},
            "One person voted in the last 90 days, against 4 in the 90 days before.",
        ),
        "overdue_rotations": ({"count": 1}, "One role's term has ended and no one has taken over."),
        "old_concerns": ({"count": 5}, "5 concerns have been unresolved for more than 30 days."),
        "lapsed_quorum": (
            {"count": 2},
            "2 polls of the last six months did not reach their quorum.",
        ),
    }
    assert set(samples) == set(core_health.WEIGHTS)
    for code, (params, sentence) in samples.items():
        view = reasons.reason_view({"code": code, "params": params, "points": "1.0"}, slug="x")
        assert view.sentence.startswith(sentence), code
        assert view.step and view.url.startswith("/institutions/x/") and view.link_text


def _queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_page_and_api_cost_the_same_queries_for_3_or_30_institutions(client, chapter, olga):  # type: ignore[no-untyped-def]
    client.force_login(olga)
    blocks(chapter, 3)
    services.refresh(SYSTEM, chapter=chapter)
    few = (_queries(client, URL), _queries(client, API))
    blocks(chapter, 27, start=3)
    services.refresh(SYSTEM, chapter=chapter)
    many = (_queries(client, URL), _queries(client, API))
    assert few == many
    assert many[0] <= 10 and many[1] <= 8
