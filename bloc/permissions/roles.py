"""Facts the rules are made of: who is a member, who holds which role today.

Every function answers for one person and one institution with one query;
none of them decides anything by itself.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision


def membership_of(actor: Any, institution: Any) -> Any:
    """The actor's current membership of ``institution``, or None."""
    from bloc.membership.models import Membership

    if not is_person(actor):
        return None
    return Membership.objects.filter(
        institution=institution, user_id=actor.pk, left_at__isnull=True
    ).first()


def is_member(actor: Any, institution: Any) -> bool:
    return membership_of(actor, institution) is not None


def is_verified_member(actor: Any, institution: Any) -> bool:
    membership = membership_of(actor, institution)
    return membership is not None and membership.verified_at is not None


def holds_role(actor: Any, institution: Any, role: str) -> bool:
    """Whether the actor holds ``role`` in ``institution`` today."""
    from bloc.membership.models import RoleTerm

    if not is_person(actor):
        return False
    today = timezone.localdate()
    return RoleTerm.objects.filter(
        membership__institution=institution,
        membership__user_id=actor.pk,
        membership__left_at__isnull=True,
        role=role,
        starts_on__lte=today,
        ends_on__gt=today,
        ended_on__isnull=True,
    ).exists()


def is_chapter_organizer(actor: Any, chapter: Any) -> bool:
    from bloc.institutions.models import ChapterOrganizer

    return (
        is_person(actor)
        and ChapterOrganizer.objects.filter(
            chapter=chapter, user_id=actor.pk, ended_at__isnull=True
        ).exists()
    )


def leads(actor: Any, institution: Any) -> bool:
    """A facilitator of the institution, or an organizer of its chapter."""
    return holds_role(actor, institution, "facilitator") or is_chapter_organizer(
        actor, institution.chapter
    )


def members_and_organizers(actor: Any, institution: Any) -> Decision:
    """The decision for what members of the institution and the chapter's organizers may see."""
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, institution) or is_chapter_organizer(actor, institution.chapter):
        return ALLOW
    return Decision(False, "members_only", _("Only members of this institution can see this."))
