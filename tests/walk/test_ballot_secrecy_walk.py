"""Nobody, an administrator included, can read which member cast which secret ballot.

Eight members of institution A cast known ballots in a secret poll that is then
closed, in one still open, and in the open participatory budget (the world in
``conftest.py``). The URL and API walks check every answer to the six roles; here a
Django superuser (staff, every permission) fetches every page, API read and admin
screen, each voter downloads their personal data, and the tables themselves are
introspected: no answer and no column pairs a voter with their ballot.
"""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.test import Client

from tests.walk.conftest import client_for
from tests.walk.judging import leak_problems
from tests.walk.walker import request
from tests.walk.walkmap import Route, fill, routes

pytestmark = pytest.mark.django_db

SECRET_BALLOTS = ("decisions.SecretBallot", "budgeting.BudgetBallot")
PARTICIPATIONS = ("decisions.Participation", "budgeting.BudgetParticipation")


def _model(label: str):  # type: ignore[no-untyped-def]
    from django.apps import apps

    return apps.get_model(label)


def _reads() -> list[Route]:
    """Every route that answers GET: pages, API reads, the admin's screens."""
    return [
        r for r in routes() if "GET" in r.methods and (not r.is_admin or r.name != "admin:logout")
    ]


def test_the_world_has_known_secret_ballots(world):
    votes = {b.vote for b in world.ballots}
    assert votes == {"poll-closed", "poll-open", "budget-open"}
    assert len({b.receipt for b in world.ballots}) == len(world.ballots)


def test_a_superuser_reads_no_voter_beside_their_ballot_anywhere(world):
    from bloc.accounts.models import User

    superuser = User.objects.get(pk=world.users["superuser"])
    assert superuser.is_staff and superuser.is_superuser
    client = client_for(world, "superuser")
    problems: list[str] = []
    served = 0
    for route in _reads():
        for variant, url in fill(route, world):
            answer = request(client, route, variant, url, "superuser", "GET")
            served += answer.allowed
            if answer.status >= 500:
                problems.append(f"server error: {answer}")
            problems += leak_problems(answer, world.ballots)
    # The admin's record of each voter's vote, one by one.
    for url in _audit_event_pages(world):
        answer = request(client, Route("admin:audit", url, ("GET",)), "", url, "superuser", "GET")
        assert answer.status == 200, answer
        problems += leak_problems(answer, world.ballots)
    assert served > 150
    assert not problems, "\n".join(problems)


def _audit_event_pages(world) -> list[str]:  # type: ignore[no-untyped-def]
    from bloc.audit.models import AuditEvent

    voters = {f"user:{b.user_id}" for b in world.ballots} | {str(b.user_id) for b in world.ballots}
    events = AuditEvent.objects.filter(action__in=["poll.vote", "budget.vote"], actor__in=voters)
    pages = [f"/admin/audit/auditevent/{e.seq}/change/" for e in events]
    assert pages, "the voters' votes are in the audit log"
    return pages


def test_the_audit_log_records_who_voted_never_what_or_their_receipt(world):
    from bloc.audit.models import AuditEvent

    text = json.dumps(list(AuditEvent.objects.values_list("data", flat=True)))
    for ballot in world.ballots:
        assert ballot.receipt not in text and ballot.ballot_id not in text
        assert ballot.nonce not in text


def test_no_voters_personal_data_export_holds_their_ballot(world):
    from bloc.accounts.models import User

    for ballot in world.ballots:
        client = Client()
        client.force_login(User.objects.get(pk=ballot.user_id))
        response = client.get("/accounts/data/my-data.json")
        assert response.status_code == 200
        text = response.content.decode()
        assert ballot.email in text  # it is theirs
        for token in (ballot.receipt, ballot.ballot_id, ballot.nonce):
            assert token not in text, f"{ballot.vote}: {ballot.email}'s export holds their ballot"


def test_ballot_and_participation_tables_share_nothing_that_links_them():
    from django.contrib.auth import get_user_model
    from django.db import models

    user = get_user_model()
    for label in SECRET_BALLOTS:
        model = _model(label)
        for f in model._meta.get_fields():
            assert not (f.is_relation and f.related_model is user), f"{label}.{f.name}"
            assert not isinstance(f, models.DateTimeField | models.DateField), f"{label}.{f.name}"
        assert isinstance(model._meta.pk, models.UUIDField), label  # no orderable id
    for label in PARTICIPATIONS:
        model = _model(label)
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"receipt", "nonce", "content", "ballot"}, label
        for f in model._meta.get_fields():
            assert not (f.is_relation and f.related_model in map(_model, SECRET_BALLOTS)), label
            assert not isinstance(f, models.DateTimeField | models.DateField), f"{label}.{f.name}"
        assert isinstance(model._meta.pk, models.UUIDField), label


def test_no_model_holds_a_secret_ballot_beside_a_member():
    """A model with a receipt and a member is a roll call (open ballots are public)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    user = get_user_model()
    with_both = sorted(
        m._meta.label
        for m in apps.get_models()
        if {"receipt", "nonce"} & {f.name for f in m._meta.get_fields()}
        and any(f.is_relation and f.related_model is user for f in m._meta.get_fields())
    )
    assert with_both == ["decisions.OpenBallot"]


def test_the_admin_registers_no_ballot_or_participation_model():
    registered = {m._meta.label for m in admin.site._registry}
    assert not registered & {*SECRET_BALLOTS, *PARTICIPATIONS}, registered
    for model, model_admin in admin.site._registry.items():
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"receipt", "nonce"}, model._meta.label
        assert not model_admin.get_inlines(None, None), model._meta.label


def _answer(body: str):  # type: ignore[no-untyped-def]
    from tests.walk.walker import Answer

    return Answer("page", "", "/page/", "superuser", "GET", 200, "", 0, body.encode())


def test_the_leak_check_finds_a_voter_beside_their_ballot_and_not_a_published_list():
    import random
    import uuid

    from tests.walk.conftest import Ballot

    ballots = [
        Ballot("poll", n, f"voter{n}@example.org", f"Voter Number{n}", uuid.uuid4().hex * 2,
               str(uuid.uuid4()), uuid.uuid4().hex)
        for n in range(8)
    ]  # fmt: skip
    names = "".join(f"<li>{b.full_name}</li>" for b in random.sample(ballots, 8))
    receipts = "".join(f"<li>{b.receipt}</li>" for b in sorted(ballots, key=lambda b: b.receipt))
    # Who voted, and the published ballots in receipt order: nothing pairs them.
    assert leak_problems(_answer(f"<ul>{names}</ul><ul>{receipts}</ul>"), ballots) == []
    # One voter's own receipt on a page about them (a personal export, a profile).
    assert leak_problems(_answer(f"{ballots[3].email}: {ballots[3].receipt}"), ballots)
    # A ballot's id beside its voter.
    assert leak_problems(_answer(f"{ballots[0].full_name} {ballots[0].ballot_id}"), ballots)
    # Every ballot in a row with its voter (a "voter" column added to a list or admin).
    rows = "".join(f"<tr><td>{b.email}</td><td>{b.receipt}</td></tr>" for b in ballots)
    assert leak_problems(_answer(f"<table>{rows}</table>"), ballots)
