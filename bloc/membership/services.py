"""Writes about membership, residency verification and roles."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.accounts.models import User
from bloc.actors import is_system
from bloc.audit.services import audit_append
from bloc.core.errors import NotFound, ValidationFailed
from bloc.institutions.models import Institution
from bloc.membership.models import Membership, Role, RoleTerm, VerificationMethod


def membership_join(
    *, actor: object, institution: Institution, user: User | None = None
) -> Membership:
    """The actor joins (or, as SYSTEM, enrols ``user`` in) an institution. Joining twice is harmless."""
    person = user if (user is not None and is_system(actor)) else actor
    permissions.require(actor, "membership.join", institution)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(institution=institution, user=person)
        if not created and membership.left_at is not None:
            membership.left_at = None
            membership.save(update_fields=["left_at"])
            created = True
        if created:
            audit_append(
                actor=actor,
                action="membership.join",
                subject=membership,
                data={"institution": institution.pk, "user": person.pk},
            )
    return membership


def membership_verify(*, actor: object, membership: Membership, method: str) -> Membership:
    """Record that a member's residency was verified, how, and by whom (the actor)."""
    permissions.require(actor, "membership.verify", membership.institution)
    if method not in VerificationMethod.values:
        raise ValidationFailed.for_field("method", _("Choose how residency was verified."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.verified_at is None:
            membership.verified_at = timezone.now()
            membership.verification_method = method
            membership.save(update_fields=["verified_at", "verification_method"])
            audit_append(
                actor=actor, action="membership.verify", subject=membership, data={"method": method}
            )
    return membership


def role_term_assign(
    *, actor: object, membership: Membership, role: str, starts_on: date, ends_on: date
) -> RoleTerm:
    permissions.require(actor, "role.assign", membership.institution)
    if role not in Role.values:
        raise ValidationFailed.for_field("role", _("Choose one of the roles."))
    if ends_on <= starts_on:
        raise ValidationFailed.for_field("ends_on", _("A term must end after it starts."))
    if membership.left_at is not None:
        raise NotFound(_("This person is no longer a member."))
    with transaction.atomic():
        term = RoleTerm.objects.create(
            membership=membership, role=role, starts_on=starts_on, ends_on=ends_on
        )
        audit_append(
            actor=actor,
            action="role.assign",
            subject=term,
            data={
                "role": role,
                "membership": membership.pk,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
            },
        )
    return term
