"""Reads about roles: who holds what until when, who may take the next term, recall tallies.

The writes are in ``bloc.membership.roles``; the rule for "in a row" is in
``bloc.core.terms``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc.core import terms
from bloc.core.errors import NotFound
from bloc.institutions import selectors as institution_selectors
from bloc.institutions.models import Institution
from bloc.membership.models import (
    Membership,
    RecallPetition,
    RecallSignature,
    Role,
    RoleTerm,
)

# A term ending within this many days shows as "ending soon" on the rotation page.
EXPIRING_DAYS = 30
# Used when the bylaws do not say how long a term is (as for the founder's first term).
DEFAULT_TERM_MONTHS = 12


def role_label(role: str) -> str:
    """A role's name for people: translated for the standard roles, as written for custom ones."""
    if role in Role.values:
        return str(Role(role).label)
    return role.replace("-", " ").replace("_", " ").capitalize()


def term_end_default(starts_on: date, months: int | None) -> date:
    """The day a term starting on ``starts_on`` ends: ``months`` calendar months later."""
    return terms.add_months(starts_on, months or DEFAULT_TERM_MONTHS)


def _as_term(term: RoleTerm) -> terms.Term:
    return terms.Term(starts_on=term.starts_on, last_day=term.last_day)


def _is_held_on(term: RoleTerm, day: date) -> bool:
    return term.starts_on <= day < term.last_day


# --- terms -------------------------------------------------------------------


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
