"""The equity pages read the snapshot: a bounded number of queries, the same with 3
institutions as with 30; the refresh's equity part too."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bloc.hub import equity
from bloc.hub.models import DescriptionCategory
from tests.hub.equity_helpers import attended, institutions, organizer_of, people, refresh, voted

pytestmark = pytest.mark.django_db

MOST = 14


def grow(chapter, start: int, n: int) -> None:  # type: ignore[no-untyped-def]
    for institution in institutions(chapter, n, start=start):
        renters = people(institution, 5, tenure="renter", age_band="25-34")
        owners = people(institution, 5, tenure="owner", age_band="65+")
        voted(institution, renters + owners)
        attended(institution, renters[:2] + owners)


def queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200, url
    return len(captured)


def test_the_pages_cost_the_same_with_3_or_30_institutions(
    client, chapter, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    DescriptionCategory.objects.create(chapter=chapter, name="Children?", options=["Yes", "No"])
    client.force_login(organizer_of(chapter))
    urls = (
        "/hub/riverside/equity/?dimension=tenure&activity=voted",
        "/hub/riverside/equity/elm-001/?dimension=age_band&activity=attended",
        "/api/v1/hub/riverside/equity?dimension=tenure&activity=any",
        "/api/v1/hub/riverside/equity/elm-001",
    )
    grow(chapter, 0, 3)
    refresh(chapter)
    few = [queries(client, url) for url in urls]
    for url in urls:
        with django_assert_max_num_queries(MOST):
            client.get(url)

    grow(chapter, 3, 27)
    refresh(chapter)
    many = [queries(client, url) for url in urls]
    assert many == few
    html = client.get(urls[0]).content.decode()
    assert html.count("/hub/riverside/equity/elm-") == 30
    ranking = html.split('id="ranking-caption"')[1]
    assert ranking.count('<td class="num">1.00</td>') == 30  # renters and owners alike


def test_the_refresh_computes_equity_in_a_fixed_number_of_queries(chapter):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    grow(chapter, 0, 3)
    with CaptureQueriesContext(connection) as few:
        equity.compute(chapter=chapter, now=timezone.now())
    grow(chapter, 3, 12)
    with CaptureQueriesContext(connection) as many:
        figures = equity.compute(chapter=chapter, now=timezone.now())
    assert len(few) == len(many) <= 12
    assert len(figures.per_institution) == 15
    assert set(figures.participants.values()) == {10}
