"""Roles: terms of office with term limits that the bylaws set and bloc enforces.

Writes (``role_term_assign``, ``role_term_end``, ``recall_open``,
``recall_sign``, ``recall_close``) check permission, validate, write and
append to the audit log in one transaction. ``rotation_for`` reads who holds
each role, until when, how many terms in a row, and who may take the next
term. The rule for "in a row" lives in ``bloc.core.terms``.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.actors import is_system
from bloc.audit.services import audit_append
from bloc.core import terms
from bloc.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from bloc.institutions import selectors as institution_selectors
from bloc.institutions.models import Institution
from bloc.membership.models import (
    Membership,
    RecallPetition,
    RecallSignature,
    RoleTerm,
)
from bloc.membership.role_selectors import (  # noqa: F401 - re-exported for views and API
    DEFAULT_TERM_MONTHS,
    EXPIRING_DAYS,
    Rotation,
    SignatureTally,
    _as_term,
    _is_held_on,
    recall_get,
    recall_tally,
    role_label,
    role_member_get,
    role_term_get,
    rotation_for,
    term_end_default,
)
from bloc.permissions.roles import membership_of

REASON_MAX_LENGTH = 2000


class EndReason:
    RESIGNED = "resigned"
    RECALLED = "recalled"
    LEFT = "left"  # set by membership_leave

    chosen = (RESIGNED, RECALLED)  # what a facilitator may record


class RecallOutcome:
    RECALLED = "recalled"
    KEPT = "kept"
    WITHDRAWN = "withdrawn"
    # Set by bloc when the term ends some other way while the petition is open.
    TERM_ENDED = "term_ended"

    chosen = (RECALLED, KEPT, WITHDRAWN)  # what a facilitator may record


def end_reason_label(reason: str) -> str:
    return {
        EndReason.RESIGNED: _("resigned"),
        EndReason.RECALLED: _("recalled"),
        EndReason.LEFT: _("left the institution"),
    }.get(reason, reason)


def recall_outcome_label(outcome: str) -> str:
    return {
        RecallOutcome.RECALLED: _("recalled"),
        RecallOutcome.KEPT: _("kept in the role"),
        RecallOutcome.WITHDRAWN: _("withdrawn"),
        RecallOutcome.TERM_ENDED: _("the term ended first"),
    }.get(outcome, outcome)


def _terms_of(membership: Membership, role: str) -> list[terms.Term]:
    # One membership row per person and institution (rejoining reuses it).
    return [_as_term(t) for t in RoleTerm.objects.filter(membership_id=membership.pk, role=role)]


def role_term_assign(
    *,
    actor: object,
    membership: Membership,
    role: str,
    starts_on: date,
    ends_on: date | None = None,
) -> RoleTerm:
    """Record that a member holds a role for a term, within the bylaws' term limit.

    ``ends_on`` (the day the term ends) defaults to the bylaws' term length
    after ``starts_on`` (12 months when they say nothing). Refused: a role the bylaws do not name, a term that ends before it
    starts, one overlapping a term the member already has in that role, and
    one that would make more terms in a row than the bylaws allow (counting
    terms on file before and after it).
    """
    permissions.require(actor, "role.assign", membership.institution)
    rules = institution_selectors.bylaws_settings(institution=membership.institution)
    if role not in rules.roles:
        raise ValidationFailed.for_field("role", _("Choose one of the roles in the bylaws."))
    if ends_on is None:
        ends_on = term_end_default(starts_on, rules.term_months)
    if ends_on <= starts_on:
        raise ValidationFailed.for_field("ends_on", _("A term must end after it starts."))
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        )
        if membership.left_at is not None:
            raise NotFound(_("This person is no longer a member."))
        held = _terms_of(membership, role)
        if terms.overlaps(held, starts_on, ends_on):
            raise ValidationFailed.for_field(
                "starts_on", _("This member already holds this role during those dates.")
            )
        if terms.exceeds_limit(held, starts_on, rules.term_limit, ends_on):
            message = _(
                "This term would make %(count)s terms in a row for %(name)s as %(role)s; the "
                "bylaws allow at most %(limit)s. Someone else must take a turn."
            ) % {
                "count": terms.run_length(held, starts_on, ends_on),
                "name": membership.user.full_name,
                "role": role_label(role),
                "limit": rules.term_limit,
            }
            raise ValidationFailed.for_field("membership", message, code="term_limit")
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


def role_term_end(*, actor: object, term: RoleTerm, reason: str) -> RoleTerm:
    """End a term before its planned end: the holder resigned, or was recalled.

    The term ends today (a term that has not started yet is cancelled: it
    ends on its first day and counts for nothing). Recall petitions still
    open against it are closed as "the term ended first".
    """
    institution = term.membership.institution
    permissions.require(actor, "role.assign", institution)
    if reason not in EndReason.chosen:
        raise ValidationFailed.for_field(
            "reason", _("Say why the term ends: the holder resigned or was recalled.")
        )
    with transaction.atomic():
        term = RoleTerm.objects.select_for_update().get(pk=term.pk)
        today = timezone.localdate()
        if term.ended_on is not None or term.ends_on <= today:
            raise Conflict(_("This term has already ended."), code="term_ended")
        term.ended_on = max(today, term.starts_on)
        term.end_reason = reason
        term.save(update_fields=["ended_on", "end_reason"])
        closed = list(
            RecallPetition.objects.filter(role_term=term, closed_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if closed:
            RecallPetition.objects.filter(pk__in=closed).update(
                closed_at=timezone.now(), outcome=RecallOutcome.TERM_ENDED
            )
        audit_append(
            actor=actor,
            action="role.end",
            subject=term,
            data={
                "role": term.role,
                "membership": term.membership_id,
                "ended_on": term.ended_on.isoformat(),
                "reason": reason,
                "petitions_closed": list(closed),
            },
        )
    return term


# --- recall petitions ----------------------------------------------------------


def _petitioner(actor: object, institution: Institution, given: Membership | None) -> Membership:
    """The member acting: the actor's membership, or ``given`` when bloc itself acts."""
    if is_system(actor):
        if given is None or given.institution_id != institution.pk:
            raise ValidationFailed(_("Say which member signs."), code="no_member")
        return given
    membership = membership_of(actor, institution)
    if membership is None:  # permission already required a verified member
        raise PermissionDenied(_("Only verified members can open or sign a recall petition."))
    return membership


def recall_open(
    *, actor: object, term: RoleTerm, reason: str, by: Membership | None = None
) -> RecallPetition:
    """Open a petition to recall the holder of a term being held now.

    The member who opens it is its first signature. There is one open
    petition per term: opening another returns the open one unchanged.
    ``by`` names the member when bloc itself acts (demo data).
    """
    institution = term.membership.institution
    permissions.require(actor, "recall.petition", institution)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.for_field(
            "reason", _("Say why this role-holder should be recalled.")
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed.for_field(
            "reason",
            _("The reason can have at most %(count)s characters.") % {"count": REASON_MAX_LENGTH},
        )
    opener = _petitioner(actor, institution, by)
    with transaction.atomic():
        # The term's row lock makes "one open petition per term" hold under concurrency.
        term = (
            RoleTerm.objects.select_for_update().select_related("membership__user").get(pk=term.pk)
        )
        if opener.user_id == term.membership.user_id:
            raise ValidationFailed(
                _(
                    "You cannot petition to recall yourself. To step down, ask a facilitator "
                    "to end your term."
                ),
                code="self_recall",
            )
        if not _is_held_on(term, timezone.localdate()) or term.membership.left_at is not None:
            raise Conflict(
                _("Only a term being held now can be recalled; this one is not."),
                code="term_not_current",
            )
        existing = RecallPetition.objects.filter(role_term=term, closed_at__isnull=True).first()
        if existing is not None:
            return existing
        petition = RecallPetition.objects.create(role_term=term, opened_by=opener, reason=reason)
        RecallSignature.objects.create(petition=petition, membership=opener)
        audit_append(
            actor=actor,
            action="recall.open",
            subject=petition,
            data={
                "term": term.pk,
                "role": term.role,
                "holder": term.membership_id,
                "opened_by": opener.pk,
            },
        )
    return petition


def recall_sign(
    *, actor: object, petition: RecallPetition, by: Membership | None = None
) -> RecallSignature:
    """A verified member signs an open petition. Signing twice changes nothing.

    The person whose recall is asked cannot sign it: it would count for
    nothing, and resigning is the way to step down.
    """
    institution = petition.role_term.membership.institution
    permissions.require(actor, "recall.petition", institution)
    signer = _petitioner(actor, institution, by)
    with transaction.atomic():
        petition = (
            RecallPetition.objects.select_for_update()
            .select_related("role_term__membership")
            .get(pk=petition.pk)
        )
        if petition.closed_at is not None:
            raise Conflict(
                _("This petition is closed; it can no longer be signed."), code="petition_closed"
            )
        if signer.user_id == petition.role_term.membership.user_id:
            raise ValidationFailed(
                _("You cannot sign a petition to recall yourself."), code="self_recall"
            )
        signature, created = RecallSignature.objects.get_or_create(
            petition=petition, membership=signer
        )
        if created:
            audit_append(
                actor=actor,
                action="recall.sign",
                subject=petition,
                data={"membership": signer.pk},
            )
    return signature


def recall_close(*, actor: object, petition: RecallPetition, outcome: str) -> RecallPetition:
    """A facilitator records how a petition ended: recalled, kept or withdrawn.

    "recalled" ends the term today (reason "recalled"). The audit event keeps
    the number of signatures and of verified members at closing. The holder
    cannot record the outcome of a petition against themselves.
    """
    holder = petition.role_term.membership
    permissions.require(actor, "role.assign", holder.institution)
    if outcome not in RecallOutcome.chosen:
        raise ValidationFailed.for_field(
            "outcome", _("Choose the outcome: recalled, kept or withdrawn.")
        )
    if not is_system(actor) and getattr(actor, "pk", None) == holder.user_id:
        raise PermissionDenied(
            _(
                "Another facilitator or a chapter organizer has to record the outcome of a "
                "petition to recall you."
            ),
            code="own_recall",
        )
    with transaction.atomic():
        petition = (
            RecallPetition.objects.select_for_update()
            .select_related("role_term__membership__institution")
            .get(pk=petition.pk)
        )
        if petition.closed_at is not None:
            raise Conflict(_("This petition is already closed."), code="petition_closed")
        # A petition put to a vote is decided by that vote (bloc.decisions.recalls).
        if not is_system(actor) and hasattr(petition, "poll"):
            raise Conflict(
                _("This petition is being decided by a vote of the members."),
                code="decided_by_vote",
            )
        tally = recall_tally(petition=petition)
        petition.closed_at = timezone.now()
        petition.outcome = outcome
        petition.save(update_fields=["closed_at", "outcome"])
        audit_append(
            actor=actor,
            action="recall.close",
            subject=petition,
            data={
                "outcome": outcome,
                "term": petition.role_term_id,
                "signatures": tally.signatures,
                "verified_signatures": tally.verified_signatures,
                "verified_members": tally.verified_members,
            },
        )
        if outcome == RecallOutcome.RECALLED:
            role_term_end(actor=actor, term=petition.role_term, reason=EndReason.RECALLED)
    return petition


# --- reads ---------------------------------------------------------------------
