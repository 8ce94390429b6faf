"""Scorecards: the chapter's organizers enter what an officeholder did (a vote, a bill,
a statement) with a public source, and judge it against the officeholder's pledges as
kept, partly kept or broken. The score itself is computed on reading
(``bloc.electoral.scorecard_selectors``), so a correction changes it at once.

Everything here is public once written; every write, and the reason for removing an
action, is in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.core.errors import Conflict, ValidationFailed
from bloc.electoral.models import Action, ActionKind, ActionMatch, Candidate, Pledge, Verdict
from bloc.validation import clean_text

_url = URLValidator(schemes=["http", "https"])


def _require(actor: object, candidate: Candidate) -> None:
    permissions.require(actor, "scorecard.manage", candidate.cycle.chapter)


def _person(actor: object) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _officeholder(candidate: Candidate) -> None:
    if candidate.elected is not True:
        raise Conflict(
            _("Only an officeholder has a scorecard: %(name)s has not been recorded as elected.")
            % {"name": candidate.name},
            code="not_officeholder",
        )


def _fields(
    candidate: Candidate,
    *,
    kind: str,
    title: str,
    on: date | None,
    source_url: str,
    description: str,
) -> dict[str, Any]:
    """The action's fields, cleaned; ``ValidationFailed`` on the first bad one."""
    if kind not in ActionKind.values:
        raise ValidationFailed.for_field("kind", _("Choose a vote, a bill or a statement."))
    title = clean_text("title", title, 300, required=_("Say what they did."))
    description = clean_text("description", description, 5000)
    if on is None:
        raise ValidationFailed.for_field("on", _("Give the date it happened."))
    if on > timezone.localdate():
        raise ValidationFailed.for_field("on", _("The date cannot be in the future."))
    if candidate.took_office_on and on < candidate.took_office_on:
        raise ValidationFailed.for_field(
            "on",
            _("%(name)s took office on %(date)s: choose that day or later.")
            % {"name": candidate.name, "date": date_format(candidate.took_office_on)},
        )
    if candidate.left_office_on and on > candidate.left_office_on:
        raise ValidationFailed.for_field(
            "on",
            _("%(name)s left office on %(date)s: choose that day or earlier.")
            % {"name": candidate.name, "date": date_format(candidate.left_office_on)},
        )
    source_url = clean_text(
        "source_url", source_url, 500, required=_("Give a link to the public source.")
    )
    try:
        _url(source_url)
    except DjangoValidationError:
        raise ValidationFailed.for_field(
            "source_url", _("Give a web address starting with http:// or https://.")
        ) from None
    return {
        "kind": kind,
        "title": title,
        "description": description,
        "on": on,
        "source_url": source_url,
    }


def _verdict(candidate: Candidate, pledge: Pledge, verdict: str, note: str) -> tuple[str, str]:
    if pledge.candidate_id != candidate.pk:
        raise ValidationFailed.for_field(
            "pledge",
            _("Match the action to one of %(name)s's own pledges.") % {"name": candidate.name},
        )
    if verdict not in Verdict.values:
        raise ValidationFailed.for_field("verdict", _("Choose kept, partly kept or broken."))
    return verdict, clean_text("note", note, 500)


def action_add(
    *,
    actor: object,
    candidate: Candidate,
    kind: str,
    title: str,
    on: date | None,
    source_url: str,
    description: str = "",
    matches: Mapping[Pledge, tuple[str, str]] | None = None,
) -> Action:
    """Record what an officeholder did, judged against any of their pledges
    (``matches``: pledge -> (verdict, note))."""
    _require(actor, candidate)
    _officeholder(candidate)
    fields = _fields(
        candidate, kind=kind, title=title, on=on, source_url=source_url, description=description
    )
    judged = {pledge: _verdict(candidate, pledge, *vn) for pledge, vn in (matches or {}).items()}
    with transaction.atomic():
        action = Action.objects.create(candidate=candidate, created_by=_person(actor), **fields)
        ActionMatch.objects.bulk_create(
            ActionMatch(action=action, pledge=pledge, verdict=verdict, note=note)
            for pledge, (verdict, note) in judged.items()
        )
        audit_append(
            actor=actor,
            action="scorecard.action_add",
            subject=action,
            data={
                **fields,
                "on": fields["on"].isoformat(),
                "candidate": candidate.pk,
                "matches": {str(p.pk): v for p, (v, _n) in judged.items()},
            },
        )
    return action


def action_update(
    *,
    actor: object,
    action: Action,
    kind: str,
    title: str,
    on: date | None,
    source_url: str,
    description: str = "",
) -> Action:
    """Correct an action's facts (its verdicts are set one by one)."""
    candidate = action.candidate
    _require(actor, candidate)
    fields = _fields(
        candidate, kind=kind, title=title, on=on, source_url=source_url, description=description
    )
    with transaction.atomic():
        for name, value in fields.items():
            setattr(action, name, value)
        action.save(update_fields=list(fields))
        audit_append(
            actor=actor,
            action="scorecard.action_update",
            subject=action,
            data={**fields, "on": fields["on"].isoformat(), "candidate": candidate.pk},
        )
    return action


def action_match_set(
    *, actor: object, action: Action, pledge: Pledge, verdict: str, note: str = ""
) -> ActionMatch:
    """Judge the action against one pledge (or change the verdict)."""
    candidate = action.candidate
    _require(actor, candidate)
    verdict, note = _verdict(candidate, pledge, verdict, note)
    with transaction.atomic():
        match, _created = ActionMatch.objects.update_or_create(
            action=action, pledge=pledge, defaults={"verdict": verdict, "note": note}
        )
        audit_append(
            actor=actor,
            action="scorecard.match_set",
            subject=action,
            data={"pledge": pledge.pk, "verdict": verdict, "note": note},
        )
    return match


def action_match_remove(*, actor: object, action: Action, pledge: Pledge) -> None:
    """The action turns out not to bear on this pledge."""
    _require(actor, action.candidate)
    with transaction.atomic():
        removed, _n = ActionMatch.objects.filter(action=action, pledge=pledge).delete()
        if not removed:
            raise Conflict(_("This action is not matched to that pledge."), code="not_matched")
        audit_append(
            actor=actor,
            action="scorecard.match_remove",
            subject=action,
            data={"pledge": pledge.pk},
        )


def action_remove(*, actor: object, action: Action, reason: str) -> None:
    """Take an action off the scorecard; the reason (and what it was) stay in the log."""
    _require(actor, action.candidate)
    reason = clean_text("reason", reason, 500, required=_("Say why it is removed."))
    with transaction.atomic():
        verdicts = dict(
            ActionMatch.objects.filter(action=action).values_list("pledge_id", "verdict")
        )
        audit_append(
            actor=actor,
            action="scorecard.action_remove",
            subject=action,
            data={
                "candidate": action.candidate_id,
                "title": action.title,
                "on": action.on.isoformat(),
                "source_url": action.source_url,
                "matches": {str(p): v for p, v in verdicts.items()},
                "reason": reason,
            },
        )
        action.delete()


# --- the election's outcome ----------------------------------------------------------


def outcome_record(
    *,
    actor: object,
    candidate: Candidate,
    elected: bool | None,
    took_office_on: date | None = None,
    left_office_on: date | None = None,
) -> Candidate:
    """Record whether the candidate won and, if so, their term in office (``None``:
    not known yet). An officeholder's scorecard counts the actions of that term, so
    the term may not leave out actions already entered."""
    _require(actor, candidate)
    today = timezone.localdate()
    election = candidate.cycle.election_date
    if elected not in (True, False, None):
        raise ValidationFailed.for_field("elected", _("Say whether they were elected."))
    if elected is not None and today < election:
        raise ValidationFailed.for_field(
            "elected",
            _("The election is on %(date)s: record its outcome after that day.")
            % {"date": date_format(election)},
        )
    if elected is not True and (took_office_on or left_office_on):
        raise ValidationFailed.for_field(
            "took_office_on", _("Only someone elected takes office: leave the dates empty.")
        )
    if left_office_on and not took_office_on:
        raise ValidationFailed.for_field(
            "took_office_on", _("Give the day they took office before the day they left.")
        )
    if took_office_on and took_office_on < election:
        raise ValidationFailed.for_field(
            "took_office_on",
            _("They cannot take office before the election on %(date)s.")
            % {"date": date_format(election)},
        )
    if left_office_on and took_office_on and left_office_on < took_office_on:
        raise ValidationFailed.for_field(
            "left_office_on", _("They cannot leave office before the day they took it.")
        )
    if left_office_on and left_office_on > today:
        raise ValidationFailed.for_field(
            "left_office_on", _("Record the day they left once it has passed.")
        )
    with transaction.atomic():
        # Lock the candidate so an action cannot slip in outside the new term.
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        actions = Action.objects.filter(candidate=locked)
        if elected is not True and actions.exists():
            raise Conflict(
                _(
                    "%(name)s has actions on their scorecard: remove them before recording "
                    "that they were not elected."
                )
                % {"name": candidate.name},
                code="has_actions",
            )
        outside = Q()
        if took_office_on:
            outside |= Q(on__lt=took_office_on)
        if left_office_on:
            outside |= Q(on__gt=left_office_on)
        count = actions.filter(outside).count() if outside else 0
        if count:
            raise Conflict(
                ngettext(
                    "%(count)s action on the scorecard is dated outside that term: correct "
                    "or remove it first.",
                    "%(count)s actions on the scorecard are dated outside that term: correct "
                    "or remove them first.",
                    count,
                )
                % {"count": count},
                code="actions_outside_term",
            )
        before = {
            "elected": locked.elected,
            "took_office_on": _iso(locked.took_office_on),
            "left_office_on": _iso(locked.left_office_on),
        }
        locked.elected = elected
        locked.took_office_on = took_office_on
        locked.left_office_on = left_office_on
        locked.save(update_fields=["elected", "took_office_on", "left_office_on"])
        audit_append(
            actor=actor,
            action="scorecard.outcome_record",
            subject=locked,
            data={
                "elected": elected,
                "took_office_on": _iso(took_office_on),
                "left_office_on": _iso(left_office_on),
                "before": before,
            },
        )
    candidate.elected = elected
    candidate.took_office_on = took_office_on
    candidate.left_office_on = left_office_on
    return candidate


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
