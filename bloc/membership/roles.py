"""Roles: terms of office with term limits that the bylaws set and bloc enforces.

Writes (``role_term_assign``, ``role_term_end``, ``recall_open``,
``recall_sign``, ``recall_close``) check permission, validate, write and
append to the audit log in one transaction. ``rotation_for`` reads who holds
each role, until when, how many terms in a row, and who may take the next
term. The rule for "in a row" lives in ``bloc.core.terms``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db import transaction
from django.db.models import Prefetch
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
    Role,
    RoleTerm,
)
from bloc.permissions.roles import membership_of

# A term ending within this many days shows as "ending soon" on the rotation page.
EXPIRING_DAYS = 30
# Used when the bylaws do not say how long a term is (as for the founder's first term).
DEFAULT_TERM_MONTHS = 12
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


def role_label(role: str) -> str:
    """A role's name for people: translated for the standard roles, as written for custom ones."""
    if role in Role.values:
        return str(Role(role).label)
    return role.replace("-", " ").replace("_", " ").capitalize()


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


def term_end_default(starts_on: date, months: int | None) -> date:
    """The day a term starting on ``starts_on`` ends: ``months`` calendar months later."""
    return terms.add_months(starts_on, months or DEFAULT_TERM_MONTHS)


def _as_term(term: RoleTerm) -> terms.Term:
    return terms.Term(starts_on=term.starts_on, last_day=term.last_day)


def _terms_of(membership: Membership, role: str) -> list[terms.Term]:
    # One membership row per person and institution (rejoining reuses it).
    return [_as_term(t) for t in RoleTerm.objects.filter(membership_id=membership.pk, role=role)]


def _is_held_on(term: RoleTerm, day: date) -> bool:
    return term.starts_on <= day < term.last_day


# --- terms -------------------------------------------------------------------


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


@dataclass(frozen=True)
class SignatureTally:
    """Who signed a petition, against the institution's verified members."""

    signatures: int  # every signature
    verified_signatures: int  # by people who are verified members now
    verified_members: int

    @property
    def share(self) -> Fraction:
        """The share of verified members who signed (0 when there are none)."""
        if not self.verified_members:
            return Fraction(0)
        return Fraction(self.verified_signatures, self.verified_members)

    @property
    def percent(self) -> int:
        """``share`` as a whole percentage, rounded down (never claims more than signed)."""
        return int(self.share * 100)


def recall_tally(*, petition: RecallPetition) -> SignatureTally:
    """Signatures of one petition against the verified members now (three counts)."""
    institution_id = petition.role_term.membership.institution_id
    signatures = RecallSignature.objects.filter(petition=petition)
    verified = {"left_at__isnull": True, "verified_at__isnull": False}
    return SignatureTally(
        signatures=signatures.count(),
        verified_signatures=signatures.filter(
            **{f"membership__{k}": v for k, v in verified.items()}
        ).count(),
        verified_members=Membership.objects.filter(
            institution_id=institution_id, **verified
        ).count(),
    )


@dataclass(frozen=True)
class Holding:
    """One term held now (or starting later) in a role."""

    term: RoleTerm
    name: str
    starts_on: date
    ends_on: date  # the day it ends (its planned end, or earlier if cut short)
    in_a_row: int  # terms in a row the holder has served with this one
    at_limit: bool  # the holder may not take the next term straight after this one
    ending_soon: bool  # ends within EXPIRING_DAYS


@dataclass(frozen=True)
class Candidate:
    """A verified member who may take the role's next term within the limit."""

    membership: Membership
    name: str
    terms_held: int  # terms ever served in this role
    in_a_row: int  # terms in a row they would then have, the next one included


@dataclass(frozen=True)
class RoleRotation:
    role: str
    label: str
    holders: tuple[Holding, ...]  # held today
    upcoming: tuple[Holding, ...]  # recorded, not started yet
    next_starts_on: date  # when the next term would start: today if vacant
    next_ends_on: date
    eligible: tuple[Candidate, ...]

    @property
    def vacant(self) -> bool:
        return not self.holders

    @property
    def ending_soon(self) -> bool:
        return any(h.ending_soon for h in self.holders)


@dataclass(frozen=True)
class PetitionSummary:
    petition: RecallPetition
    holder_name: str
    role: str
    role_label: str
    opened_by_name: str
    tally: SignatureTally
    signer_ids: frozenset[int]  # membership ids of those who signed


@dataclass(frozen=True)
class Rotation:
    institution: Institution
    today: date
    term_limit: int | None
    term_months: int | None
    roles: tuple[RoleRotation, ...]
    petitions: tuple[PetitionSummary, ...]  # open ones, oldest first
    members: tuple[Membership, ...]  # current members, by name (for the assign form)
    verified_members: int

    @property
    def vacant(self) -> tuple[RoleRotation, ...]:
        return tuple(r for r in self.roles if r.vacant)

    @property
    def ending_soon(self) -> tuple[tuple[RoleRotation, Holding], ...]:
        """Terms held now that end within ``EXPIRING_DAYS``, with their role."""
        return tuple((r, h) for r in self.roles for h in r.holders if h.ending_soon)

    @property
    def upcoming(self) -> tuple[tuple[RoleRotation, Holding], ...]:
        """Terms recorded to start later, with their role."""
        return tuple((r, h) for r in self.roles for h in r.upcoming)

    def role(self, role: str) -> RoleRotation:
        return next(r for r in self.roles if r.role == role)


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


def rotation_for(institution: Institution, *, today: date | None = None) -> Rotation:
    """Each role of the bylaws: who holds it now and until when, and who is eligible next.

    Roles are the bylaws' standard roles, then its custom roles. A role may
    have several holders (delegates). Terms held past the bylaws' limit still
    show (``in_a_row`` above the limit) so that the charter can point at them.
    "Eligible next" lists verified members who could take a term starting on
    ``next_starts_on`` without overlapping a term they hold and without
    breaking the limit, those who held the role least first, then by name.
    Five queries, however many members and terms.
    """
    today = today or timezone.localdate()
    rules = institution_selectors.bylaws_settings(institution=institution)
    members = tuple(
        Membership.objects.filter(institution=institution, left_at__isnull=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    all_terms = list(
        RoleTerm.objects.filter(membership__institution=institution).select_related(
            "membership__user"
        )
    )
    by_person_role: dict[tuple[int, str], list[terms.Term]] = defaultdict(list)
    for term in all_terms:
        by_person_role[(term.membership_id, term.role)].append(_as_term(term))

    def holding(term: RoleTerm) -> Holding:
        held = by_person_role[(term.membership_id, term.role)]
        others = [t for t in held if t != _as_term(term)]
        in_a_row = terms.consecutive_terms(others, term.starts_on) + 1
        return Holding(
            term=term,
            name=_name(term.membership),
            starts_on=term.starts_on,
            ends_on=term.last_day,
            in_a_row=in_a_row,
            at_limit=terms.exceeds_limit(held, term.last_day, rules.term_limit),
            ending_soon=term.last_day <= today + timedelta(days=EXPIRING_DAYS),
        )

    verified = [m for m in members if m.verified_at is not None]
    rotations = []
    for role in rules.roles:
        role_terms = [
            t
            for t in all_terms
            if t.role == role and t.membership.left_at is None and _as_term(t).served
        ]
        holders = tuple(
            sorted(
                (holding(t) for t in role_terms if _is_held_on(t, today)),
                key=lambda h: (h.ends_on, h.name.casefold()),
            )
        )
        upcoming = tuple(
            sorted(
                (holding(t) for t in role_terms if t.starts_on > today),
                key=lambda h: (h.starts_on, h.name.casefold()),
            )
        )
        next_start = min((h.ends_on for h in holders), default=today)
        next_end = term_end_default(next_start, rules.term_months)
        eligible = []
        for member in verified:
            held = by_person_role[(member.pk, role)]
            if terms.overlaps(held, next_start, next_end):
                continue
            if terms.exceeds_limit(held, next_start, rules.term_limit, next_end):
                continue
            eligible.append(
                Candidate(
                    membership=member,
                    name=_name(member),
                    terms_held=sum(1 for t in held if t.served),
                    in_a_row=terms.run_length(held, next_start, next_end),
                )
            )
        eligible.sort(key=lambda c: (c.terms_held, c.name.casefold(), c.membership.pk))
        rotations.append(
            RoleRotation(
                role=role,
                label=role_label(role),
                holders=holders,
                upcoming=upcoming,
                next_starts_on=next_start,
                next_ends_on=next_end,
                eligible=tuple(eligible),
            )
        )
    return Rotation(
        institution=institution,
        today=today,
        term_limit=rules.term_limit,
        term_months=rules.term_months,
        roles=tuple(rotations),
        petitions=_open_petitions(institution, verified_members=len(verified)),
        members=members,
        verified_members=len(verified),
    )


def _open_petitions(
    institution: Institution, *, verified_members: int
) -> tuple[PetitionSummary, ...]:
    signatures = RecallSignature.objects.select_related("membership").only(
        "petition_id", "membership__verified_at", "membership__left_at"
    )
    petitions = (
        RecallPetition.objects.filter(
            role_term__membership__institution=institution, closed_at__isnull=True
        )
        .select_related("role_term__membership__user", "opened_by__user")
        .prefetch_related(Prefetch("signatures", queryset=signatures))
        .order_by("opened_at", "pk")
    )
    summaries = []
    for petition in petitions:
        signed = list(petition.signatures.all())
        summaries.append(
            PetitionSummary(
                petition=petition,
                holder_name=_name(petition.role_term.membership),
                role=petition.role_term.role,
                role_label=role_label(petition.role_term.role),
                opened_by_name=_name(petition.opened_by),
                tally=SignatureTally(
                    signatures=len(signed),
                    verified_signatures=sum(1 for s in signed if s.membership.is_verified),
                    verified_members=verified_members,
                ),
                signer_ids=frozenset(s.membership_id for s in signed),
            )
        )
    return tuple(summaries)


def role_term_get(*, institution: Institution, term_id: int) -> RoleTerm:
    """A term of one of the institution's members (not found in another institution)."""
    term = (
        RoleTerm.objects.filter(pk=term_id, membership__institution=institution)
        .select_related("membership__user", "membership__institution")
        .first()
    )
    if term is None:
        raise NotFound(_("There is no such term of office in this institution."))
    return term


def recall_get(*, institution: Institution, petition_id: int) -> RecallPetition:
    petition = (
        RecallPetition.objects.filter(
            pk=petition_id, role_term__membership__institution=institution
        )
        .select_related(
            "role_term__membership__user", "role_term__membership__institution", "opened_by__user"
        )
        .first()
    )
    if petition is None:
        raise NotFound(_("There is no such recall petition in this institution."))
    return petition


def role_member_get(*, institution: Institution, membership_id: int) -> Membership:
    """A current member of the institution, to record a term for."""
    membership = (
        Membership.objects.filter(pk=membership_id, institution=institution, left_at__isnull=True)
        .select_related("user", "institution")
        .first()
    )
    if membership is None:
        raise NotFound(_("There is no such member in this institution."))
    return membership
