"""Joining, leaving, verifying residency in person and by vouching, and one's own data."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.core.errors import PermissionDenied, ValidationFailed
from bloc.membership import services
from bloc.membership.models import Membership, ResidencyVerification, RoleTerm, Vouch
from tests.conftest import make_person, member

pytestmark = pytest.mark.django_db


def test_a_resident_of_the_area_joins_and_joining_twice_is_harmless(client, alice, maple):
    client.force_login(alice)
    response = client.post(
        reverse("institutions:join", args=["maple"]), {"address": "112 Maple St"}
    )
    assert response.status_code == 302
    assert (
        client.post(
            reverse("institutions:join", args=["maple"]), {"address": "112 Maple St"}
        ).status_code
        == 302
    )
    assert Membership.objects.filter(user=alice).count() == 1
    assert AuditEvent.objects.filter(action="membership.join").count() == 1


def test_someone_outside_the_area_is_told_why_and_nothing_is_written(client, maple):
    client.force_login(make_person("far@example.org", "Farah Away"))
    response = client.post(
        reverse("institutions:join", args=["maple"]), {"address": "9 Elsewhere Road"}
    )
    assert response.status_code == 422
    assert "9 Elsewhere Road is not in the area of Maple Street Block Association" in (
        response.content.decode()
    )
    assert not Membership.objects.exists()


def test_a_resident_without_an_address_is_asked_for_one(bob, maple):
    with pytest.raises(ValidationFailed) as refused:
        services.membership_join(actor=bob, institution=maple, address="")
    assert "Add your home address" in refused.value.message


def test_a_location_inside_the_boundary_is_enough(bob, maple):
    membership = services.membership_join(
        actor=bob, institution=maple, address="", location=(40.845, -73.925)
    )
    assert membership.user == bob
    with pytest.raises(ValidationFailed):
        services.membership_join(
            actor=make_person("c@example.org", "C"),
            institution=maple,
            address="",
            location=(41.0, -73.925),
        )


def test_leaving_ends_roles_and_rejoining_starts_unverified(fiona, maple):
    membership = Membership.objects.get(user=fiona, institution=maple)
    services.membership_leave(actor=fiona, membership=membership)
    term = RoleTerm.objects.get(membership=membership)
    assert term.ended_on == timezone.localdate() and term.end_reason == "left"
    again = services.membership_join(actor=fiona, institution=maple)
    assert again.pk == membership.pk and again.left_at is None and again.verified_at is None


def test_a_facilitator_verifies_in_person_and_it_is_recorded(client, alice, maple, fiona):
    membership = member(maple, alice)
    client.force_login(fiona)
    response = client.post(reverse("institutions:verify", args=["maple", membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.verification_method == "in_person"
    record = ResidencyVerification.objects.get(membership=membership)
    assert record.verified_by == fiona and record.method == "in_person"


def test_members_cannot_verify_and_facilitators_not_themselves(alice, bob, maple, fiona):
    membership = member(maple, alice)
    other = member(maple, make_person("d@example.org", "Dee", address="114 Maple Street"))
    with pytest.raises(PermissionDenied):
        services.membership_verify(actor=alice, membership=other)
    fiona_membership = Membership.objects.get(user=fiona)
    services.membership_unverify(actor=SYSTEM, membership=fiona_membership, reason="moved")
    with pytest.raises(ValidationFailed):
        services.membership_verify(actor=fiona, membership=fiona_membership)
    assert Membership.objects.get(pk=membership.pk).verified_at is None


def neighbour(maple, email, number, verified=True):
    return member(
        maple,
        make_person(email, email.split("@")[0].title(), address=f"{number} Maple Street"),
        verified=verified,
    )


def test_two_vouches_from_verified_neighbours_verify_a_resident(alice, maple):
    newcomer = member(maple, alice)
    first = neighbour(maple, "v1@example.org", 114)
    second = neighbour(maple, "v2@example.org", 116)
    services.vouch_give(actor=first.user, vouchee=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.verified_at is None
    services.vouch_give(actor=first.user, vouchee=newcomer)  # twice is harmless
    assert Vouch.objects.count() == 1
    services.vouch_give(actor=second.user, vouchee=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.verification_method == "vouching"
    record = ResidencyVerification.objects.get(membership=newcomer)
    assert record.method == "vouching" and str(first.pk) in record.detail


def test_unverified_members_and_oneself_cannot_vouch(alice, maple):
    newcomer = member(maple, alice)
    unverified = neighbour(maple, "u@example.org", 114, verified=False)
    with pytest.raises(PermissionDenied):
        services.vouch_give(actor=unverified.user, vouchee=newcomer)
    verified = neighbour(maple, "w@example.org", 116)
    with pytest.raises(PermissionDenied) as refused:
        services.vouch_give(actor=verified.user, vouchee=verified)
    assert refused.value.code == "self_vouch"
    assert not Vouch.objects.exists()


def test_a_member_can_vouch_only_so_often(maple):
    voucher = neighbour(maple, "busy@example.org", 110)
    others = [
        neighbour(maple, f"n{i}@example.org", 112 + 2 * (i % 3), verified=False) for i in range(3)
    ]
    services.vouch_give(actor=voucher.user, vouchee=others[0])
    services.vouch_give(actor=voucher.user, vouchee=others[1])
    with pytest.raises(ValidationFailed) as refused:
        services.vouch_give(actor=voucher.user, vouchee=others[2])
    assert refused.value.code == "vouch_limit"
    assert Vouch.objects.count() == 2


def test_a_withdrawn_vouch_no_longer_counts(alice, maple):
    newcomer = member(maple, alice)
    first = neighbour(maple, "v1@example.org", 114)
    second = neighbour(maple, "v2@example.org", 116)
    vouch = services.vouch_give(actor=first.user, vouchee=newcomer)
    services.vouch_withdraw(actor=first.user, vouch=vouch)
    services.vouch_give(actor=second.user, vouchee=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.verified_at is None
    with pytest.raises(PermissionDenied):
        services.vouch_withdraw(actor=second.user, vouch=vouch)


def test_vouches_from_someone_found_not_to_live_here_are_flagged(client, alice, maple, fiona):
    newcomer = member(maple, alice)
    liar = neighbour(maple, "liar@example.org", 114)
    services.vouch_give(actor=liar.user, vouchee=newcomer)
    services.membership_unverify(actor=fiona, membership=liar, reason="lives across town")
    assert Vouch.objects.get().flagged_at is not None
    liar.refresh_from_db()
    assert liar.verified_at is None
    assert (
        ResidencyVerification.objects.get(membership=liar).withdrawn_reason == "lives across town"
    )
    # A flagged vouch does not count, and the facilitator sees the warning.
    second = neighbour(maple, "v2@example.org", 116)
    services.vouch_give(actor=second.user, vouchee=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.verified_at is None
    client.force_login(fiona)
    page = client.get(reverse("institutions:members", args=["maple"])).content.decode()
    assert "found not to live here" in page


def test_the_members_page_is_for_members(client, alice, bob, maple):
    member(maple, alice)
    client.force_login(bob)
    assert client.get(reverse("institutions:members", args=["maple"])).status_code == 403
    client.force_login(alice)
    page = client.get(reverse("institutions:members", args=["maple"])).content.decode()
    assert "Alice Walker" in page and "112 Maple Street" not in page  # addresses: facilitators only


def test_vouching_through_the_pages(client, alice, maple):
    newcomer = member(maple, alice)
    voucher = neighbour(maple, "v1@example.org", 114)
    client.force_login(voucher.user)
    page = client.get(reverse("institutions:members", args=["maple"])).content.decode()
    assert "Vouch: lives here" in page
    client.post(reverse("institutions:vouch", args=["maple", newcomer.pk]))
    assert Vouch.objects.filter(vouchee=newcomer).count() == 1


def test_membership_api(client, alice, maple, fiona):
    from bloc.accounts.services import api_token_create

    _t, alice_secret = api_token_create(actor=alice, name="a")
    _t, fiona_secret = api_token_create(actor=fiona, name="f")
    joined = client.post(
        "/api/v1/institutions/maple/join",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {alice_secret}",
    )
    assert joined.status_code == 200 and joined.json()["verified"] is False
    mid = joined.json()["id"]
    refused = client.post(
        f"/api/v1/institutions/maple/members/{mid}/verify",
        HTTP_AUTHORIZATION=f"Bearer {alice_secret}",
    )
    assert refused.status_code == 403
    verified = client.post(
        f"/api/v1/institutions/maple/members/{mid}/verify",
        HTTP_AUTHORIZATION=f"Bearer {fiona_secret}",
    )
    assert verified.json()["verified"] is True
    outside = client.post(
        "/api/v1/institutions/maple/join",
        {"address": "1 Far Away"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {fiona_secret}",
    )
    assert outside.status_code == 200  # already a member: harmless
    members = client.get(
        "/api/v1/institutions/maple/members", HTTP_AUTHORIZATION=f"Bearer {alice_secret}"
    ).json()
    assert {m["name"] for m in members} == {"Alice Walker", "Fiona Facilitator"}


def test_a_person_downloads_their_data(client, alice, maple):
    member(maple, alice, verified=True)
    client.force_login(alice)
    response = client.get(reverse("personal_data:export"))
    data = json.loads(response.content)
    assert data["account"]["email"] == "alice@example.org"
    assert data["memberships"][0]["institution"] == "Maple Street Block Association"
    assert any(e["action"] == "membership.join" for e in data["audit_events"]) is False  # by SYSTEM


def test_deleting_an_account_anonymises_and_keeps_the_record(client, alice, maple, fiona):
    membership = member(maple, alice, verified=True)
    client.force_login(alice)
    wrong = client.post(reverse("personal_data:delete"), {"password": "nope"})
    assert wrong.status_code == 422
    alice.refresh_from_db()
    assert alice.is_active
    response = client.post(
        reverse("personal_data:delete"), {"password": "correct horse battery staple"}
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.email.startswith("deleted-") and "Alice" not in alice.full_name
    assert alice.address == "" and not alice.is_active and not alice.has_usable_password()
    membership.refresh_from_db()
    assert membership.left_at is not None and membership.address == ""
    assert ResidencyVerification.objects.filter(membership=membership).exists()
    assert AuditEvent.objects.filter(action="account.delete").exists()
    assert not client.login(username="alice@example.org", password="correct horse battery staple")
