"""Scorecards: organizers record who was elected and what the officeholder did, judged
against their pledges; the score follows at once. Refusals write nothing."""

from __future__ import annotations

import datetime
from fractions import Fraction
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def make_officeholder(chapter, institution, *, name="Rosa Parks", elected=True):  # type: ignore[no-untyped-def]
    """A candidate of a cycle held a year ago with pledges to two priorities, recorded
    (with the ORM) as elected and in office since eleven months ago."""
    from bloc.confederation.councils import council_create
    from bloc.confederation.models import Council
    from bloc.electoral.models import Candidate, Cycle, Pledge, Priority
    from bloc.electoral.questionnaires import new_secret

    council = Council.objects.filter(chapter=chapter).first()
    if council is None:
        council = council_create(actor=SYSTEM, chapter=chapter, name="City", level=1)
    cycle = Cycle.objects.filter(chapter=chapter).first() or Cycle.objects.create(
        chapter=chapter, title="City elections", election_date=days_ago(365), council=council
    )
    priorities = [
        Priority.objects.get_or_create(
            chapter=chapter,
            title=title,
            defaults={"category": category, "proposed_by": institution},
        )[0]
        for title, category in (
            ("A community land trust", "land_trusts"),
            ("A civilian police board", "police"),
        )
    ]
    _secret, digest = new_secret()
    candidate = Candidate.objects.create(
        cycle=cycle,
        name=name,
        office="City council",
        district="District 3",
        level="local",
        token_hash=digest,
        stage="endorsed",
        elected=elected,
        took_office_on=days_ago(330) if elected else None,
    )
    pledges = [
        Pledge.objects.create(
            candidate=candidate,
            priority=p,
            text=f"I will carry {p.title}.",
            signed_name=name,
            signed_at=timezone.now() - datetime.timedelta(days=400),
        )
        for p in priorities
    ]
    return SimpleNamespace(candidate=candidate, trust=pledges[0], police=pledges[1], cycle=cycle)


@pytest.fixture
def organizer(chapter):  # type: ignore[no-untyped-def]
    from bloc.institutions.services import chapter_organizer_add

    person = make_person("org@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=chapter, user=person)
    return person


@pytest.fixture
def office(chapter, maple):  # type: ignore[no-untyped-def]
    return make_officeholder(chapter, maple)


def add(actor, office, verdicts, *, on=None, title="Voted on the housing ordinance", **extra):  # type: ignore[no-untyped-def]
    from bloc.electoral.scorecards import action_add

    return action_add(
        actor=actor,
        candidate=office.candidate,
        kind=extra.pop("kind", "vote"),
        title=title,
        on=on or days_ago(30),
        source_url=extra.pop("source_url", "https://council.example.org/votes/12"),
        matches=verdicts,
        **extra,
    )


def score_of(office):  # type: ignore[no-untyped-def]
    from bloc.electoral.scorecard_selectors import candidate_get, scorecard

    return scorecard(candidate_get(office.candidate.pk))


def counts():  # type: ignore[no-untyped-def]
    from bloc.electoral.models import Action, ActionMatch

    return Action.objects.count(), ActionMatch.objects.count(), AuditEvent.objects.count()


def test_a_broken_pledge_lowers_the_score_and_every_step_is_in_the_audit_log(office, organizer):
    add(organizer, office, {office.trust: ("kept", "Funded the trust")}, on=days_ago(60))
    assert score_of(office).score == 1
    action = add(
        organizer,
        office,
        {office.trust: ("broken", ""), office.police: ("partial", "Half the budget")},
        on=days_ago(10),
        title="Voted to sell the lot to a developer",
    )
    card = score_of(office)
    assert card.score == Fraction(1 + 0 + Fraction(1, 2), 3) and card.percent == 50
    assert (card.kept, card.partial, card.broken) == (1, 1, 1)
    trust = next(r for r in card.pledges if r.pledge == office.trust)
    assert (trust.kept, trust.partial, trust.broken, trust.latest) == (1, 0, 1, "broken")
    assert [p.percent for p in card.history] == [100, 50]
    assert [m.verdict for m in card.history[-1].matches] == ["broken", "partial"]
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.action == "scorecard.action_add"
    assert last.data["matches"] == {
        str(office.trust.pk): "broken",
        str(office.police.pk): "partial",
    }
    assert last.data["source_url"] == "https://council.example.org/votes/12"
    assert action.created_by == organizer


def test_a_verdict_is_changed_and_removed_and_an_action_removed_with_its_reason(office, organizer):
    from bloc.electoral.scorecards import action_match_remove, action_match_set, action_remove

    action = add(organizer, office, {office.trust: ("broken", "")})
    assert score_of(office).percent == 0
    action_match_set(actor=organizer, action=action, pledge=office.trust, verdict="partial")
    assert score_of(office).percent == 50
    action_match_set(actor=organizer, action=action, pledge=office.police, verdict="kept")
    assert score_of(office).percent == 75
    action_match_remove(actor=organizer, action=action, pledge=office.trust)
    assert score_of(office).percent == 100
    with pytest.raises(Conflict) as refused:
        action_match_remove(actor=organizer, action=action, pledge=office.trust)
    assert refused.value.code == "not_matched"
    with pytest.raises(ValidationFailed) as refused:
        action_remove(actor=organizer, action=action, reason="  ")
    assert "reason" in refused.value.fields
    action_remove(actor=organizer, action=action, reason="The vote was on another bill.")
    assert score_of(office).score is None and counts()[:2] == (0, 0)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "scorecard.action_remove"
    assert event.data["reason"] == "The vote was on another bill."
    assert event.data["matches"] == {str(office.police.pk): "kept"}


def test_an_action_is_corrected(office, organizer):
    from bloc.electoral.scorecards import action_update

    action = add(organizer, office, {office.trust: ("kept", "")})
    action_update(
        actor=organizer,
        action=action,
        kind="bill",
        title="Introduced the land trust bill",
        on=days_ago(3),
        source_url="https://council.example.org/bills/7",
    )
    action.refresh_from_db()
    assert (action.kind, action.on, action.source_url) == (
        "bill",
        days_ago(3),
        "https://council.example.org/bills/7",
    )
    assert score_of(office).history[-1].on == days_ago(3)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"on": TODAY() + datetime.timedelta(days=1)}, "on"),
        ({"on": days_ago(340)}, "on"),  # before they took office
        ({"source_url": "council minutes, page 4"}, "source_url"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"source_url": ""}, "source_url"),
        ({"title": "   "}, "title"),
        ({"kind": "tweet"}, "kind"),
    ],
)
def test_bad_facts_are_refused_with_a_clear_message_and_nothing_written(
    office, organizer, change, field
):
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        add(organizer, office, {office.trust: ("kept", "")}, **change)
    assert field in refused.value.fields and refused.value.message
    assert counts() == before


def test_a_pledge_of_another_officeholder_or_a_bad_verdict_is_refused(
    chapter, maple, office, organizer
):
    from bloc.electoral.scorecards import action_match_set

    other = make_officeholder(chapter, maple, name="Someone Else")
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        add(organizer, office, {other.trust: ("kept", "")})
    assert "pledge" in refused.value.fields and "Rosa Parks" in refused.value.message
    with pytest.raises(ValidationFailed) as refused:
        add(organizer, office, {office.trust: ("forgotten", "")})
    assert "verdict" in refused.value.fields
    assert counts() == before
    action = add(organizer, office, {})
    before = counts()
    with pytest.raises(ValidationFailed):
        action_match_set(actor=organizer, action=action, pledge=other.police, verdict="broken")
    assert counts() == before


def test_only_the_chapters_organizers_may_and_nothing_is_written_otherwise(
    office, organizer, fiona
):
    from bloc.electoral.scorecards import (
        action_match_remove,
        action_match_set,
        action_remove,
        outcome_record,
    )

    action = add(organizer, office, {office.trust: ("kept", "")})
    before = counts()
    for actor in (fiona, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            add(actor, office, {office.trust: ("broken", "")})
        with pytest.raises(PermissionDenied):
            action_match_set(actor=actor, action=action, pledge=office.trust, verdict="broken")
        with pytest.raises(PermissionDenied):
            action_match_remove(actor=actor, action=action, pledge=office.trust)
        with pytest.raises(PermissionDenied):
            action_remove(actor=actor, action=action, reason="Because")
        with pytest.raises(PermissionDenied):
            outcome_record(actor=actor, candidate=office.candidate, elected=False)
    assert counts() == before
    office.candidate.refresh_from_db()
    assert office.candidate.elected is True


def test_only_an_officeholder_has_actions(chapter, maple, organizer):
    loser = make_officeholder(chapter, maple, name="Not Elected", elected=None)
    with pytest.raises(Conflict) as refused:
        add(organizer, loser, {loser.trust: ("kept", "")})
    assert refused.value.code == "not_officeholder"
    assert counts()[:2] == (0, 0)


def test_the_outcome_of_the_election_is_recorded_and_audited(chapter, maple, organizer):
    from bloc.electoral.scorecard_selectors import officeholder_list
    from bloc.electoral.scorecards import outcome_record

    running = make_officeholder(chapter, maple, name="New Member", elected=None)
    assert officeholder_list() == []
    outcome_record(
        actor=organizer, candidate=running.candidate, elected=True, took_office_on=days_ago(300)
    )
    running.candidate.refresh_from_db()
    assert (running.candidate.elected, running.candidate.took_office_on) == (True, days_ago(300))
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "scorecard.outcome_record"
    assert (
        event.data["elected"] is True and event.data["took_office_on"] == days_ago(300).isoformat()
    )
    assert event.data["before"]["elected"] is None
    assert [r.candidate.name for r in officeholder_list(chapter)] == ["New Member"]
    outcome_record(
        actor=organizer,
        candidate=running.candidate,
        elected=True,
        took_office_on=days_ago(300),
        left_office_on=days_ago(1),
    )
    running.candidate.refresh_from_db()
    assert running.candidate.left_office_on == days_ago(1)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"elected": False, "took_office_on": days_ago(300)}, "took_office_on"),
        ({"elected": True, "took_office_on": days_ago(400)}, "took_office_on"),  # before
        ({"elected": True, "left_office_on": days_ago(10)}, "took_office_on"),
        (
            {"elected": True, "took_office_on": days_ago(10), "left_office_on": days_ago(20)},
            "left_office_on",
        ),
        (
            {
                "elected": True,
                "took_office_on": days_ago(10),
                "left_office_on": TODAY() + datetime.timedelta(days=5),
            },
            "left_office_on",
        ),
    ],
)
def test_a_bad_outcome_is_refused_and_nothing_written(chapter, maple, organizer, values, field):
    from bloc.electoral.scorecards import outcome_record

    running = make_officeholder(chapter, maple, name="New Member", elected=None)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        outcome_record(actor=organizer, candidate=running.candidate, **values)
    assert field in refused.value.fields
    running.candidate.refresh_from_db()
    assert running.candidate.elected is None and running.candidate.took_office_on is None
    assert AuditEvent.objects.count() == before


def test_an_outcome_before_the_election_or_leaving_out_actions_is_refused(
    chapter, maple, office, organizer
):
    from bloc.electoral.models import Cycle
    from bloc.electoral.scorecards import outcome_record

    add(organizer, office, {office.trust: ("kept", "")}, on=days_ago(30))
    before = counts()
    with pytest.raises(Conflict) as refused:
        outcome_record(actor=organizer, candidate=office.candidate, elected=False)
    assert refused.value.code == "has_actions"
    with pytest.raises(Conflict) as refused:
        outcome_record(
            actor=organizer, candidate=office.candidate, elected=True, took_office_on=days_ago(20)
        )
    assert refused.value.code == "actions_outside_term"
    assert counts() == before
    Cycle.objects.filter(pk=office.cycle.pk).update(
        election_date=TODAY() + datetime.timedelta(days=9)
    )
    office.candidate.cycle.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        outcome_record(actor=organizer, candidate=office.candidate, elected=True)
    assert "elected" in refused.value.fields


def test_the_list_of_officeholders_reads_their_scores_in_two_queries(
    chapter, maple, office, organizer, django_assert_num_queries
):
    from bloc.electoral.scorecard_selectors import officeholder_list

    others = [make_officeholder(chapter, maple, name=f"Member {n}") for n in range(3)]
    add(organizer, office, {office.trust: ("kept", ""), office.police: ("broken", "")})
    for other in others:
        add(organizer, other, {other.trust: ("partial", "")})
    with django_assert_num_queries(2):
        rows = officeholder_list(chapter)
    assert [(r.candidate.name, r.percent, r.judged, r.pledges) for r in rows] == [
        ("Member 0", 50, 1, 2),
        ("Member 1", 50, 1, 2),
        ("Member 2", 50, 1, 2),
        ("Rosa Parks", 50, 2, 2),
    ]


def test_a_scorecard_is_read_in_four_queries_however_many_actions(
    office, organizer, django_assert_num_queries
):
    from bloc.electoral.scorecard_selectors import candidate_get, scorecard

    for n in range(6):
        add(organizer, office, {office.trust: ("kept", ""), office.police: ("partial", "")},
            on=days_ago(40 - n), title=f"Vote {n}")  # fmt: skip
    with django_assert_num_queries(4):
        card = scorecard(candidate_get(office.candidate.pk))
        assert len(card.actions) == 6 and len(card.history) == 6
        assert [m.pledge.priority.title for row in card.actions for m in row.matches][:2] == [
            "A community land trust",
            "A civilian police board",
        ]
    assert card.percent == 75
