"""A person's own data: download it all as JSON, or delete the account.

Deleting anonymises: the account keeps its number (so minutes, votes and
the audit log still add up) but loses its name, email address, home
address and password; memberships end, roles end, vouches are withdrawn.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.accounts.models import ApiToken, User
from bloc.audit.models import AuditEvent
from bloc.audit.services import audit_append
from bloc.core.errors import ValidationFailed
from bloc.membership.models import Membership, RecallPetition, RecallSignature, RoleTerm, Vouch
from bloc.membership.services import membership_leave


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _self_description(actor: User) -> dict[str, Any] | None:
    """What the person said about themselves on the hub (private to them)."""
    from bloc.hub.models import SelfDescription

    held = SelfDescription.objects.filter(user=actor).first()
    if held is None:
        return None
    return {
        "tenure": held.tenure,
        "age_band": held.age_band,
        "language": held.language,
        "answers": held.answers,
        "updated_at": _when(held.updated_at),
    }


def personal_data_export(*, actor: User) -> dict[str, Any]:
    """Everything bloc holds about the actor, as JSON-ready data."""
    permissions.require(actor, "account.update", actor)
    memberships = Membership.objects.filter(user=actor).select_related("institution")
    return {
        "account": {
            "id": actor.pk,
            "email": actor.email,
            "full_name": actor.full_name,
            "address": actor.address,
            "preferred_language": actor.preferred_language,
            "date_joined": _when(actor.date_joined),
            "last_login": _when(actor.last_login),
        },
        "memberships": [
            {
                "institution": m.institution.name,
                "address": m.address,
                "joined_at": _when(m.joined_at),
                "left_at": _when(m.left_at),
                "verified_at": _when(m.verified_at),
                "verification_method": m.verification_method,
                "verifications": [
                    {
                        "method": v.method,
                        "at": _when(v.at),
                        "withdrawn_at": _when(v.withdrawn_at),
                        "withdrawn_reason": v.withdrawn_reason,
                    }
                    for v in m.verifications.all()
                ],
                "roles": [
                    {
                        "role": t.role,
                        "starts_on": _when(t.starts_on),
                        "ends_on": _when(t.ends_on),
                        "ended_on": _when(t.ended_on),
                        "end_reason": t.end_reason,
                    }
                    for t in RoleTerm.objects.filter(membership=m)
                ],
            }
            for m in memberships
        ],
        "vouches_given": [
            {
                "for": v.vouchee.user.full_name,
                "institution": v.vouchee.institution.name,
                "at": _when(v.created_at),
                "withdrawn_at": _when(v.withdrawn_at),
            }
            for v in Vouch.objects.filter(voucher__user=actor).select_related(
                "vouchee__user", "vouchee__institution"
            )
        ],
        "recall_petitions_opened": [
            {"role": p.role_term.role, "reason": p.reason, "opened_at": _when(p.opened_at)}
            for p in RecallPetition.objects.filter(opened_by__user=actor).select_related(
                "role_term"
            )
        ],
        "recall_petitions_signed": RecallSignature.objects.filter(membership__user=actor).count(),
        "api_tokens": [
            {"name": t.name, "created_at": _when(t.created_at), "revoked_at": _when(t.revoked_at)}
            for t in ApiToken.objects.filter(user=actor)
        ],
        "self_description": _self_description(actor),
        "audit_events": [
            {"seq": e.seq, "at": _when(e.at), "action": e.action, "subject": e.subject}
            for e in AuditEvent.objects.filter(actor=f"user:{actor.pk}").order_by("seq")
        ],
    }


def account_delete(*, actor: User, password: str) -> User:
    """Delete (anonymise) the actor's own account after checking their password."""
    permissions.require(actor, "account.update", actor)
    if not actor.check_password(password):
        raise ValidationFailed.for_field(
            "password", _("That is not your password; nothing was deleted.")
        )
    with transaction.atomic():
        for membership in Membership.objects.filter(user=actor, left_at__isnull=True):
            membership_leave(actor=actor, membership=membership)
        now = timezone.now()
        Vouch.objects.filter(voucher__user=actor, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
        ApiToken.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=now)
        # The account is kept (anonymised), so its private self-description must go.
        from bloc.hub.models import SelfDescription

        SelfDescription.objects.filter(user=actor).delete()
        actor.email = f"deleted-{actor.pk}@deleted.invalid"
        actor.full_name = _("Former member %(number)s") % {"number": actor.pk}
        actor.address = ""
        actor.is_active = False
        actor.deleted_at = now
        actor.set_unusable_password()
        actor.save()
        Membership.objects.filter(user=actor).update(address="")
        audit_append(actor=actor, action="account.delete", subject=actor)
    return actor
