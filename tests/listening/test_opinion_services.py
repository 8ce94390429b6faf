"""Opinion conversations: statements (trimmed, limited, deduplicated, moderated), votes
(accepted statements of open conversations only), and the analysis."""

from __future__ import annotations

import pytest

from bloc.audit.models import AuditEvent
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from bloc.listening import opinions as svc
from bloc.listening.models import Moderation, OpinionAnalysis, Statement, StatementVote
from tests.conftest import make_person, member
from tests.listening.opinion_helpers import SEEDS, conversation, two_camps, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(maple, fiona):  # type: ignore[no-untyped-def]
    return conversation(maple, fiona)


@pytest.fixture
def voter(maple):  # type: ignore[no-untyped-def]
    return verified(maple, 1, "v")[0]


def test_opening_accepts_the_seeds(talk, fiona):  # type: ignore[no-untyped-def]
    statements = list(talk.statements.order_by("pk"))
    assert [s.text for s in statements] == SEEDS
    assert all(s.is_seed and s.moderation == Moderation.ACCEPTED for s in statements)
    assert AuditEvent.objects.filter(action="opinion.open").count() == 1


def test_only_officers_open(maple, voter):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        svc.conversation_open(actor=voter, institution=maple, topic="Why?")


def test_a_statement_is_trimmed_and_held(talk, voter):  # type: ignore[no-untyped-def]
    made = svc.statement_submit(actor=voter, conversation=talk, text="  More   trees, please.  ")
    assert made.text == "More trees, please."
    assert made.moderation == Moderation.PENDING and not made.is_seed


@pytest.mark.parametrize("text", ["", "   ", "x" * 2000, "?!…"])
def test_bad_statements_write_nothing(talk, voter, text):  # type: ignore[no-untyped-def]
    before, events = Statement.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        svc.statement_submit(actor=voter, conversation=talk, text=text)
    assert refused.value.fields["text"]
    assert Statement.objects.count() == before and AuditEvent.objects.count() == events


def test_a_long_statement_says_how_long(talk, voter):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        svc.statement_submit(actor=voter, conversation=talk, text="x" * 2000)
    assert "280" in refused.value.fields["text"][0]


def test_duplicates_are_refused(talk, voter):  # type: ignore[no-untyped-def]
    before = Statement.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        svc.statement_submit(
            actor=voter, conversation=talk, text="the PARK should stay open at night"
        )
    assert refused.value.fields["text"] == ["This statement is already in the conversation."]
    svc.statement_submit(actor=voter, conversation=talk, text="Más árboles")
    with pytest.raises(ValidationFailed):
        svc.statement_submit(actor=voter, conversation=talk, text="mas ARBOLES!")
    assert Statement.objects.count() == before + 1


def test_statement_key_folds():  # type: ignore[no-untyped-def]
    assert svc.statement_key("  Él dijo: ¡NO!  ") == svc.statement_key("el dijo no")


def test_unverified_members_do_not_take_part(talk, maple):  # type: ignore[no-untyped-def]
    person = make_person("un@example.org", "Unverified", address="112 Maple Street")
    member(maple, person)
    with pytest.raises(PermissionDenied):
        svc.statement_submit(actor=person, conversation=talk, text="Hello there")


def test_moderation(talk, voter, fiona):  # type: ignore[no-untyped-def]
    made = svc.statement_submit(actor=voter, conversation=talk, text="More trees")
    with pytest.raises(PermissionDenied):
        svc.statement_moderate(actor=voter, statement=made, accept=True)
    with pytest.raises(Conflict):
        svc.vote_cast(actor=voter, statement=made, vote="agree")
    svc.statement_moderate(actor=fiona, statement=made, accept=True)
    made.refresh_from_db()
    assert made.moderation == Moderation.ACCEPTED and made.moderated_by == fiona
    svc.vote_cast(actor=voter, statement=made, vote="agree")
    svc.statement_moderate(actor=fiona, statement=made, accept=False)
    made.refresh_from_db()
    with pytest.raises(Conflict):
        svc.vote_cast(actor=voter, statement=made, vote="disagree")
    assert StatementVote.objects.get().vote == 1


def test_votes_change_and_stay_one(talk, voter):  # type: ignore[no-untyped-def]
    statement = talk.statements.first()
    svc.vote_cast(actor=voter, statement=statement, vote="agree")
    svc.vote_cast(actor=voter, statement=statement, vote="pass")
    svc.vote_cast(actor=voter, statement=statement, vote=-1)
    assert list(StatementVote.objects.values_list("vote", flat=True)) == [-1]


def test_bad_votes_write_nothing(talk, voter, fiona):  # type: ignore[no-untyped-def]
    statement = talk.statements.first()
    events = AuditEvent.objects.count()
    for vote in ("maybe", 2, True):
        with pytest.raises(ValidationFailed):
            svc.vote_cast(actor=voter, statement=statement, vote=vote)
    svc.conversation_close(actor=fiona, conversation=talk)
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        svc.vote_cast(actor=voter, statement=statement, vote="agree")
    assert refused.value.code == "conversation_closed"
    with pytest.raises(Conflict):
        svc.statement_submit(actor=voter, conversation=talk, text="Late idea")
    assert StatementVote.objects.count() == 0 and AuditEvent.objects.count() == events


def test_two_camps_make_two_groups(maple, fiona):  # type: ignore[no-untyped-def]
    talk, a, b = two_camps(maple, fiona)
    analysis = svc.analysis_refresh(conversation=talk)
    assert analysis is not None
    result = analysis.result
    assert result["k"] == 2
    groups = result["groups"]
    assert len({groups[str(p.pk)] for p in a}) == 1
    assert len({groups[str(p.pk)] for p in b}) == 1
    assert groups[str(a[0].pk)] != groups[str(b[0].pk)]
    last = talk.statements.order_by("pk").last()
    assert result["consensus"][0]["statement"] == last.pk
    assert set(result["positions"]) == {str(p.pk) for p in a + b}


def test_rejected_statements_are_moderated_out(maple, fiona):  # type: ignore[no-untyped-def]
    talk, _a, _b = two_camps(maple, fiona)
    first = talk.statements.order_by("pk").first()
    svc.statement_moderate(actor=fiona, statement=first, accept=False)
    matrix = svc.vote_matrix(talk)
    assert first.pk not in matrix.statements


def test_staleness(maple, fiona, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(svc, "SMALL_VOTES", 0)  # as if the conversation were large
    talk, a, _b = two_camps(maple, fiona, per_camp=8)
    assert svc.analysis_is_stale(talk, None)
    analysis = svc.analysis_current(talk)
    assert analysis is not None and OpinionAnalysis.objects.count() == 1
    assert not svc.analysis_is_stale(talk, analysis)
    assert svc.analysis_current(talk).pk == analysis.pk
    statement = talk.statements.order_by("pk").first()
    svc.vote_cast(actor=a[0], statement=statement, vote="disagree")
    assert not svc.analysis_is_stale(talk, analysis)  # one vote, just now
    monkeypatch.setattr(svc, "SMALL_VOTES", 10_000)
    assert svc.analysis_is_stale(talk, analysis)  # a small map: any new vote
    monkeypatch.setattr(svc, "SMALL_VOTES", 0)
    later = analysis.computed_at + svc.timedelta(seconds=svc.STALE_SECONDS + 1)
    assert svc.analysis_is_stale(talk, analysis, now=later)


def test_the_polls_tick_refreshes(maple, fiona):  # type: ignore[no-untyped-def]
    from bloc.decisions.models import Poll
    from bloc.decisions.signals import polls_tick_started

    talk, _a, _b = two_camps(maple, fiona, per_camp=8)
    polls_tick_started.send(sender=Poll)
    assert talk.analyses.count() == 1
    polls_tick_started.send(sender=Poll)
    assert talk.analyses.count() == 1  # nothing new


def test_a_refresh_replaces_the_stored_map(maple, fiona):  # type: ignore[no-untyped-def]
    from bloc.listening.opinions import analysis_refresh, vote_cast

    talk, a, _b = two_camps(maple, fiona, per_camp=8)
    first = analysis_refresh(conversation=talk)
    statement = talk.statements.order_by("pk").first()
    vote_cast(actor=a[0], statement=statement, vote=-1)
    second = analysis_refresh(conversation=talk)
    assert first is not None and second is not None and second.pk != first.pk
    assert list(talk.analyses.values_list("pk", flat=True)) == [second.pk]
