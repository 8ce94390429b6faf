"""Councils and who sits in them: set up a council; an assembly's votes to join, leave,
elect its delegates or recall one (applied by ``outcomes`` once counted).

Every refusal is checked before anything is written, and checked again when a vote's
outcome is applied (the councils may have changed while the assembly voted).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.confederation.models import (
    AssemblyVote,
    AssemblyVoteKind,
    Council,
    Delegate,
    RatificationRule,
    Seat,
)
from bloc.confederation.tree import Tree, load_tree
from bloc.core.errors import Conflict, NotFound, ValidationFailed
from bloc.decisions.polls import poll_create
from bloc.decisions.recalls import recall_rule
from bloc.institutions.models import Chapter, Institution
from bloc.membership.models import Membership
from bloc.validation import clean_text

MAX_LEVEL = 9
RESERVED_SLUGS = {"new"}


def council_create(
    *,
    actor: object,
    chapter: Chapter,
    name: str,
    level: int = 1,
    rule: str = RatificationRule.ASSEMBLIES,
    quorum_percent: int = 50,
    delegates_per_member: int = 1,
    term_months: int = 12,
    description: str = "",
    slug: str = "",
) -> Council:
    permissions.require(actor, "council.create", chapter)
    name = clean_text("name", name, 160, required=_("Give the council a name."))
    description = clean_text("description", description, 5000)
    if rule not in RatificationRule.values:
        raise ValidationFailed.for_field("rule", _("Choose one of the ratification rules."))
    if not 1 <= level <= MAX_LEVEL:
        raise ValidationFailed.for_field(
            "level", _("The level is a whole number from 1 to %(n)s.") % {"n": MAX_LEVEL}
        )
    if not 0 <= quorum_percent <= 100:
        raise ValidationFailed.for_field("quorum_percent", _("A quorum is from 0 to 100%."))
    if not 1 <= delegates_per_member <= 20:
        raise ValidationFailed.for_field(
            "delegates_per_member", _("Each member sends from 1 to 20 delegates.")
        )
    if not 1 <= term_months <= 60:
        raise ValidationFailed.for_field("term_months", _("A term is from 1 to 60 months."))
    slug = slugify(slug or name)[:80]
    if slug in RESERVED_SLUGS:  # page addresses under /councils/
        slug = f"{slug}-council"
    if not slug:
        raise ValidationFailed.for_field("slug", _("Give the council a short name in letters."))
    with transaction.atomic():
        if Council.objects.filter(slug=slug).exists():
            raise ValidationFailed.for_field(
                "slug", _("Another council already has this short name; choose another.")
            )
        council = Council.objects.create(
            chapter=chapter,
            name=name,
            slug=slug,
            description=description,
            level=level,
            rule=rule,
            quorum_percent=quorum_percent,
            delegates_per_member=delegates_per_member,
            term_months=term_months,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_append(
            actor=actor,
            action="council.create",
            subject=council,
            data={"name": name, "level": level, "rule": rule, "quorum_percent": quorum_percent},
        )
    return council


# --- who may sit where -----------------------------------------------------------


def join_problem(tree: Tree, council: Council, member: Institution | Council) -> Conflict | None:
    """Why ``member`` cannot join ``council`` now, or None."""
    if isinstance(member, Council):
        node = f"c{member.pk}"
        if member.pk == council.pk or f"c{council.pk}" in tree.below(node):
            return Conflict(
                _("%(council)s is already below %(member)s: joining would make a cycle.")
                % {"council": council.name, "member": member.name},
                code="cycle",
            )
        if member.level >= council.level:
            return Conflict(_("A council can only join a council of a higher level."), code="level")
        if node in tree.parent:
            above = tree.councils[int(tree.parent[node][1:])]
            return Conflict(
                _("%(member)s already sits in %(council)s; it has to leave it first.")
                % {"member": member.name, "council": above.name},
                code="already_seated",
            )
        inside = {n for n in tree.below(node) if n[0] == "i"}
    else:
        node = f"i{member.pk}"
        for seat in tree.seats.get(node, []):
            if seat.level == council.level:
                other = tree.councils[seat.council_id]
                return Conflict(
                    _(
                        "%(member)s already belongs to %(council)s, a council of the same "
                        "level; it has to leave it first."
                    )
                    % {"member": member.name, "council": other.name},
                    code="same_level",
                )
        inside = {node}
    root = tree.root_of(f"c{council.pk}")
    counted = set(tree.below(root))
    if inside & counted:
        return Conflict(
            _("An institution would then be counted twice in the councils above %(council)s.")
            % {"council": council.name},
            code="counted_twice",
        )
    return None


def seat_of(council: Council, member: Institution | Council) -> Seat | None:
    if isinstance(member, Council):
        query = Q(member_council=member)
    else:
        query = Q(institution=member)
    return Seat.objects.filter(query, council=council, left_at=None).first()


def seat_add(*, actor: object, council: Council, member: Institution | Council) -> Seat:
    """Seat ``member`` (its own decision has been taken: a poll or a council question)."""
    with transaction.atomic():
        Council.objects.select_for_update().get(pk=council.pk)
        problem = join_problem(load_tree(council.chapter_id), council, member)
        if problem is not None:
            raise problem
        seat = Seat.objects.create(
            council=council,
            institution=member if isinstance(member, Institution) else None,
            member_council=member if isinstance(member, Council) else None,
            level=council.level,
            joined_at=timezone.now(),
        )
        audit_append(
            actor=actor,
            action="council.join",
            subject=council,
            data={"member": seat.node, "name": str(member)},
        )
    return seat


def seat_remove(*, actor: object, seat: Seat, reason: str = "left") -> Seat:
    today = timezone.localdate()
    with transaction.atomic():
        seat = Seat.objects.select_for_update().get(pk=seat.pk)
        if seat.left_at is not None:
            raise Conflict(_("This member has already left the council."), code="already_left")
        seat.left_at = timezone.now()
        seat.save(update_fields=["left_at"])
        Delegate.objects.filter(seat=seat, ended_on=None).update(ended_on=today, end_reason=reason)
        audit_append(
            actor=actor, action="council.leave", subject=seat.council, data={"member": seat.node}
        )
    return seat


# --- delegates -----------------------------------------------------------------------


def sitting(seat: Seat, on: object = None) -> list[Delegate]:
    """The delegates a seat has today."""
    today = on or timezone.localdate()
    return list(
        Delegate.objects.filter(
            seat=seat, ended_on=None, starts_on__lte=today, ends_on__gt=today
        ).select_related("user")
    )


def delegate_add(*, actor: object, seat: Seat, user: object, reason: str = "elected") -> Delegate:
    from bloc.core.terms import add_months

    council = seat.council
    today = timezone.localdate()
    with transaction.atomic():
        Seat.objects.select_for_update().get(pk=seat.pk)
        if len(sitting(seat)) >= council.delegates_per_member:
            raise Conflict(_("All of this member's delegate seats are filled."), code="seats_full")
        if Delegate.objects.filter(
            council=council, user=user, ended_on=None, ends_on__gt=today
        ).exists():
            raise Conflict(_("This person is already a delegate to the council."), code="sitting")
        delegate = Delegate.objects.create(
            seat=seat,
            council=council,
            user=user,
            starts_on=today,
            ends_on=add_months(today, council.term_months),
        )
        audit_append(
            actor=actor,
            action="council.delegate",
            subject=council,
            data={"member": seat.node, "user": getattr(user, "pk", None), "how": reason},
        )
    return delegate


def delegate_end(*, actor: object, delegate: Delegate, reason: str) -> Delegate:
    with transaction.atomic():
        delegate = Delegate.objects.select_for_update().get(pk=delegate.pk)
        if delegate.ended_on is not None:
            raise Conflict(_("This delegate's term has already ended."), code="ended")
        delegate.ended_on = timezone.localdate()
        delegate.end_reason = reason
        delegate.save(update_fields=["ended_on", "end_reason"])
        audit_append(
            actor=actor,
            action="council.delegate_end",
            subject=delegate.council,
            data={"delegate": delegate.pk, "user": delegate.user_id, "reason": reason},
        )
    return delegate


# --- an assembly's votes about a council ---------------------------------------------


def _open_vote(institution: Institution, council: Council, kind: str, **match: object) -> bool:
    return AssemblyVote.objects.filter(
        institution=institution,
        council=council,
        kind=kind,
        poll__closed_at=None,
        poll__cancelled_at=None,
        **match,
    ).exists()


def _start(
    *,
    actor: object,
    institution: Institution,
    council: Council,
    kind: str,
    title: str,
    description: str,
    closes_at: datetime,
    opens_at: datetime | None,
    rule: str,
    options: Sequence[str] = (),
    seats: int = 1,
    delegate: Delegate | None = None,
    candidates: Sequence[int] = (),
) -> AssemblyVote:
    with transaction.atomic():
        poll = poll_create(
            actor=actor,
            institution=institution,
            title=title[:200],
            description=description,
            rule=rule,
            options=options,
            seats=seats,
            secret=True,
            opens_at=opens_at or timezone.now(),
            closes_at=closes_at,
            check_permission=False,
        )
        return AssemblyVote.objects.create(
            kind=kind,
            institution=institution,
            council=council,
            poll=poll,
            delegate=delegate,
            candidates=list(candidates),
        )


def join_vote(
    *,
    actor: object,
    institution: Institution,
    council: Council,
    closes_at: datetime,
    opens_at: datetime | None = None,
) -> AssemblyVote:
    """Put joining ``council`` to a vote of the assembly."""
    permissions.require(actor, "council.assembly_vote", institution)
    if council.chapter_id != institution.chapter_id:
        raise Conflict(_("A council only seats institutions of its chapter."), code="chapter")
    problem = join_problem(load_tree(council.chapter_id), council, institution)
    if problem is not None:
        raise problem
    if _open_vote(institution, council, AssemblyVoteKind.JOIN):
        raise Conflict(_("A vote to join this council is already open."), code="already_voting")
    return _start(
        actor=actor,
        institution=institution,
        council=council,
        kind=AssemblyVoteKind.JOIN,
        title=_("Join %(council)s?") % {"council": council.name},
        description=council.description,
        closes_at=closes_at,
        opens_at=opens_at,
        rule=recall_rule(institution),
    )


def leave_vote(
    *,
    actor: object,
    institution: Institution,
    council: Council,
    closes_at: datetime,
    opens_at: datetime | None = None,
) -> AssemblyVote:
    permissions.require(actor, "council.assembly_vote", institution)
    if seat_of(council, institution) is None:
        raise Conflict(_("%(name)s does not sit in this council.") % {"name": institution.name})
    if _open_vote(institution, council, AssemblyVoteKind.LEAVE):
        raise Conflict(_("A vote to leave this council is already open."), code="already_voting")
    return _start(
        actor=actor,
        institution=institution,
        council=council,
        kind=AssemblyVoteKind.LEAVE,
        title=_("Leave %(council)s?") % {"council": council.name},
        description="",
        closes_at=closes_at,
        opens_at=opens_at,
        rule=recall_rule(institution),
    )


def election_vote(
    *,
    actor: object,
    institution: Institution,
    council: Council,
    candidates: Sequence[int],
    closes_at: datetime,
    opens_at: datetime | None = None,
) -> AssemblyVote:
    """Elect the assembly's delegates to fill its empty seats: STV among the candidates
    (or a yes/no vote on them when there are no more candidates than seats)."""
    permissions.require(actor, "council.assembly_vote", institution)
    seat = seat_of(council, institution)
    if seat is None:
        raise Conflict(
            _("%(name)s does not sit in this council.") % {"name": institution.name},
            code="not_seated",
        )
    vacancies = council.delegates_per_member - len(sitting(seat))
    if vacancies <= 0:
        raise Conflict(
            _("All of %(name)s's delegate seats are filled; a delegate must be recalled first.")
            % {"name": institution.name},
            code="seats_full",
        )
    if _open_vote(institution, council, AssemblyVoteKind.ELECT):
        raise Conflict(_("An election of delegates is already open."), code="already_voting")
    chosen = list(dict.fromkeys(int(c) for c in candidates))
    if not chosen:
        raise ValidationFailed.for_field("candidates", _("Choose at least one candidate."))
    members = dict(
        Membership.objects.filter(
            institution=institution,
            user_id__in=chosen,
            left_at=None,
            verified_at__isnull=False,
        ).values_list("user_id", "user__full_name")
    )
    if len(members) != len(chosen):
        raise ValidationFailed.for_field(
            "candidates", _("Candidates must be verified members of the assembly.")
        )
    names = _distinct_names([members[c] for c in chosen])
    label = {"council": council.name}
    if len(chosen) > vacancies:
        return _start(
            actor=actor,
            institution=institution,
            council=council,
            kind=AssemblyVoteKind.ELECT,
            title=_("Elect our delegates to %(council)s") % label,
            description="",
            closes_at=closes_at,
            opens_at=opens_at,
            rule="stv",
            options=names,
            seats=vacancies,
            candidates=chosen,
        )
    return _start(
        actor=actor,
        institution=institution,
        council=council,
        kind=AssemblyVoteKind.ELECT,
        title=(
            _("Elect %(names)s as our delegates to %(council)s?")
            % {"names": ", ".join(names), **label}
        ),
        description="",
        closes_at=closes_at,
        opens_at=opens_at,
        rule=recall_rule(institution),
        candidates=chosen,
    )


def _distinct_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def recall_vote(
    *,
    actor: object,
    delegate: Delegate,
    reason: str,
    closes_at: datetime,
    opens_at: datetime | None = None,
) -> AssemblyVote:
    """Any verified member of the delegate's assembly may put a recall to its vote."""
    seat = delegate.seat
    if seat.institution_id is None:
        raise Conflict(
            _("A council's delegate is recalled by a question in that council."),
            code="council_delegate",
        )
    institution = seat.institution
    permissions.require(actor, "delegate.recall", institution)
    reason = clean_text("reason", reason, 2000, required=_("Say why the delegate is recalled."))
    if delegate.ended_on is not None:
        raise Conflict(_("This delegate's term has already ended."), code="ended")
    if _open_vote(institution, delegate.council, AssemblyVoteKind.RECALL, delegate=delegate):
        raise Conflict(_("A vote to recall this delegate is already open."), code="already_voting")
    return _start(
        actor=actor,
        institution=institution,
        council=delegate.council,
        kind=AssemblyVoteKind.RECALL,
        title=_("Recall %(name)s as our delegate to %(council)s?")
        % {"name": delegate.user.full_name, "council": delegate.council.name},
        description=reason,
        closes_at=closes_at,
        opens_at=opens_at,
        rule=recall_rule(institution),
        delegate=delegate,
    )


def get_council(slug: str) -> Council:
    council = Council.objects.select_related("chapter").filter(slug=slug).first()
    if council is None:
        raise NotFound(_("There is no such council."))
    return council
