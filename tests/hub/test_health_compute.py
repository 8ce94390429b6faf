"""The health figures of the refresh: each input computed from the records, the score
and its reasons, the charter distance equal to the charter page's, grouped queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.concerns.models import Concern
from bloc.core.bylaws import BylawsSettings
from bloc.decisions.models import Participation, Poll
from bloc.hub import health
from bloc.institutions.services import institution_create
from bloc.meetings.models import Meeting
from bloc.membership.charter import charter_assess
from bloc.membership.models import RecallPetition, RoleTerm
from tests.conftest import make_person
from tests.hub.health_map_helpers import blocks, join

DAY = timedelta(days=1)


@pytest.fixture
def now():  # type: ignore[no-untyped-def]
    return timezone.now()


def _people(n, prefix="v"):  # type: ignore[no-untyped-def]
    return [make_person(f"{prefix}{i}@example.org", f"Voter {prefix}{i}") for i in range(n)]


def _poll(institution, closes_at, voters=(), outcome="adopted"):  # type: ignore[no-untyped-def]
    poll = Poll.objects.create(
        institution=institution,
        title="Question",
        rule="majority",
        opens_at=closes_at - 7 * DAY,
        closes_at=closes_at,
        closed_at=closes_at,
        outcome=outcome,
    )
    Participation.objects.bulk_create(
        Participation(poll=poll, user=u, channel="online") for u in voters
    )
    return poll


def _meeting(institution, at, **extra):  # type: ignore[no-untyped-def]
    return Meeting.objects.create(
        institution=institution,
        title="Assembly",
        starts_at=at,
        ends_at=at + timedelta(hours=2),
        **extra,
    )


def _concern(institution, age_days, state="reported"):  # type: ignore[no-untyped-def]
    concern = Concern.objects.create(
        institution=institution, category="safety", place="Corner", description="Light", state=state
    )
    Concern.objects.filter(pk=concern.pk).update(created_at=timezone.now() - age_days * DAY)
    return concern


def _term(membership, role, starts_on, ends_on, ended_on=None):  # type: ignore[no-untyped-def]
    return RoleTerm.objects.create(
        membership=membership, role=role, starts_on=starts_on, ends_on=ends_on, ended_on=ended_on
    )


def test_an_institution_in_trouble_has_each_reason_with_its_points(chapter, now):  # type: ignore[no-untyped-def]
    (block,) = blocks(chapter, 1)
    people = _people(4)
    memberships = [join(block, p, verified=True) for p in people]
    join(block, make_person("new@example.org", "Newcomer"))
    gone = join(block, make_person("gone@example.org", "Gone"), left_at=now - 5 * DAY)
    today = timezone.localdate(now)
    # Never met.
    _meeting(block, now - 10 * DAY, cancelled_at=now - 20 * DAY)  # cancelled: not held
    _meeting(block, now + 5 * DAY)  # still to come
    # Two roles overdue; one term ended early (resigned) and one followed by a new term.
    _term(memberships[0], "facilitator", today - 400 * DAY, today - 35 * DAY)
    _term(memberships[1], "secretary", today - 380 * DAY, today - DAY * 15)
    _term(
        memberships[2], "treasurer", today - 300 * DAY, today - 10 * DAY, ended_on=today - 100 * DAY
    )
    _term(memberships[3], "delegate", today - 500 * DAY, today - 135 * DAY)
    _term(memberships[2], "delegate", today - 134 * DAY, today + 230 * DAY)
    _term(gone, "facilitator", today - 900 * DAY, today - 700 * DAY, ended_on=today - 800 * DAY)
    # Voters fell from 4 to 1; a poll still open and one cancelled do not count.
    _poll(block, now - 100 * DAY, people)
    _poll(block, now - 120 * DAY, people[:2])
    _poll(block, now - 20 * DAY, people[:1])
    _poll(block, now + 3 * DAY, people)
    cancelled = _poll(block, now - 10 * DAY, people)
    Poll.objects.filter(pk=cancelled.pk).update(cancelled_at=now - 10 * DAY)
    # Quorum lapsed twice in the last 180 days (and once before).
    _poll(block, now - 30 * DAY, outcome="no_quorum")
    _poll(block, now - 170 * DAY, outcome="no_quorum")
    _poll(block, now - 200 * DAY, outcome="no_quorum")
    # Three old unresolved concerns, one recent; resolved and declined ones do not count.
    for state in ("reported", "acknowledged", "in_progress"):
        _concern(block, 45, state)
    _concern(block, 5)
    _concern(block, 90, "resolved")
    _concern(block, 90, "declined")

    figures = health.compute(chapter=chapter, now=now)[block.pk]

    assert (figures.members, figures.verified, figures.open_concerns) == (5, 4, 4)
    assessment = charter_assess(institution=block)
    assert figures.charter_percent == assessment.percent
    reasons = {r["code"]: r for r in figures.reasons}
    assert reasons["irregular_meetings"] == {
        "code": "irregular_meetings",
        "params": {"interval": 30},
        "points": "20.0",
    }
    assert reasons["participation_decline"]["params"] == {"recent": 1, "previous": 4}
    assert reasons["participation_decline"]["points"] == "15.0"
    assert reasons["overdue_rotations"] == {
        "code": "overdue_rotations",
        "params": {"count": 2},
        "points": "6.7",
    }
    assert reasons["old_concerns"]["params"] == {"count": 3}
    assert reasons["old_concerns"]["points"] == "6.0"
    assert reasons["lapsed_quorum"]["params"] == {"count": 2}
    assert reasons["lapsed_quorum"]["points"] == "6.7"
    units = assessment.score_units
    assert reasons["charter_distance"]["params"] == {"met": units, "total": 14}
    lost_charter = 30 * (14 - units) / 14
    expected = 100 - lost_charter - 20 - 15 - 20 / 3 - 6 - 20 / 3
    assert figures.health == int(expected)
    points = [float(r["points"]) for r in figures.reasons]
    assert points == sorted(points, reverse=True)


def test_a_healthy_institution_loses_only_what_its_charter_misses(chapter, now):  # type: ignore[no-untyped-def]
    block = institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Good Block",
        kind="block_association",
        rules=BylawsSettings(
            quorum_percent=10, term_months=12, term_limit=2, recall=True, public_records=True
        ),
    )
    people = _people(3)
    for p in people:
        join(block, p, verified=True)
    for weeks in range(1, 30, 2):  # every 14 days, the last one 7 days ago
        _meeting(block, now - (weeks * 7) * DAY)
    _poll(block, now - 100 * DAY, people)
    _poll(block, now - 10 * DAY, people)
    figures = health.compute(chapter=chapter, now=now)[block.pk]
    assert charter_assess(institution=block).percent == 100 == figures.charter_percent
    assert figures.health == 100 and figures.reasons == []


@pytest.mark.parametrize(
    ("days_since", "points"), [(14, None), (21, "5.0"), (35, "15.0"), (42, "20.0"), (70, "20.0")]
)
def test_meeting_regularity_against_the_usual_interval(chapter, now, days_since, points):  # type: ignore[no-untyped-def]
    (block,) = blocks(chapter, 1)
    last = now - days_since * DAY
    for k in range(8):  # every 14 days
        _meeting(block, last - k * 14 * DAY, started_at=last - k * 14 * DAY - timedelta(minutes=5))
    figures = health.compute(chapter=chapter, now=now)[block.pk]
    reason = next((r for r in figures.reasons if r["code"] == "irregular_meetings"), None)
    if points is None:
        assert reason is None
    else:
        assert reason == {
            "code": "irregular_meetings",
            "params": {"days_since": days_since, "interval": 14},
            "points": points,
        }


def test_usual_interval_is_the_median_gap_and_30_days_without_two_meetings(now):  # type: ignore[no-untyped-def]
    assert health.usual_interval([]) == 30
    assert health.usual_interval([now]) == 30
    assert health.usual_interval([now, now - 7 * DAY, now - 14 * DAY, now - 70 * DAY]) == 7


def test_charter_percent_equals_the_charter_page_for_varied_institutions(chapter, now):  # type: ignore[no-untyped-def]
    today = timezone.localdate(now)
    made = []
    for i, rules in enumerate(
        [
            None,
            BylawsSettings(quorum_percent=3, term_months=24, term_limit=3, recall=True),
            BylawsSettings(
                quorum_percent=10, term_months=12, term_limit=1, recall=True, public_records=True
            ),
            BylawsSettings(open_membership=False, one_member_one_vote=False, term_months=6),
        ]
    ):
        made.append(
            institution_create(
                actor=SYSTEM,
                chapter=chapter,
                name=f"Charter {i}",
                kind="tenants_union",
                rules=rules,
            )
        )
    people = _people(6, "c")
    # Some verified, one waiting for 40 days.
    a = [join(made[2], p, verified=True) for p in people[:3]]
    waiting = join(made[2], people[3])
    waiting.joined_at = now - 40 * DAY
    waiting.save(update_fields=["joined_at"])
    # Past the limit of 1 (two terms in a row), a term too long, a role left empty.
    _term(a[0], "facilitator", today - 500 * DAY, today - 140 * DAY)
    _term(a[0], "facilitator", today - 140 * DAY, today + 200 * DAY)
    _term(a[1], "secretary", today - 30 * DAY, today + 500 * DAY)
    _term(a[2], "treasurer", today - 400 * DAY, today - 60 * DAY)
    b = join(made[1], people[4], verified=True)
    stalled_term = _term(b, "facilitator", today - 30 * DAY, today + 300 * DAY)
    petition = RecallPetition.objects.create(role_term=stalled_term, opened_by=b, reason="Why")
    RecallPetition.objects.filter(pk=petition.pk).update(opened_at=now - 70 * DAY)
    join(made[3], people[5], verified=True)

    bulk = health.charter_assessments(
        chapter=chapter, institution_ids=[i.pk for i in made], now=timezone.now()
    )
    for institution in made:
        assert bulk[institution.pk] == charter_assess(institution=institution), institution.name
    assert len({a.percent for a in bulk.values()}) >= 3


def test_every_institution_of_the_chapter_gets_figures_and_only_those(chapter, now):  # type: ignore[no-untyped-def]
    from bloc.institutions.services import chapter_create

    made = blocks(chapter, 3)
    other = chapter_create(actor=SYSTEM, name="Elsewhere", slug="elsewhere")
    blocks(other, 2, start=10)
    assert set(health.compute(chapter=chapter, now=now)) == {i.pk for i in made}


def _queries(chapter, now):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        health.compute(chapter=chapter, now=now)
    return len(context.captured_queries)


def test_the_computation_costs_the_same_queries_for_3_or_30_institutions(chapter, now):  # type: ignore[no-untyped-def]
    for i, block in enumerate(blocks(chapter, 3)):
        join(block, make_person(f"m{i}@example.org", "M"), verified=True)
        _meeting(block, now - 3 * DAY)
    few = _queries(chapter, now)
    for i, block in enumerate(blocks(chapter, 27, start=3)):
        join(block, make_person(f"n{i}@example.org", "N"), verified=True)
        _meeting(block, now - 3 * DAY)
        _concern(block, 40)
    many = _queries(chapter, now)
    assert few == many <= 14
