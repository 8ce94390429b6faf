"""The growth page and its CSV (organizers only), its kind filter, bad parameters,
and its cost in queries, from the figures of the last refresh."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.hub import services
from bloc.hub.models import ChapterFigures
from tests.hub.growth_calendar_helpers import (
    institution,
    membership,
    organizer,
    person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def grown(chapter):  # type: ignore[no-untyped-def]
    """Two blocks and a tenants' union founded 20 weeks ago, members joining since."""
    now = timezone.now()
    start = now - datetime.timedelta(weeks=20)
    kinds = ["block_association", "block_association", "tenants_union"]
    for n, kind in enumerate(kinds):
        place = institution(chapter, f"place{n}", kind=kind, created=start)
        for week in range(10):
            joined = start + datetime.timedelta(weeks=week * 2, hours=n)
            membership(place, person(), joined=joined,
                       verified=joined + datetime.timedelta(days=3) if week % 2 else None)  # fmt: skip
    services.refresh(SYSTEM, chapter=chapter)
    return chapter


def growth_page(client, chapter, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("hub:growth", args=[chapter.slug]), params)


def test_an_organizer_sees_the_charts_and_the_last_12_weeks(client, grown):
    client.force_login(organizer(grown))
    response = growth_page(client, grown)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 2
    assert "<desc" in html and "<title" in html
    table = response.context["table"]
    assert len(table) == 12
    assert table[0]["members"] == 30 and table[0]["institutions"] == 3
    assert table[0]["verified"] == 15
    assert table[0]["week"].isoformat() == response.context["weeks"][-1]
    assert "as of the week ending" in html
    assert 'aria-labelledby="growth-caption"' in html


def test_filter_by_kind_of_institution(client, grown):
    client.force_login(organizer(grown))
    response = growth_page(client, grown, kind="tenants_union")

    assert response.status_code == 200
    assert response.context["table"][0]["members"] == 10
    assert response.context["table"][0]["institutions"] == 1
    assert "Councils" not in response.content.decode().split("<table")[1]


def test_an_unknown_kind_is_a_clear_error(client, grown):
    client.force_login(organizer(grown))
    response = growth_page(client, grown, kind="castle")

    assert response.status_code == 400
    assert "There is no kind of institution called" in response.content.decode()
    csv_response = client.get(reverse("hub:growth_csv", args=[grown.slug]), {"kind": "castle"})
    assert csv_response.status_code == 400


def test_the_csv_has_every_week(client, grown):
    client.force_login(organizer(grown))
    response = client.get(reverse("hub:growth_csv", args=[grown.slug]))

    assert response.status_code == 200
    assert 'filename="growth.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["week_ending", "kind", "members", "verified", "institutions", "councils"]
    assert len(rows) - 1 == len(ChapterFigures.objects.get(chapter=grown).growth["weeks"]) == 21
    assert rows[-1][2:5] == ["30", "15", "3"]


def test_a_resident_is_refused_and_a_visitor_sent_to_log_in(client, grown):
    resident = person()
    client.force_login(resident)
    assert growth_page(client, grown).status_code == 403
    assert client.get(reverse("hub:growth_csv", args=[grown.slug])).status_code == 403
    client.logout()
    response = growth_page(client, grown)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_before_any_refresh_the_page_says_so(client, chapter):
    client.force_login(organizer(chapter))
    response = growth_page(client, chapter)

    assert response.status_code == 200
    assert "No figures yet" in response.content.decode()


def test_the_page_costs_the_same_queries_for_3_or_30_institutions(
    client, chapter, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    client.force_login(organizer(chapter))
    start = timezone.now() - datetime.timedelta(weeks=30)

    def count(n: int) -> int:
        for i in range(chapter.institutions.count(), n):
            place = institution(chapter, f"b{i}", created=start)
            membership(place, person(), joined=start)
        services.refresh(SYSTEM, chapter=chapter)
        growth_page(client, chapter)
        with CaptureQueriesContext(connection) as queries:
            assert growth_page(client, chapter).status_code == 200
        return len(queries)

    assert count(3) == count(30)
    with django_assert_max_num_queries(8):
        growth_page(client, chapter)
