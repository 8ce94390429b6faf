"""Rules about councils.

Councils are public bodies: their members, delegates, questions, mandates and every
delegate's vote are public, so that assemblies can hold their delegates to account.
An assembly decides for itself (joining, leaving, electing, mandating, ratifying) by
polls its facilitators or secretary set up; any verified member may call a vote to
recall one of its delegates. A council is convened (questions put, votes opened and
closed) by its sitting delegates or the chapter's organizers.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, check, is_person, login_required_decision, rule
from bloc.permissions.roles import is_chapter_organizer, is_verified_member


def sits_in(actor: Any, council: Any) -> bool:
    """A delegate to ``council`` whose term runs today."""
    from bloc.confederation.models import Delegate

    if not is_person(actor):
        return False
    today = timezone.localdate()
    return Delegate.objects.filter(
        council=council, user_id=actor.pk, ended_on=None, starts_on__lte=today, ends_on__gt=today
    ).exists()


@rule("council.view")
def _council_view(actor: Any, council: Any) -> Decision:
    return ALLOW


@rule("council.create")
def _council_create(actor: Any, chapter: Any) -> Decision:
    from bloc.membership.models import RoleTerm

    if not is_person(actor):
        return login_required_decision()
    if is_chapter_organizer(actor, chapter):
        return ALLOW
    today = timezone.localdate()
    # One query, however many institutions the chapter has.
    if RoleTerm.objects.filter(
        membership__institution__chapter=chapter,
        membership__user_id=actor.pk,
        membership__left_at__isnull=True,
        role="facilitator",
        starts_on__lte=today,
        ends_on__gt=today,
        ended_on__isnull=True,
    ).exists():
        return ALLOW
    return Decision(
        False,
        "facilitators_only",
        _("Only a facilitator of one of the chapter's institutions or an organizer can do this."),
    )


@rule("council.convene")
def _council_convene(actor: Any, council: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if sits_in(actor, council) or is_chapter_organizer(actor, council.chapter_id):
        return ALLOW
    return Decision(
        False,
        "delegates_only",
        _("Only a delegate to this council or an organizer can do this."),
    )


@rule("council.assembly_vote")
def _council_assembly_vote(actor: Any, institution: Any) -> Decision:
    # Joining, leaving, electing, mandating, ratifying: an ordinary vote of the assembly.
    return check(actor, "poll.create", institution)


@rule("delegate.recall")
def _delegate_recall(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if is_verified_member(actor, institution):
        return ALLOW
    return Decision(
        False,
        "verified_members_only",
        _("Only verified members of %(name)s can call a vote to recall its delegate.")
        % {"name": institution.name},
    )
