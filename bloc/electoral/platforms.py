"""The platform's life: priorities proposed, the platform sent to every assembly of the
chapter to rank by its own Schulze poll, then counted and published."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.audit.services import audit_append
from bloc.confederation.rollup import poll_ranking
from bloc.core.electoral import platform as rules
from bloc.core.errors import Conflict, ValidationFailed
from bloc.core.polls import MAX_OPTIONS
from bloc.decisions.models import Poll
from bloc.decisions.polls import poll_create, poll_sync
from bloc.electoral.models import (
    Category,
    Platform,
    PlatformBallot,
    PlatformMethod,
    PlatformWeighting,
    Priority,
)
from bloc.institutions.models import Chapter, Institution
from bloc.validation import clean_text


def priority_propose(
    *, actor: object, institution: Institution, title: str, category: str, description: str = ""
) -> Priority:
    permissions.require(actor, "priority.propose", institution)
    title = clean_text("title", title, 200, required=_("Name the priority."))
    description = clean_text("description", description, 5000)
    if category not in Category.values:
        raise ValidationFailed.for_field("category", _("Choose one of the categories."))
    with transaction.atomic():
        # One proposal at a time per chapter, so two of the same name cannot both pass
        # the check below (there is no unique index on a title in any case).
        Chapter.objects.select_for_update().filter(pk=institution.chapter_id).first()
        if Priority.objects.filter(chapter=institution.chapter, title__iexact=title).exists():
            raise ValidationFailed.for_field(
                "title", _("The chapter already has a priority with this name.")
            )
        priority = Priority.objects.create(
            chapter=institution.chapter,
            title=title,
            category=category,
            description=description,
            proposed_by=institution,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_append(
            actor=actor,
            action="platform.priority",
            subject=priority,
            data={"institution": institution.slug, "title": title, "category": category},
        )
    return priority


def platform_create(
    *,
    actor: object,
    chapter: Chapter,
    title: str,
    priorities: Sequence[Priority],
    method: str = rules.SCHULZE,
    weighting: str = rules.ASSEMBLIES,
) -> Platform:
    permissions.require(actor, "platform.manage", chapter)
    title = clean_text("title", title, 200, required=_("Give the platform a title."))
    if method not in PlatformMethod.values:
        raise ValidationFailed.for_field("method", _("Choose Schulze or Borda."))
    if weighting not in PlatformWeighting.values:
        raise ValidationFailed.for_field("weighting", _("Choose how the assemblies count."))
    chosen = list(dict.fromkeys(priorities))
    if any(p.chapter_id != chapter.pk for p in chosen):
        raise ValidationFailed.for_field("priorities", _("Choose the chapter's own priorities."))
    if not 2 <= len(chosen) <= MAX_OPTIONS:
        raise ValidationFailed.for_field(
            "priorities",
            _("A platform ranks from 2 to %(n)s priorities.") % {"n": MAX_OPTIONS},
        )
    with transaction.atomic():
        platform = Platform.objects.create(
            chapter=chapter,
            title=title,
            method=method,
            weighting=weighting,
            order=[p.pk for p in chosen],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        platform.priorities.set(chosen)
        audit_append(
            actor=actor,
            action="platform.create",
            subject=platform,
            data={"title": title, "priorities": platform.order, "method": method,
                  "weighting": weighting},
        )  # fmt: skip
    return platform


def platform_send(
    *,
    actor: object,
    platform: Platform,
    closes_at: datetime,
    institutions: Sequence[Institution] | None = None,
) -> Platform:
    """Ask every assembly of the chapter (or those given) to rank the priorities."""
    permissions.require(actor, "platform.manage", platform.chapter)
    if closes_at <= timezone.now():
        raise ValidationFailed.for_field("closes_at", _("Choose a time in the future."))
    if institutions is None:
        targets = list(Institution.objects.filter(chapter=platform.chapter).order_by("pk"))
    else:
        targets = list(dict.fromkeys(institutions))
        if any(i.chapter_id != platform.chapter_id for i in targets):
            raise ValidationFailed.for_field(
                "institutions", _("Choose assemblies of the platform's own chapter.")
            )
    if not targets:
        raise ValidationFailed.for_field(
            "institutions", _("The chapter has no assemblies to rank the priorities.")
        )
    names = _option_names(platform)
    with transaction.atomic():
        locked = Platform.objects.select_for_update().get(pk=platform.pk)
        if locked.closes_at is not None:
            raise Conflict(_("This platform is already with the assemblies."), code="sent")
        locked.closes_at = closes_at
        locked.save(update_fields=["closes_at"])
        for institution in targets:
            poll = poll_create(
                actor=actor,
                institution=institution,
                title=(_("Rank the priorities: %(title)s") % {"title": locked.title})[:200],
                rule="schulze",
                options=names,
                secret=True,
                opens_at=timezone.now(),
                closes_at=closes_at,
                check_permission=False,
                announce_at_once=False,
            )
            PlatformBallot.objects.create(platform=locked, institution=institution, poll=poll)
        audit_append(
            actor=actor,
            action="platform.send",
            subject=locked,
            data={"assemblies": len(targets), "closes_at": closes_at.isoformat()},
        )
    return locked


def _option_names(platform: Platform) -> list[str]:
    titles = dict(platform.priorities.values_list("pk", "title"))
    names: list[str] = []
    for pk in platform.order:
        name = titles[pk][:200]
        names.append(name if name not in names else f"{name} ({pk})"[:200])
    return names


def platform_count(platform: Platform) -> Platform:
    """Once every assembly's poll is counted: combine the rankings and publish."""
    if platform.published_at is not None or platform.closes_at is None:
        return platform
    if Poll.objects.filter(
        platform_ballot__platform=platform, closed_at=None, cancelled_at=None
    ).exists():
        return platform
    rows = PlatformBallot.objects.filter(platform=platform).values_list(
        "poll__outcome", "poll__result", "poll__closed_at", "poll__electorate"
    )
    ballots = []
    for outcome, result, closed_at, electorate in rows:
        ranking = poll_ranking(result, outcome, closed_at is not None)
        if ranking is not None:
            ballots.append(rules.Ballot(ranking, electorate or 0))
    counted = rules.combine(
        ballots, len(platform.order), method=platform.method, weighting=platform.weighting
    )
    with transaction.atomic():
        locked = Platform.objects.select_for_update().get(pk=platform.pk)
        if locked.published_at is not None:
            return locked
        locked.result = _as_json(counted)
        locked.published_at = timezone.now()
        locked.save(update_fields=["result", "published_at"])
        audit_append(
            actor=SYSTEM,
            action="platform.publish",
            subject=locked,
            data={"ranking": locked.result["ranking"], "assemblies": counted.assemblies},
        )
    return locked


def platform_sync(platform: Platform) -> Platform:
    """Once the ranking has closed, count the assemblies' polls that are due (as the
    tick would; a page need not wait for it), publishing the platform when all are."""
    if platform.published_at is not None or platform.closes_at is None:
        return platform
    if platform.closes_at <= timezone.now():
        for poll in Poll.objects.filter(
            platform_ballot__platform=platform, closed_at=None, cancelled_at=None
        ):
            poll_sync(poll)
        platform.refresh_from_db()
    # Before the deadline too: every poll may have been counted early, the last two at
    # once (each then saw the other still open and left the publishing to the other).
    return platform_count(platform)


def _as_json(result: rules.PlatformResult) -> dict[str, Any]:
    return {
        "ranking": [list(tier) for tier in result.ranking],
        "method": result.method,
        "weighting": result.weighting,
        "assemblies": result.assemblies,
        "weight": result.weight,
        "points": [str(p) for p in result.points],
        "support": [list(row) for row in result.support],
    }
