"""Reads about membership for pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from bloc import permissions
from bloc.institutions import selectors as institution_selectors
from bloc.institutions.models import Institution
from bloc.membership.models import Membership, RoleTerm, Vouch
from bloc.membership.role_selectors import role_label
from bloc.permissions.roles import membership_of


def current_role_terms(*, institution: Institution) -> QuerySet[RoleTerm]:
    today = timezone.localdate()
    return (
        RoleTerm.objects.filter(
            membership__institution=institution,
            membership__left_at__isnull=True,
            starts_on__lte=today,
            ends_on__gt=today,
            ended_on__isnull=True,
        )
        .select_related("membership__user")
        .order_by("role", "membership__user__full_name")
    )


def institution_page(*, institution: Institution, viewer: Any) -> dict[str, Any]:
    """What the public page of an institution shows, and what this viewer may do there."""
    membership = membership_of(viewer, institution)
    holders = list(current_role_terms(institution=institution))
    for term in holders:
        term.label = role_label(term.role)  # type: ignore[attr-defined]
    return {
        "institution": institution,
        "membership": membership,
        "role_holders": holders,
        "rules": institution_selectors.bylaws_settings(institution=institution),
        "address_count": institution.addresses.count(),
        "may": {
            action.replace(".", "_"): bool(permissions.check(viewer, action, institution))
            for action in (
                "institution.update",
                "membership.list",
                "membership.verify",
                "charter.view",
                "letters.generate",
                "role.view",
                "bylaws.amend",
                "decisions.view",
                "concern.view",
                "meeting.view",
                "concern.report",
                "budget.view",
            )
        },
    }


def member_list(*, institution: Institution) -> QuerySet[Membership]:
    """Current members with their vouches, for the members page (two queries)."""
    active_vouches = Vouch.objects.filter(withdrawn_at__isnull=True).select_related("voucher__user")
    return (
        Membership.objects.filter(institution=institution, left_at__isnull=True)
        .select_related("user")
        .annotate(
            vouch_count=Count(
                "vouches_received",
                filter=Q(
                    vouches_received__withdrawn_at__isnull=True,
                    vouches_received__flagged_at__isnull=True,
                ),
            ),
            flagged_vouches=Count(
                "vouches_received", filter=Q(vouches_received__flagged_at__isnull=False)
            ),
        )
        .prefetch_related(
            Prefetch("vouches_received", queryset=active_vouches, to_attr="active_vouches")
        )
        # Those waiting for verification first: that is what a facilitator comes for.
        .order_by(F("verified_at").asc(nulls_first=True), "user__full_name")
    )


def memberships_for_user(*, user: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=user.pk)
        .select_related("institution")
        .order_by("left_at", "institution__name")
    )


def membership_of_viewer(*, institution: Institution, viewer: Any) -> Membership | None:
    """The viewer's membership, with the ids of the members they vouch for now."""
    membership = membership_of(viewer, institution)
    if membership is not None:
        membership.vouching_for = set(  # type: ignore[attr-defined]
            Vouch.objects.filter(voucher=membership, withdrawn_at__isnull=True).values_list(
                "vouchee_id", flat=True
            )
        )
    return membership


def member_get(*, institution_slug: str, membership_id: int) -> Membership:
    """A current member of the institution, or NotFound (also for other institutions' members)."""
    from django.utils.translation import gettext as _

    from bloc.core.errors import NotFound

    membership = (
        Membership.objects.select_related("user", "institution__chapter")
        .filter(pk=membership_id, institution__slug=institution_slug, left_at__isnull=True)
        .first()
    )
    if membership is None:
        raise NotFound(_("No such member."))
    return membership
