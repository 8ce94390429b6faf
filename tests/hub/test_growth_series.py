"""The chapter's totals and weekly series, computed on a crafted history."""

from __future__ import annotations

import datetime

import pytest

from bloc.confederation.models import Council
from bloc.hub import growth
from tests.hub.growth_calendar_helpers import at, institution, membership, person

pytestmark = pytest.mark.django_db

# Wednesday 11 March 2026, noon: its week ends on Sunday 15 March.
NOW = at(2026, 3, 11, 12)


@pytest.fixture(autouse=True)
def utc(settings):  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def history(chapter):  # type: ignore[no-untyped-def]
    """Two blocks and a tenants' union founded over February; members joining, being
    verified and leaving on either side of week boundaries."""
    block = institution(chapter, "oak", created=at(2026, 2, 2, 9))  # Monday, week to 8 Feb
    union = institution(chapter, "union", kind="tenants_union", created=at(2026, 2, 15, 23))
    institution(chapter, "later", created=at(2026, 3, 20))  # after now: not counted
    a, b, c, d = person(), person(), person(), person()
    # Joins on Sunday 8 Feb at 23:59 (week to 8 Feb) and Monday 9 Feb 00:00 (next week).
    membership(block, a, joined=at(2026, 2, 8, 23, 59), verified=at(2026, 2, 20))
    membership(block, b, joined=at(2026, 2, 9, 0, 0))
    # Joins the union in the week to 22 Feb, verified then, leaves in the week to 8 Mar.
    membership(union, c, joined=at(2026, 2, 16), verified=at(2026, 2, 17), left=at(2026, 3, 2))
    # Also a member of both: a second membership of the same person.
    membership(union, a, joined=at(2026, 3, 10))
    # Joins after now: not counted.
    membership(block, d, joined=at(2026, 3, 12))
    council = Council.objects.create(chapter=chapter, name="Riverside Council", slug="rc")
    Council.objects.filter(pk=council.pk).update(created_at=at(2026, 3, 1, 12))  # a Sunday
    return block, union


def test_weeks_run_from_the_first_institution_to_the_week_of_now(chapter, history):
    series = growth.compute(chapter=chapter, now=NOW)

    assert series["weeks"] == ["2026-02-08", "2026-02-15", "2026-02-22", "2026-03-01",
                               "2026-03-08", "2026-03-15"]  # fmt: skip
    assert series["as_of"] == "2026-03-11"


def test_members_verified_institutions_and_councils_at_the_end_of_each_week(chapter, history):
    series = growth.compute(chapter=chapter, now=NOW)
    overall = series["overall"]

    #                            8 Feb 15 Feb 22 Feb 1 Mar 8 Mar 15 Mar
    assert overall["members"] == [1, 2, 3, 3, 2, 3]
    assert overall["verified"] == [0, 0, 2, 2, 1, 1]
    assert overall["institutions"] == [1, 2, 2, 2, 2, 2]
    assert overall["councils"] == [0, 0, 0, 1, 1, 1]


def test_the_series_by_kind_of_institution(chapter, history):
    by_kind = growth.compute(chapter=chapter, now=NOW)["by_kind"]

    assert set(by_kind) == {"block_association", "tenants_union"}
    assert by_kind["block_association"]["members"] == [1, 2, 2, 2, 2, 2]
    assert by_kind["block_association"]["verified"] == [0, 0, 1, 1, 1, 1]
    assert by_kind["tenants_union"]["members"] == [0, 0, 1, 1, 0, 1]
    assert by_kind["tenants_union"]["verified"] == [0, 0, 1, 1, 0, 0]
    assert by_kind["tenants_union"]["institutions"] == [0, 1, 1, 1, 1, 1]
    assert growth.series(growth.compute(chapter=chapter, now=NOW), kind="hoa") == {
        "members": [0] * 6, "verified": [0] * 6, "institutions": [0] * 6,
    }  # fmt: skip


def test_weeks_end_on_sunday_in_the_site_time_zone(chapter, history, settings):
    # In New York (UTC-5), 9 Feb 00:00 UTC is still Sunday 8 Feb.
    settings.TIME_ZONE = "America/New_York"
    overall = growth.compute(chapter=chapter, now=NOW)["overall"]

    assert overall["members"][0] == 2


def test_at_most_52_weeks(chapter):
    institution(chapter, "old", created=at(2024, 1, 1))
    series = growth.compute(chapter=chapter, now=NOW)

    assert len(series["weeks"]) == 52
    assert series["weeks"][-1] == "2026-03-15"
    assert series["overall"]["institutions"] == [1] * 52


def test_a_chapter_without_institutions_has_no_weeks(chapter):
    assert growth.compute(chapter=chapter, now=NOW)["weeks"] == []
    assert growth.totals(chapter=chapter, now=NOW)["institutions"] == 0


def test_totals_now(chapter, history):
    totals = growth.totals(chapter=chapter, now=NOW)

    assert totals == {
        "institutions": 2,
        "councils": 1,
        "people": 2,  # a (twice) and b; c left, d joins later
        "verified_people": 1,
        "memberships": 3,
        "verified": 1,
        "by_kind": {
            "block_association": {"institutions": 1, "memberships": 2, "verified": 1},
            "tenants_union": {"institutions": 1, "memberships": 1, "verified": 0},
        },
    }


def test_the_series_cost_six_queries_however_many_members(chapter, history,
                                                          django_assert_num_queries):  # fmt: skip
    with django_assert_num_queries(6):
        growth.compute(chapter=chapter, now=NOW)
    with django_assert_num_queries(4):
        growth.totals(chapter=chapter, now=NOW)


def test_the_week_figures_agree_with_the_totals(chapter, history):
    later = NOW + datetime.timedelta(days=30)
    series = growth.compute(chapter=chapter, now=later)
    totals = growth.totals(chapter=chapter, now=later)

    assert series["overall"]["members"][-1] == totals["memberships"]
    assert series["overall"]["verified"][-1] == totals["verified"]
    assert series["overall"]["institutions"][-1] == totals["institutions"]
