"""Roles: terms of office with term limits that the bylaws set and bloc enforces."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.core import terms
from bloc.core.errors import NotFound, ValidationFailed
from bloc.institutions import selectors as institution_selectors
from bloc.membership.models import Membership, RoleTerm


def _terms_of(membership: Membership, role: str) -> list[terms.Term]:
    return [
        terms.Term(starts_on=t.starts_on, last_day=t.last_day)
        for t in RoleTerm.objects.filter(
            membership__user_id=membership.user_id,
            membership__institution_id=membership.institution_id,
            role=role,
        )
    ]


def role_term_assign(
    *, actor: object, membership: Membership, role: str, starts_on: date, ends_on: date
) -> RoleTerm:
    """Record that a member holds a role for a term, within the bylaws' term limit."""
    permissions.require(actor, "role.assign", membership.institution)
    rules = institution_selectors.bylaws_settings(institution=membership.institution)
    if role not in rules.roles:
        raise ValidationFailed.for_field("role", _("Choose one of the roles in the bylaws."))
    if ends_on <= starts_on:
        raise ValidationFailed.for_field("ends_on", _("A term must end after it starts."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.left_at is not None:
            raise NotFound(_("This person is no longer a member."))
        held = _terms_of(membership, role)
        if terms.overlaps(held, starts_on, ends_on):
            raise ValidationFailed.for_field(
                "starts_on", _("This member already holds this role during those dates.")
            )
        if terms.exceeds_limit(held, starts_on, rules.term_limit):
            raise ValidationFailed(
                _(
                    "%(name)s has already served %(limit)s terms in a row as %(role)s, the most "
                    "the bylaws allow. Someone else must take a turn."
                )
                % {"name": membership.user.full_name, "limit": rules.term_limit, "role": role},
                fields={"membership": [_("Term limit reached.")]},
                code="term_limit",
            )
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
