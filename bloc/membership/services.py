"""Writes about membership: joining, leaving, residency verification and vouching.

Roles and recall live in ``bloc.membership.roles``; residency letters in
``bloc.membership.residency_letters``. All of them record verifications
through ``residency_verify`` below.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.accounts.models import User
from bloc.actors import is_system
from bloc.audit.services import audit_append
from bloc.core import addresses as address_rules
from bloc.core import areas
from bloc.core.errors import Conflict, NotFound, ValidationFailed
from bloc.institutions import selectors as institution_selectors
from bloc.institutions import services as institution_services
from bloc.institutions.models import Chapter, Institution
from bloc.membership.models import (
    Membership,
    ResidencyVerification,
    RoleTerm,
    VerificationMethod,
    Vouch,
)
from bloc.membership.role_selectors import term_end_default


def institution_found(
    *,
    actor: object,
    chapter: Chapter,
    name: str,
    kind: str,
    slug: str | None = None,
    description: str = "",
    addresses: Iterable[str] = (),
    boundary: Any = None,
) -> Institution:
    """A person founds an institution and becomes its first member and its facilitator
    for one term (the bylaws' term length, else a year), so that someone can verify
    the neighbours who join. Their own residency is verified like anyone else's."""
    with transaction.atomic():
        institution = institution_services.institution_create(
            actor=actor,
            chapter=chapter,
            name=name,
            kind=kind,
            slug=slug,
            description=description,
            addresses=addresses,
            boundary=boundary,
        )
        if isinstance(actor, User):
            membership = Membership.objects.create(
                institution=institution, user=actor, address=actor.address
            )
            audit_append(
                actor=actor,
                action="membership.join",
                subject=membership,
                data={"institution": institution.pk, "user": actor.pk, "founder": True},
            )
            today = timezone.localdate()
            rules = institution_selectors.bylaws_settings(institution=institution)
            term = RoleTerm.objects.create(
                membership=membership,
                role="facilitator",
                starts_on=today,
                ends_on=term_end_default(today, rules.term_months),
            )
            audit_append(
                actor=actor,
                action="role.assign",
                subject=term,
                data={"role": "facilitator", "membership": membership.pk, "founder": True},
            )
    return institution


def _lives_in_area(
    institution: Institution, address: str, location: tuple[float, float] | None
) -> bool:
    if address and address_rules.covers(
        institution_selectors.area_keys(institution=institution), address
    ):
        return True
    if location is not None and institution.boundary:
        latitude, longitude = location
        return areas.contains(institution.boundary, longitude, latitude)
    return False


def membership_join(
    *,
    actor: object,
    institution: Institution,
    user: User | None = None,
    address: str | None = None,
    location: tuple[float, float] | None = None,
) -> Membership:
    """Join an institution whose area holds the person's address (or location).

    ``address`` defaults to the one on the person's profile; ``location`` is
    (latitude, longitude) and is checked against the area's boundary. SYSTEM
    may enrol ``user``. Joining twice is harmless; joining again after leaving
    starts a new, unverified membership.
    """
    person = user if (user is not None and is_system(actor)) else actor
    permissions.require(actor, "membership.join", institution)
    if not isinstance(person, User):
        raise ValidationFailed(_("Say who joins."), code="no_person")
    address = " ".join((address if address is not None else person.address).split())
    if location is not None:
        latitude, longitude = location
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationFailed.for_field("location", _("That location is not on Earth."))
    with transaction.atomic():
        existing = (
            Membership.objects.select_for_update()
            .filter(institution=institution, user=person)
            .first()
        )
        if existing is not None and existing.left_at is None:
            return existing
        if not _lives_in_area(institution, address, location):
            if not address and location is None:
                message = _(
                    "Add your home address to your profile, or share your location, so we can "
                    "check that you live in the area of %(name)s."
                ) % {"name": institution.name}
            elif location is not None and not institution.boundary:
                message = _(
                    "%(name)s has no boundary on the map yet, so only an address on its list "
                    "can join; %(address)s is not on it."
                ) % {"name": institution.name, "address": address or "—"}
            else:
                message = _(
                    "%(address)s is not in the area of %(name)s. Only residents of its area "
                    "can join; check the address, or ask a facilitator to add it to the area."
                ) % {"name": institution.name, "address": address or _("Your location")}
            raise ValidationFailed(message, fields={"address": [message]}, code="outside_area")
        if existing is not None:
            existing.left_at = None
            existing.verified_at = None
            existing.verification_method = ""
            existing.address = address
            existing.joined_at = timezone.now()
            existing.save()
            membership = existing
        else:
            membership = Membership.objects.create(
                institution=institution, user=person, address=address
            )
        audit_append(
            actor=actor,
            action="membership.join",
            subject=membership,
            data={"institution": institution.pk, "user": person.pk},
        )
    return membership


def membership_leave(*, actor: object, membership: Membership) -> Membership:
    """Leave an institution: any roles held end today. The record of what they did stays."""
    permissions.require(actor, "membership.leave", membership)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.left_at is not None:
            return membership
        today = timezone.localdate()
        membership.left_at = timezone.now()
        membership.save(update_fields=["left_at"])
        membership.role_terms.filter(ended_on__isnull=True, ends_on__gt=today).update(
            ended_on=today, end_reason="left"
        )
        audit_append(actor=actor, action="membership.leave", subject=membership)
    return membership


def residency_verify(
    *, actor: object, membership: Membership, method: str, detail: str = ""
) -> Membership:
    """Record that the member's residency is verified, how, by whom and when.

    Callers check permission (in person: a facilitator; vouching: enough
    vouches; letter: a valid code). Verifying a verified member changes nothing.
    """
    if method not in VerificationMethod.values:
        raise ValidationFailed.for_field("method", _("Choose how residency was verified."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_at is not None:
        raise NotFound(_("This person is no longer a member."))
    if membership.verified_at is not None:
        return membership
    membership.verified_at = timezone.now()
    membership.verification_method = method
    membership.save(update_fields=["verified_at", "verification_method"])
    ResidencyVerification.objects.create(
        membership=membership,
        method=method,
        verified_by=actor if isinstance(actor, User) else None,
        detail=detail[:255],
    )
    audit_append(
        actor=actor,
        action="membership.verify",
        subject=membership,
        data={"method": method, "detail": detail[:255]},
    )
    return membership


def membership_verify(
    *, actor: object, membership: Membership, method: str = VerificationMethod.IN_PERSON
) -> Membership:
    """A facilitator verifies a member's residency in person."""
    permissions.require(actor, "membership.verify", membership.institution)
    if not is_system(actor) and method != VerificationMethod.IN_PERSON:
        raise ValidationFailed.for_field(
            "method", _("Facilitators verify in person; vouches and letters verify themselves.")
        )
    if getattr(actor, "pk", None) == membership.user_id and not is_system(actor):
        raise ValidationFailed(
            _("Another facilitator or an organizer has to verify your own residency."),
            code="self_verify",
        )
    with transaction.atomic():
        return residency_verify(actor=actor, membership=membership, method=method)


def membership_unverify(*, actor: object, membership: Membership, reason: str) -> Membership:
    """Withdraw a verification (the person does not live there).

    Vouches this member gave are flagged, so that the neighbours they vouched
    for can be checked again.
    """
    permissions.require(actor, "membership.unverify", membership.institution)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed.for_field("reason", _("Say why the verification is withdrawn."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.verified_at is None:
            raise Conflict(_("This member is not verified."), code="not_verified")
        now = timezone.now()
        membership.verified_at = None
        membership.verification_method = ""
        membership.save(update_fields=["verified_at", "verification_method"])
        membership.verifications.filter(withdrawn_at__isnull=True).update(
            withdrawn_at=now,
            withdrawn_by=actor if isinstance(actor, User) else None,
            withdrawn_reason=reason[:255],
        )
        flagged = membership.vouches_given.filter(flagged_at__isnull=True).update(flagged_at=now)
        audit_append(
            actor=actor,
            action="membership.unverify",
            subject=membership,
            data={"reason": reason[:255], "vouches_flagged": flagged},
        )
    return membership


def vouch_give(*, actor: object, vouchee: Membership) -> Vouch:
    """A verified member vouches that a neighbour lives in the area.

    When the neighbour has as many vouches from verified members as the
    bylaws require, they are verified by vouching. Vouching twice is harmless.
    """
    permissions.require(actor, "vouch.give", vouchee)
    institution = vouchee.institution
    rules = institution_selectors.bylaws_settings(institution=institution)
    with transaction.atomic():
        voucher = Membership.objects.select_for_update().get(
            institution=institution,
            user_id=actor.pk,
            left_at__isnull=True,  # type: ignore[attr-defined]
        )
        if vouchee.left_at is not None:
            raise NotFound(_("This person is no longer a member."))
        existing = Vouch.objects.filter(
            voucher=voucher, vouchee=vouchee, withdrawn_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        month_ago = timezone.now() - timedelta(days=30)
        given = Vouch.objects.filter(voucher=voucher, created_at__gte=month_ago).count()
        if given >= rules.vouches_per_month:
            raise ValidationFailed(
                _(
                    "You have vouched %(count)s times in the last 30 days, the most the bylaws "
                    "allow. Try again later."
                )
                % {"count": given},
                code="vouch_limit",
            )
        vouch = Vouch.objects.create(voucher=voucher, vouchee=vouchee)
        audit_append(actor=actor, action="vouch.give", subject=vouch, data={"vouchee": vouchee.pk})
        valid = list(
            Vouch.objects.filter(
                vouchee=vouchee,
                withdrawn_at__isnull=True,
                flagged_at__isnull=True,
                voucher__verified_at__isnull=False,
                voucher__left_at__isnull=True,
            ).values_list("voucher_id", flat=True)
        )
        if vouchee.verified_at is None and len(valid) >= rules.vouches_required:
            residency_verify(
                actor=actor,
                membership=vouchee,
                method=VerificationMethod.VOUCHING,
                detail="vouchers: " + ",".join(str(v) for v in sorted(valid)),
            )
    return vouch


def vouch_withdraw(*, actor: object, vouch: Vouch) -> Vouch:
    """Withdraw one's vouch. A verification already granted stands until a facilitator
    withdraws it; the withdrawn vouch no longer counts toward a pending one."""
    if getattr(actor, "pk", None) != vouch.voucher.user_id:
        from bloc.core.errors import PermissionDenied

        raise PermissionDenied(_("Only the member who vouched can withdraw the vouch."))
    with transaction.atomic():
        vouch = Vouch.objects.select_for_update().get(pk=vouch.pk)
        if vouch.withdrawn_at is None:
            vouch.withdrawn_at = timezone.now()
            vouch.save(update_fields=["withdrawn_at"])
            audit_append(actor=actor, action="vouch.withdraw", subject=vouch)
    return vouch
