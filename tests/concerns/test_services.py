"""Reporting, anonymity, me too, working groups, the life cycle, raising to a proposal."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from bloc import permissions
from bloc.accounts.models import ThrottleAttempt
from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.concerns import services as svc
from bloc.concerns.models import Concern, ConcernUpdate, MeToo
from bloc.core.bylaws import BylawsSettings
from bloc.core.errors import Conflict, PermissionDenied, Throttled, ValidationFailed
from bloc.decisions.models import Proposal, ProposalState
from bloc.institutions.services import bylaws_amend
from tests.conftest import make_person, member

pytestmark = pytest.mark.django_db


def report(actor, institution, **changes):  # type: ignore[no-untyped-def]
    fields = {
        "category": "infrastructure",
        "place": "Outside 112 Maple Street",
        "description": "A pothole a foot wide.",
    }
    fields.update(changes)
    return svc.concern_report(actor=actor, institution=institution, **fields)


def test_residents_of_the_area_and_members_report_others_may_not(maple, alice, bob, fiona):
    by_resident = report(alice, maple)  # lives at 112 Maple Street, not a member
    assert by_resident.reported_by == alice and by_resident.state == "reported"
    assert report(fiona, maple).reported_by == fiona
    with pytest.raises(PermissionDenied) as refused:
        report(bob, maple)  # no address on his profile
    assert refused.value.code == "residents_only"
    with pytest.raises(PermissionDenied):
        report(AnonymousUser(), maple)
    with pytest.raises(ValidationFailed) as refused:
        report(alice, maple, place="  ")
    assert "place" in refused.value.fields
    with pytest.raises(ValidationFailed):
        report(alice, maple, category="gossip")
    assert Concern.objects.count() == 2


def test_an_anonymous_report_stores_nobody_anywhere(maple, alice):
    concern = report(alice, maple, anonymous=True)
    concern.refresh_from_db()
    assert concern.reported_by is None
    event = AuditEvent.objects.get(action="concern.report")
    assert event.actor == "anonymous"
    assert event.data == {
        "institution": "maple",
        "category": "infrastructure",
        "photos": 0,
        "anonymous": True,
    }
    assert not AuditEvent.objects.filter(actor=f"user:{alice.pk}", at__gte=event.at).exists()
    # The rate-limit mark is a keyed hash of the account and the day, stamped at midnight.
    mark = ThrottleAttempt.objects.get(scope=svc.ANONYMOUS_SCOPE)
    assert len(mark.key) == 64 and int(mark.key, 16) and "user" not in mark.key
    assert mark.at < concern.created_at and mark.at.second == 0


def test_anonymous_reports_are_limited_per_day(maple, alice):
    for _ in range(svc.ANONYMOUS_PER_DAY):
        report(alice, maple, anonymous=True)
    with pytest.raises(Throttled):
        report(alice, maple, anonymous=True)
    assert Concern.objects.count() == svc.ANONYMOUS_PER_DAY
    report(alice, maple)  # under her name she still can
    neighbour = make_person("nina@example.org", "Nina", address="116 Maple Street")
    report(neighbour, maple, anonymous=True)  # the limit is per person


def test_me_too_counts_once_and_can_be_taken_back(maple, alice, fiona, walter):
    concern = report(alice, maple)
    assert svc.me_too_add(actor=fiona, concern=concern) is True
    assert svc.me_too_add(actor=fiona, concern=concern) is False
    assert svc.me_too_add(actor=walter, concern=concern) is True
    assert MeToo.objects.filter(concern=concern).count() == 2
    with pytest.raises(PermissionDenied):
        svc.me_too_add(actor=alice, concern=concern)  # not a member
    assert svc.me_too_withdraw(actor=fiona, concern=concern) is True
    assert svc.me_too_withdraw(actor=fiona, concern=concern) is False
    assert MeToo.objects.filter(concern=concern).count() == 1
    actions = list(
        AuditEvent.objects.filter(subject__startswith="concerns.concern").values_list(
            "action", flat=True
        )
    )
    assert actions.count("concern.me_too") == 2 and actions.count("concern.me_too_withdraw") == 1


def test_working_groups_take_on_concerns_and_move_them(maple, alice, fiona, walter, streets):
    concern = report(alice, maple, anonymous=True)
    other = make_person("otto@example.org", "Otto", address="118 Maple Street")
    member(maple, other, verified=True)
    with pytest.raises(PermissionDenied):
        svc.working_group_create(actor=walter, institution=maple, name="Parks")
    with pytest.raises(ValidationFailed):
        svc.working_group_create(actor=fiona, institution=maple, name="streets and SAFETY")
    parks = svc.working_group_create(actor=fiona, institution=maple, name="Parks")

    # Otto is in no group; Walter may assign only to his own.
    with pytest.raises(PermissionDenied):
        svc.concern_assign(actor=other, concern=concern, working_group=streets)
    with pytest.raises(PermissionDenied):
        svc.concern_assign(actor=walter, concern=concern, working_group=parks)
    svc.concern_assign(actor=walter, concern=concern, working_group=streets)
    assert concern.working_group == streets

    with pytest.raises(PermissionDenied):
        svc.concern_update(actor=other, concern=concern, text="On it", state="acknowledged")
    svc.concern_update(actor=walter, concern=concern, text="", state="acknowledged")
    with pytest.raises(Conflict):
        svc.concern_update(actor=walter, concern=concern, text="Done", state="resolved")
    svc.concern_update(actor=walter, concern=concern, text="Called the city", state="in_progress")
    svc.concern_update(actor=walter, concern=concern, text="Crew comes Tuesday")  # a note
    with pytest.raises(ValidationFailed) as refused:
        svc.concern_update(actor=walter, concern=concern, text=" ", state="resolved")
    assert refused.value.code == "text_required"
    svc.concern_update(actor=fiona, concern=concern, text="Filled.", state="resolved")
    assert concern.state == "resolved"
    with pytest.raises(Conflict):
        svc.concern_update(actor=fiona, concern=concern, text="Again", state="declined")
    with pytest.raises(Conflict):
        svc.concern_assign(actor=fiona, concern=concern, working_group=parks)
    states = list(ConcernUpdate.objects.filter(concern=concern).values_list("state", flat=True))
    assert states == ["acknowledged", "in_progress", "", "resolved"]
    assert AuditEvent.objects.filter(action="concern.update").count() == 4

    assert svc.working_group_join(actor=other, group=streets) is True
    assert svc.working_group_join(actor=other, group=streets) is False
    with pytest.raises(PermissionDenied):
        svc.working_group_join(actor=alice, group=streets)
    assert svc.working_group_leave(actor=other, group=streets) is True
    assert svc.working_group_leave(actor=other, group=streets) is False


def test_a_member_raises_a_concern_to_a_draft_proposal(maple, alice, walter):
    concern = report(alice, maple, place="The corner lot", description="Full of rubbish.")
    with pytest.raises(PermissionDenied):
        svc.concern_raise(actor=alice, concern=concern)  # a resident, not a member
    proposal = svc.concern_raise(actor=walter, concern=concern)
    assert proposal.state == ProposalState.DRAFT and proposal.author == walter
    assert proposal.title == "Infrastructure: The corner lot"
    assert "Full of rubbish." in proposal.body
    assert f"/institutions/maple/concerns/{concern.pk}/" in proposal.body
    assert concern.proposal == proposal
    with pytest.raises(Conflict):
        svc.concern_raise(actor=walter, concern=concern)
    assert Proposal.objects.count() == 1
    assert AuditEvent.objects.filter(action="concern.raise").count() == 1


def test_concerns_are_public_only_when_the_bylaws_make_records_public(maple, alice, fiona):
    anonymous = AnonymousUser()
    assert not permissions.check(anonymous, "concern.view", maple)
    assert not permissions.check(alice, "concern.view", maple)  # resident, not a member
    assert permissions.check(fiona, "concern.view", maple)
    bylaws_amend(
        actor=SYSTEM,
        institution=maple,
        text="Records are public.",
        rules=BylawsSettings(public_records=True),
    )
    assert permissions.check(anonymous, "concern.view", maple)
    assert permissions.check(alice, "concern.view", maple)
