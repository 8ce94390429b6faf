"""Recall petitions (bloc.membership.roles) decided by a poll of the members.

The poll is secret and counted by the bylaws' rule when that rule decides a
motion (majority, supermajority, consensus), else by simple majority; when it is
counted, ``bloc.decisions.polls`` records the petition's outcome (recalled or kept)
and a recall ends the term at once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.actors import is_system
from bloc.core import polls as poll_rules
from bloc.core.errors import Conflict, PermissionDenied
from bloc.decisions.models import Poll
from bloc.decisions.polls import poll_create
from bloc.institutions.selectors import bylaws_settings
from bloc.membership.models import RecallPetition
from bloc.membership.roles import role_label


def recall_rule(institution: object) -> str:
    rule = bylaws_settings(institution=institution).default_rule  # type: ignore[arg-type]
    return rule if poll_rules.is_motion(rule) else "majority"


def recall_to_vote(
    *,
    actor: object,
    petition: RecallPetition,
    closes_at: datetime,
    opens_at: datetime | None = None,
) -> Poll:
    """Put an open recall petition to a secret vote of the verified members."""
    holder = petition.role_term.membership
    institution = holder.institution
    permissions.require(actor, "poll.create", institution)
    if not is_system(actor) and getattr(actor, "pk", None) == holder.user_id:
        raise PermissionDenied(
            _("Someone else has to put the petition to recall you to a vote."),
            code="own_recall",
        )
    with transaction.atomic():
        petition = RecallPetition.objects.select_for_update().get(pk=petition.pk)
        if petition.closed_at is not None:
            raise Conflict(_("This petition is already closed."), code="petition_closed")
        if Poll.objects.filter(recall=petition).exists():
            raise Conflict(_("This petition is already being voted on."), code="already_voting")
        title = _("Recall %(name)s as %(role)s?") % {
            "name": holder.user.full_name,
            "role": role_label(petition.role_term.role),
        }
        return poll_create(
            actor=actor,
            institution=institution,
            title=title[:200],
            description=petition.reason,
            rule=recall_rule(institution),
            secret=True,
            opens_at=opens_at or timezone.now(),
            closes_at=closes_at,
            recall=petition,
            check_permission=False,
        )
