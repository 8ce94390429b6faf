"""Every write about concerns and working groups: one function per use case.

Each checks permission, validates, writes and appends to the audit log in one
transaction; a refusal writes nothing.

Anonymous reports. ``reported_by`` stays NULL and the audit event names the actor
``anonymous`` (an AnonymousUser: "someone not identified", which is the truth;
SYSTEM would claim bloc itself reported it). So that one account cannot flood an
institution with anonymous reports, each anonymous report leaves a throttle mark
whose key is an HMAC (under the site's secret key) of the account and the day,
stamped at midnight rather than at the minute of the report. The mark says
nothing readable; but someone holding both the database and the secret key can
recompute the keys and learn that an account made k anonymous reports on some
day, which names the reporter when that was the only anonymous report that day.
That is the trade-off we accept for a limit per person; the marks can be pruned
once the day is over (``bloc.accounts.throttling.prune``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.accounts.models import ThrottleAttempt
from bloc.audit.services import audit_append
from bloc.concerns import photos as photo_rules
from bloc.concerns.models import (
    Category,
    Concern,
    ConcernPhoto,
    ConcernState,
    ConcernUpdate,
    MeToo,
    WorkingGroup,
)
from bloc.core import concerns as rules
from bloc.core.errors import Conflict, NotFound, PermissionDenied, Throttled, ValidationFailed
from bloc.decisions.proposals import TITLE_MAX, proposal_create
from bloc.institutions.models import Institution
from bloc.permissions.roles import leads
from bloc.validation import clean_text

PLACE_MAX = 200
DESCRIPTION_MAX = 5_000
PHOTO_DESCRIPTION_MAX = 200
UPDATE_MAX = 5_000
GROUP_NAME_MAX = 120
GROUP_DESCRIPTION_MAX = 2_000
ANONYMOUS_PER_DAY = 5
ANONYMOUS_SCOPE = "concern.anonymous"


def _photo_name(upload: Any, number: int) -> str:
    name = getattr(upload, "name", "") or ""
    return name if name else _("Photo %(number)s") % {"number": number}


def clean_photos(uploads: Sequence[Any]) -> list[photo_rules.CleanPhoto]:
    """Every upload checked and re-encoded, or ``ValidationFailed`` on ``photos``."""
    if len(uploads) > photo_rules.MAX_PHOTOS:
        raise ValidationFailed.for_field(
            "photos",
            _("Send at most %(most)s photos.") % {"most": photo_rules.MAX_PHOTOS},
            code="too_many_photos",
        )
    cleaned = []
    for number, upload in enumerate(uploads, start=1):
        try:
            cleaned.append(photo_rules.clean(upload, _photo_name(upload, number)))
        except photo_rules.PhotoProblem as problem:
            raise ValidationFailed.for_field("photos", problem.message, code="bad_photo") from None
    return cleaned


def _anonymous_key(actor: Any, day: str) -> str:
    message = f"{ANONYMOUS_SCOPE}:{actor.pk}:{day}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _anonymous_quota(actor: Any) -> None:
    """Count this anonymous report against the account's daily limit, or refuse it."""
    today = timezone.localdate()
    key = _anonymous_key(actor, today.isoformat())
    if ThrottleAttempt.objects.filter(scope=ANONYMOUS_SCOPE, key=key).count() >= ANONYMOUS_PER_DAY:
        raise Throttled(
            _(
                "You have sent %(count)s anonymous reports today, the most in one day. "
                "Report it tomorrow, or under your name."
            )
            % {"count": ANONYMOUS_PER_DAY},
            code="anonymous_throttled",
        )
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    ThrottleAttempt.objects.create(scope=ANONYMOUS_SCOPE, key=key, at=midnight)


def _locked(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


# --- concerns --------------------------------------------------------------------


def concern_report(
    *,
    actor: Any,
    institution: Institution,
    category: str,
    place: str,
    description: str,
    anonymous: bool = False,
    photos: Sequence[Any] = (),
    photo_description: str = "",
) -> Concern:
    """A new concern, with up to four photos (uploaded files or bytes).

    A single bad photo refuses the whole report: nothing is stored.
    """
    permissions.require(actor, "concern.report", institution)
    if category not in Category.values:
        raise ValidationFailed.for_field("category", _("Choose a category."))
    place = clean_text("place", place, PLACE_MAX, required=_("Say where it is."))
    description = clean_text(
        "description", description, DESCRIPTION_MAX, required=_("Describe what is wrong.")
    )
    photo_description = clean_text("photo_description", photo_description, PHOTO_DESCRIPTION_MAX)
    cleaned = clean_photos(photos)
    with transaction.atomic():
        if anonymous:
            _anonymous_quota(actor)
        concern = Concern.objects.create(
            institution=institution,
            category=category,
            place=place,
            description=description,
            reported_by=None if anonymous else actor,
        )
        ConcernPhoto.objects.bulk_create(
            ConcernPhoto(
                concern=concern,
                data=photo.data,
                content_type=photo.content_type,
                width=photo.width,
                height=photo.height,
                description=photo_description,
            )
            for photo in cleaned
        )
        audit_append(
            # Anonymous: the log says "anonymous", never who.
            actor=AnonymousUser() if anonymous else actor,
            action="concern.report",
            subject=concern,
            data={
                "institution": institution.slug,
                "category": category,
                "photos": len(cleaned),
                "anonymous": anonymous,
            },
        )
    return concern


def me_too_add(*, actor: Any, concern: Concern) -> bool:
    """Add the member's "me too"; False (and nothing written) if they had already."""
    permissions.require(actor, "concern.me_too", concern.institution)
    if MeToo.objects.filter(concern=concern, user=actor).exists():
        return False
    try:
        with transaction.atomic():
            MeToo.objects.create(concern=concern, user=actor)
            audit_append(actor=actor, action="concern.me_too", subject=concern)
    except IntegrityError:  # a second click that raced the first
        return False
    return True


def me_too_withdraw(*, actor: Any, concern: Concern) -> bool:
    """Take one's "me too" back; False if there was none."""
    permissions.require(actor, "concern.me_too", concern.institution)
    with transaction.atomic():
        deleted, _counts = MeToo.objects.filter(concern=concern, user=actor).delete()
        if not deleted:
            return False
        audit_append(actor=actor, action="concern.me_too_withdraw", subject=concern)
    return True


def concern_assign(*, actor: Any, concern: Concern, working_group: WorkingGroup | None) -> Concern:
    """Give the concern to a working group (None: to no group).

    A facilitator assigns to any group; a group's member only to their own group.
    """
    institution = concern.institution
    permissions.require(actor, "concern.assign", institution)
    if working_group is not None and working_group.institution_id != institution.pk:
        raise NotFound(_("There is no such working group here."))
    if not leads(actor, institution) and (
        working_group is None or not working_group.members.filter(pk=actor.pk).exists()
    ):
        raise PermissionDenied(
            _("You can assign a concern only to a working group you belong to."),
            code="not_in_group",
        )
    with transaction.atomic():
        locked = _locked(concern)
        if locked.state not in rules.OPEN:
            raise Conflict(
                _("This concern is closed; it cannot be assigned any more."), code="closed"
            )
        locked.working_group = working_group
        locked.save(update_fields=["working_group", "updated_at"])
        audit_append(
            actor=actor,
            action="concern.assign",
            subject=locked,
            data={"working_group": working_group.pk if working_group else None},
        )
    concern.refresh_from_db()
    return concern


def transition_refused(problem: rules.ConcernProblem) -> Conflict | ValidationFailed:
    if problem.code == "text_required":
        return ValidationFailed.for_field(
            "text",
            _("Say what was done, or why the concern is declined, in the update."),
            code="text_required",
        )
    return Conflict(
        _("A concern cannot go from “%(current)s” to “%(target)s”.")
        % {
            "current": ConcernState(problem.params["current"]).label
            if problem.params.get("current") in ConcernState.values
            else problem.params.get("current"),
            "target": ConcernState(problem.params["target"]).label
            if problem.params.get("target") in ConcernState.values
            else problem.params.get("target"),
        },
        code="not_allowed",
    )


def concern_update(*, actor: Any, concern: Concern, text: str, state: str = "") -> ConcernUpdate:
    """A public update, moving the concern to ``state`` when one is given.

    Without a state it is a note, and needs text.
    """
    permissions.require(actor, "concern.update", concern)
    text = clean_text("text", text, UPDATE_MAX)
    if not state and not text:
        raise ValidationFailed.for_field("text", _("Write the update."), code="text_required")
    with transaction.atomic():
        locked = _locked(concern)
        if state:
            try:
                rules.check_transition(locked.state, state, text)
            except rules.ConcernProblem as problem:
                raise transition_refused(problem) from None
            locked.state = state
            locked.save(update_fields=["state", "updated_at"])
        update = ConcernUpdate.objects.create(concern=locked, author=actor, text=text, state=state)
        audit_append(
            actor=actor,
            action="concern.update",
            subject=locked,
            data={"state": state, "update": update.pk},
        )
    concern.refresh_from_db()
    return update


def concern_raise(*, actor: Any, concern: Concern) -> Any:
    """Turn the concern into a draft proposal that links back to it."""
    institution = concern.institution
    permissions.require(actor, "concern.raise", institution)
    link = reverse(
        "institutions:concern_detail", kwargs={"slug": institution.slug, "concern_id": concern.pk}
    )
    title = f"{concern.get_category_display()}: {concern.place}"[:TITLE_MAX]
    body = _("%(description)s\n\nRaised from the concern [%(place)s](%(link)s).") % {
        "description": concern.description,
        "place": concern.place,
        "link": link,
    }
    with transaction.atomic():
        locked = _locked(concern)
        if locked.proposal_id is not None:
            raise Conflict(
                _("This concern was already raised to a proposal."), code="already_raised"
            )
        proposal = proposal_create(actor=actor, institution=institution, title=title, body=body)
        locked.proposal = proposal
        locked.save(update_fields=["proposal", "updated_at"])
        audit_append(
            actor=actor,
            action="concern.raise",
            subject=locked,
            data={"proposal": proposal.pk},
        )
    concern.refresh_from_db()
    return proposal


# --- working groups --------------------------------------------------------------


def working_group_create(
    *, actor: Any, institution: Institution, name: str, description: str = ""
) -> WorkingGroup:
    permissions.require(actor, "working_group.create", institution)
    name = clean_text("name", name, GROUP_NAME_MAX, required=_("Give the working group a name."))
    description = clean_text("description", description, GROUP_DESCRIPTION_MAX)
    with transaction.atomic():
        if WorkingGroup.objects.filter(institution=institution, name__iexact=name).exists():
            raise ValidationFailed.for_field(
                "name", _("There is already a working group with that name."), code="name_taken"
            )
        group = WorkingGroup.objects.create(
            institution=institution, name=name, description=description
        )
        audit_append(
            actor=actor,
            action="working_group.create",
            subject=group,
            data={"institution": institution.slug, "name": name},
        )
    return group


def working_group_join(*, actor: Any, group: WorkingGroup, user: Any = None) -> bool:
    """Join a group (SYSTEM may enrol ``user``); False if already in it."""
    person = user if (user is not None and permissions.is_system(actor)) else actor
    permissions.require(actor, "working_group.join", group.institution)
    if permissions.is_system(actor) and not permissions.check(
        person, "working_group.join", group.institution
    ):
        raise PermissionDenied(_("Only members of this institution can join."))
    with transaction.atomic():
        if group.members.filter(pk=person.pk).exists():
            return False
        group.members.add(person)
        audit_append(
            actor=actor,
            action="working_group.join",
            subject=group,
            data={"user": person.pk},
        )
    return True


def working_group_leave(*, actor: Any, group: WorkingGroup) -> bool:
    if not permissions.is_person(actor):
        raise PermissionDenied(_("You need to log in first."), code="login_required")
    with transaction.atomic():
        if not group.members.filter(pk=actor.pk).exists():
            return False
        group.members.remove(actor)
        audit_append(
            actor=actor, action="working_group.leave", subject=group, data={"user": actor.pk}
        )
    return True
