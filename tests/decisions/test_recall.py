"""A recall petition put to a secret vote: the vote, not a facilitator, decides it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.core.errors import Conflict, PermissionDenied
from bloc.decisions import voting
from bloc.decisions.models import Poll
from bloc.decisions.recalls import recall_to_vote
from bloc.membership import roles
from bloc.membership.models import RoleTerm
from tests.decisions.conftest import close_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(maple, fiona, voters):  # type: ignore[no-untyped-def]
    term = RoleTerm.objects.get(membership__user=fiona, role="facilitator")
    return roles.recall_open(actor=voters[1], term=term, reason="Never calls meetings.")


@pytest.fixture
def organizer(chapter):  # type: ignore[no-untyped-def]
    from bloc.actors import SYSTEM
    from bloc.institutions.services import chapter_organizer_add
    from tests.conftest import make_person

    person = make_person("olga@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=chapter, user=person)
    return person


def test_the_vote_recalls_and_ends_the_term(petition, fiona, voters, organizer):
    with pytest.raises(PermissionDenied) as refused:
        recall_to_vote(
            actor=fiona, petition=petition, closes_at=timezone.now() + datetime.timedelta(days=1)
        )
    assert refused.value.code == "own_recall"
    poll = recall_to_vote(
        actor=organizer, petition=petition, closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert poll.secret and poll.rule == "majority" and poll.recall_id == petition.pk
    # While the vote runs, nobody records the outcome by hand.
    with pytest.raises(Conflict) as busy:
        roles.recall_close(actor=organizer, petition=petition, outcome="kept")
    assert busy.value.code == "decided_by_vote"
    with pytest.raises(Conflict):
        recall_to_vote(
            actor=organizer, petition=petition, closes_at=timezone.now() + datetime.timedelta(1)
        )
    for person in voters[1:4]:
        voting.vote(actor=person, poll=poll, data=0)  # for the recall
    voting.vote(actor=voters[4], poll=poll, data=1)
    close_now(poll)
    petition.refresh_from_db()
    assert poll.outcome == "adopted"
    assert petition.outcome == "recalled" and petition.closed_at is not None
    term = RoleTerm.objects.get(pk=petition.role_term_id)
    assert term.ended_on == timezone.localdate() and term.end_reason == "recalled"


def test_a_failed_recall_keeps_the_holder(petition, voters, organizer):
    poll = recall_to_vote(
        actor=organizer, petition=petition, closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    voting.vote(actor=voters[1], poll=poll, data=0)
    voting.vote(actor=voters[2], poll=poll, data=1)  # a tie is not a majority
    close_now(poll)
    petition.refresh_from_db()
    assert (poll.outcome, petition.outcome) == ("rejected", "kept")
    assert RoleTerm.objects.get(pk=petition.role_term_id).ended_on is None


def test_the_roles_page_puts_a_petition_to_a_vote(client, maple, petition, organizer):
    client.force_login(organizer)
    page = client.get(f"/institutions/{maple.slug}/roles/").content.decode()
    assert "Put to a vote" in page
    vote_url = f"/institutions/{maple.slug}/recalls/{petition.pk}/vote/"

    refused = client.post(vote_url, {"closes_at": "not a date"}, follow=True)
    assert "Give the date and time" in refused.content.decode()
    assert not Poll.objects.filter(recall=petition).exists()
    closes = timezone.localtime() + datetime.timedelta(days=3)
    done = client.post(vote_url, {"closes_at": closes.strftime("%Y-%m-%dT%H:%M")})

    petition.refresh_from_db()
    assert done.status_code == 302 and done.url.endswith(f"/polls/{petition.poll.pk}/")
    page = client.get(f"/institutions/{maple.slug}/roles/").content.decode()
    assert "Being decided by a vote of the members" in page
