"""Door-to-door needs: recording, consent, who sees contacts, roll-up, follow-through."""

from __future__ import annotations

import pytest

from bloc import permissions
from bloc.audit.models import AuditEvent
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from bloc.institutions.models import AreaAddress
from bloc.listening import needs as svc
from bloc.listening import selectors as sel
from bloc.listening.models import NeedsConversation

pytestmark = pytest.mark.django_db


def address(maple, text):  # type: ignore[no-untyped-def]
    return AreaAddress.objects.get(institution=maple, address=text)


def record(actor, maple, **extra):  # type: ignore[no-untyped-def]
    given = {
        "categories": ["housing"],
        "need": "The boiler fails every winter.",
        "address": address(maple, "112 Maple Street"),
    }
    given.update(extra)
    return svc.need_record(actor=actor, institution=maple, **given)


def test_a_verified_member_records_a_need(maple, canvasser):  # type: ignore[no-untyped-def]
    need = record(
        canvasser,
        maple,
        categories=["health", "housing", "health"],
        follow_up=True,
        consent=True,
        contact_name="Marta",
        contact_phone="555-0100",
    )
    assert need.categories == ["housing", "health"]
    event = AuditEvent.objects.get(action="needs.record")
    assert "Marta" not in str(event.data) and "555" not in str(event.data)


def test_an_unverified_member_does_not_canvass(maple, resident):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        record(resident, maple)


@pytest.mark.parametrize(
    "bad",
    [
        {"categories": []},
        {"categories": ["weather"]},
        {"need": ""},
        {"need": "x" * 2_001},
        {"address": None, "place": ""},
        {"contact_name": "Marta", "consent": False},
        {"address": 999_999},
    ],
)
def test_bad_input_writes_nothing(maple, canvasser, bad):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed):
        record(canvasser, maple, **bad)
    assert NeedsConversation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="needs.record").exists()


def test_a_resident_cannot_see_contact_details(maple, canvasser, resident, fiona, bob):  # type: ignore[no-untyped-def]
    record(canvasser, maple, consent=True, contact_name="Marta", contact_phone="555-0100")
    assert permissions.check(resident, "needs.view", maple)
    assert not permissions.check(resident, "needs.contacts", maple)
    assert not permissions.check(canvasser, "needs.contacts", maple)
    assert not permissions.check(bob, "needs.view", maple)
    assert permissions.check(fiona, "needs.contacts", maple)


def test_rollup_by_block_and_category(maple, canvasser):  # type: ignore[no-untyped-def]
    record(canvasser, maple, categories=["housing", "safety"])
    record(canvasser, maple, categories=["housing"], follow_up=True)
    record(canvasser, maple, categories=["safety"], address=address(maple, "114 Maple Street"))
    record(canvasser, maple, categories=["other"], address=None, place="The corner store")
    rollup = sel.needs_rollup(maple)
    assert rollup["conversations"] == 4
    overall = {code: count for code, _label, count in rollup["categories"]}
    assert overall["housing"] == 2 and overall["safety"] == 2 and overall["other"] == 1
    rows = {row.where: row for row in rollup["rows"]}
    assert rows["112 Maple Street"].total == 2
    assert rows["112 Maple Street"].follow_up == 1
    assert rows["112 Maple Street"].counts["housing"] == 2
    assert rows["112 Maple Street"].counts["safety"] == 1
    assert rows["114 Maple Street"].counts["safety"] == 1
    assert rows["The corner store"].counts["other"] == 1
    assert rollup["rows"][0].where == "112 Maple Street"


def test_a_need_becomes_a_concern_once(maple, canvasser, fiona):  # type: ignore[no-untyped-def]
    need = record(canvasser, maple, categories=["health", "safety"])
    with pytest.raises(PermissionDenied):
        svc.need_to_concern(actor=canvasser, conversation=need)
    concern = svc.need_to_concern(actor=fiona, conversation=need)
    assert concern.category == "safety"
    assert concern.place == "112 Maple Street"
    assert concern.description == need.need
    need.refresh_from_db()
    assert need.concern_id == concern.pk
    with pytest.raises(Conflict):
        svc.need_to_proposal(actor=fiona, conversation=need)


def test_a_need_becomes_a_draft_proposal(maple, canvasser, fiona):  # type: ignore[no-untyped-def]
    need = record(canvasser, maple)
    proposal = svc.need_to_proposal(actor=fiona, conversation=need, title="Fix the boilers")
    assert proposal.state == "draft"
    assert proposal.title == "Fix the boilers"
    assert need.need in proposal.body
    need.refresh_from_db()
    assert need.proposal_id == proposal.pk
