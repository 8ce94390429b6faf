"""Questions before a council: mandates from below, the delegates' vote, ratification.

The life of a question: *mandating* (each assembly below the council decides its
position by its own poll; a lower council's mandate is its assemblies' positions
rolled up under its rule) → *voting* (the delegates vote; each vote is recorded beside
the mandate its delegate carried, a deviation is public) → *carried* or *not carried*
→ optionally *ratifying* (every assembly below votes again; the positions roll up the
tree, each council under its own rule) → *ratified* or *not ratified*.

A question reaches a council from an assembly's adopted proposal, from a lower
council's carried question, or from its delegates. A question may carry an ``effect``
on the council itself (join or leave a higher council, send or recall a delegate to
it), applied when it is carried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.audit.services import audit_append
from bloc.confederation import councils as council_services
from bloc.confederation import rollup
from bloc.confederation.models import (
    AssemblyVote,
    AssemblyVoteKind,
    Council,
    Delegate,
    DelegateVote,
    Position,
    Question,
    QuestionState,
    Seat,
)
from bloc.confederation.notifications import notify_delegates_voting
from bloc.confederation.rollup import (
    as_json,
    core_council,
    member_counts,
    question_roll_up,
    roll_up,
)
from bloc.confederation.tree import load_tree
from bloc.core import confederation as core
from bloc.core import proposals as proposal_rules
from bloc.core import ranked_mandates as ranked
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from bloc.decisions.models import Poll, Proposal
from bloc.decisions.polls import poll_create, poll_sync
from bloc.decisions.recalls import recall_rule
from bloc.decisions.signals import question_decided
from bloc.institutions.models import Institution
from bloc.validation import clean_text

EFFECTS = ("join", "leave", "send", "recall")


def _future(field: str, when: datetime | None) -> None:
    if when is None or when <= timezone.now():
        raise ValidationFailed.for_field(field, _("Choose a time in the future."))


def question_create(
    *,
    actor: object,
    council: Council,
    title: str,
    body: str = "",
    mandates_close_at: datetime | None = None,
    effect: dict[str, int] | None = None,
    options: Sequence[str] = (),
    origin_proposal: Proposal | None = None,
    origin_question: Question | None = None,
    check_permission: bool = True,
) -> Question:
    """Put a question to the council. With ``mandates_close_at`` every assembly below it
    first decides its mandate by a poll closing then; without, the delegates vote now.
    With ``options`` the council ranks them (assemblies rank them by Schulze's method)
    instead of deciding for or against."""
    if check_permission:
        permissions.require(actor, "council.convene", council)
    title = clean_text("title", title, 200, required=_("Give the question a title."))
    body = clean_text("body", body, 20000)
    effect = dict(effect or {})
    if effect:
        _check_effect(council, effect)
    options = _clean_options(options)
    if options and effect:
        raise ValidationFailed.for_field(
            "options", _("A question that changes the council is decided for or against.")
        )
    if mandates_close_at is not None:
        _future("mandates_close_at", mandates_close_at)
    tree = load_tree(council.chapter_id)
    assemblies = tree.assemblies_below(council.pk)
    if not assemblies:
        raise Conflict(_("Nobody sits in this council yet."), code="empty_council")
    with transaction.atomic():
        question = Question.objects.create(
            council=council,
            title=title,
            body=body,
            effect=effect,
            options=options,
            origin_proposal=origin_proposal,
            origin_question=origin_question,
            state=QuestionState.MANDATING if mandates_close_at else QuestionState.VOTING,
            mandates_close_at=mandates_close_at,
            voting_opened_at=None if mandates_close_at else timezone.now(),
            mandates=None if mandates_close_at else {},
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_append(
            actor=actor,
            action="council.question",
            subject=question,
            data={
                "council": council.slug,
                "title": title,
                "effect": effect,
                "options": options,
                "proposal": origin_proposal.pk if origin_proposal else None,
                "from_question": origin_question.pk if origin_question else None,
            },
        )
        if mandates_close_at is not None:
            _send_down(actor, question, assemblies, AssemblyVoteKind.MANDATE, mandates_close_at)
        else:
            transaction.on_commit(lambda: notify_delegates_voting(question))
    return question


MAX_OPTIONS = 12


def _clean_options(options: Sequence[str]) -> list[str]:
    names = [clean_text("options", o, 200) for o in options]
    names = [n for n in names if n]
    if not names:
        return []
    if len(names) < 2 or len(names) > MAX_OPTIONS:
        raise ValidationFailed.for_field(
            "options", _("A ranked question has from 2 to %(n)s options.") % {"n": MAX_OPTIONS}
        )
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationFailed.for_field("options", _("Each option must be different."))
    return names


def winner_name(question: Question) -> str | None:
    """A ranked question's option the council put first alone, once decided."""
    first = (
        ranked.winner(rollup.from_json({"c": question.decision})["c"].ranking)
        if (question.options and question.decision)
        else None
    )
    return None if first is None else question.options[first]


#: Polls opened in the request that sends a question down; the rest, by the tick.
FANOUT_AT_ONCE = 200
#: Polls each ``bloc polls tick`` opens for one question (about 20 ms each).
FANOUT_PER_TICK = 1000


def _send_down(
    actor: object, question: Question, assemblies: list[int], kind: str, closes_at: datetime
) -> None:
    """A poll in every assembly below the council (a mandate or a ratification): the
    first ``FANOUT_AT_ONCE`` now, the others by ``bloc polls tick`` (``fanout_continue``)
    so that sending a question to thousands of assemblies fits in a request."""
    now, later = assemblies[:FANOUT_AT_ONCE], assemblies[FANOUT_AT_ONCE:]
    _open_polls(actor, question, now, kind, closes_at)
    if later:
        question.fanout = {
            "kind": kind,
            "closes_at": closes_at.isoformat(),
            "left": later,
            "total": len(assemblies),
        }
        question.save(update_fields=["fanout"])


def fanout_continue(question: Question, *, most: int | None = None) -> int:
    """Open the next polls of a question sent down to many assemblies; returns how many.

    Assemblies still waiting when the polls have already closed get none (they took no
    position); the audit log records how many."""
    with transaction.atomic():
        locked = Question.objects.select_for_update().select_related("council").get(pk=question.pk)
        if not locked.fanout:
            return 0
        data = dict(locked.fanout)
        closes_at = datetime.fromisoformat(data["closes_at"])
        batch, rest = (
            data["left"][: most or FANOUT_PER_TICK],
            data["left"][most or FANOUT_PER_TICK :],
        )
        if closes_at <= timezone.now() + FANOUT_MARGIN:
            audit_append(
                actor=SYSTEM,
                action="council.fanout_missed",
                subject=locked,
                data={"kind": data["kind"], "assemblies": len(data["left"])},
            )
            batch, rest = [], []
        _open_polls(SYSTEM, locked, batch, data["kind"], closes_at)
        locked.fanout = {**data, "left": rest} if rest else None
        locked.save(update_fields=["fanout"])
    question.fanout = locked.fanout
    return len(batch)


#: A poll opened later than this before its close would leave no time to vote.
FANOUT_MARGIN = timedelta(minutes=1)


def _open_polls(
    actor: object, question: Question, assemblies: list[int], kind: str, closes_at: datetime
) -> None:
    if kind == AssemblyVoteKind.MANDATE:
        title = _("Our mandate to %(council)s: %(title)s") % {
            "council": question.council.name,
            "title": question.title,
        }
    elif question.options:
        title = _("Ratify %(council)s's decision: %(title)s — %(option)s") % {
            "council": question.council.name,
            "title": question.title,
            "option": winner_name(question),
        }
    else:
        title = _("Ratify %(council)s's decision: %(title)s") % {
            "council": question.council.name,
            "title": question.title,
        }
    ranked_mandate = kind == AssemblyVoteKind.MANDATE and bool(question.options)
    for institution in Institution.objects.filter(pk__in=assemblies).select_related("chapter"):
        poll = poll_create(
            actor=actor,
            institution=institution,
            title=title[:200],
            description=question.body,
            # A ranked mandate is a ranked poll counted by Schulze's method (the order
            # of its strongest paths is the assembly's ranking).
            rule="schulze" if ranked_mandate else recall_rule(institution),
            options=question.options if ranked_mandate else (),
            secret=True,
            opens_at=timezone.now(),
            closes_at=closes_at,
            check_permission=False,
            # Thousands of assemblies' emails are sent by `bloc polls tick`, not here.
            announce_at_once=False,
        )
        AssemblyVote.objects.create(
            kind=kind,
            institution=institution,
            council=question.council,
            poll=poll,
            question=question,
        )


def _still_sending() -> Conflict:
    return Conflict(
        _("The question is still being sent to the assemblies; try again in a few minutes."),
        code="still_sending",
    )


def _check_effect(council: Council, effect: dict[str, Any]) -> None:
    keys = set(effect)
    if len(keys) != 1 or not keys <= set(EFFECTS):
        raise ValidationFailed.for_field("effect", _("Unknown effect."))
    tree = load_tree(council.chapter_id)
    if "join" in effect:
        target = Council.objects.filter(pk=effect["join"], chapter_id=council.chapter_id).first()
        if target is None:
            raise ValidationFailed.for_field("effect", _("There is no such council."))
        problem = council_services.join_problem(tree, target, council)
        if problem is not None:
            raise problem
    elif "leave" in effect:
        if council_services.seat_of(Council(pk=effect["leave"]), council) is None:
            raise Conflict(_("This council does not sit there."), code="not_seated")
    else:
        seat = Seat.objects.filter(member_council=council, left_at=None).first()
        if seat is None:
            raise Conflict(
                _("This council does not sit in a higher council yet."), code="not_seated"
            )
        if "send" in effect:
            if not Delegate.objects.filter(
                council=council, user_id=effect["send"], ended_on=None
            ).exists():
                raise ValidationFailed.for_field(
                    "effect", _("A council sends one of its own delegates.")
                )
        elif not Delegate.objects.filter(pk=effect["recall"], seat=seat, ended_on=None).exists():
            raise ValidationFailed.for_field("effect", _("No such delegate sits for this council."))


def _apply_effect(question: Question) -> str:
    council = question.council
    effect = question.effect
    try:
        if "join" in effect:
            council_services.seat_add(
                actor=SYSTEM, council=Council.objects.get(pk=effect["join"]), member=council
            )
            return "joined"
        if "leave" in effect:
            seat = council_services.seat_of(Council(pk=effect["leave"]), council)
            if seat is not None:
                council_services.seat_remove(actor=SYSTEM, seat=seat)
            return "left"
        seat = Seat.objects.get(member_council=council, left_at=None)
        if "send" in effect:
            user = get_user_model().objects.get(pk=effect["send"])
            council_services.delegate_add(actor=SYSTEM, seat=seat, user=user)
            return "sent"
        delegate = Delegate.objects.get(pk=effect["recall"])
        council_services.delegate_end(actor=SYSTEM, delegate=delegate, reason="recalled")
        return "recalled"
    except Conflict as problem:
        question.effect_refused = problem.message[:500]
    except (Seat.DoesNotExist, Delegate.DoesNotExist):
        question.effect_refused = _("The council no longer sits there, or the delegate is gone.")
    question.save(update_fields=["effect_refused"])
    return "refused"


def question_from_proposal(
    *,
    actor: object,
    proposal: Proposal,
    council: Council,
    mandates_close_at: datetime | None = None,
) -> Question:
    """Send an assembly's adopted proposal to a council it sits in (rising from below)."""
    institution = proposal.institution
    permissions.require(actor, "council.assembly_vote", institution)
    if proposal.state not in (proposal_rules.ADOPTED, proposal_rules.CARRIED_OUT):
        raise Conflict(_("Only an adopted proposal can be sent to a council."), code="not_adopted")
    if council_services.seat_of(council, institution) is None:
        raise Conflict(
            _("%(name)s does not sit in this council.") % {"name": institution.name},
            code="not_seated",
        )
    if Question.objects.filter(council=council, origin_proposal=proposal).exists():
        raise Conflict(_("This proposal is already before the council."), code="already_sent")
    return question_create(
        actor=actor,
        council=council,
        title=proposal.title,
        body=proposal.body,
        mandates_close_at=mandates_close_at,
        origin_proposal=proposal,
        check_permission=False,
    )


def question_send_up(
    *, actor: object, question: Question, mandates_close_at: datetime | None = None
) -> Question:
    """Send a lower council's carried question to the council it sits in."""
    permissions.require(actor, "council.convene", question.council)
    if question.state not in (QuestionState.CARRIED, QuestionState.RATIFIED):
        raise Conflict(_("Only a carried question can be sent up."), code="not_carried")
    seat = Seat.objects.filter(member_council=question.council, left_at=None).first()
    if seat is None:
        raise Conflict(_("This council does not sit in a higher council yet."), code="not_seated")
    if Question.objects.filter(council=seat.council, origin_question=question).exists():
        raise Conflict(_("This question is already before that council."), code="already_sent")
    return question_create(
        actor=actor,
        council=seat.council,
        title=question.title,
        body=question.body,
        options=question.options,  # a ranked question stays ranked above
        mandates_close_at=mandates_close_at,
        origin_question=question,
        check_permission=False,
    )


def _sync_polls(question: Question, kind: str, until: datetime | None) -> None:
    """Count the question's polls that are due (nobody may have looked at them)."""
    if until is None or timezone.now() < until:
        return
    for poll in Poll.objects.filter(
        assembly_vote__question=question,
        assembly_vote__kind=kind,
        closed_at=None,
        cancelled_at=None,
    ):
        poll_sync(poll)


def voting_open(*, actor: object, question: Question) -> Question:
    """Close the mandates and let the delegates vote."""
    permissions.require(actor, "council.convene", question.council)
    if question.state != QuestionState.MANDATING:
        raise Conflict(_("The delegates are not waiting for mandates."), code="not_mandating")
    if question.fanout:
        raise _still_sending()
    waiting = AssemblyVote.objects.filter(
        question=question,
        kind=AssemblyVoteKind.MANDATE,
        poll__closed_at=None,
        poll__cancelled_at=None,
    )
    # Before the deadline only if every assembly has already decided.
    if (
        question.mandates_close_at
        and timezone.now() < question.mandates_close_at
        and waiting.exists()
    ):
        raise Conflict(
            _("The assemblies have until %(when)s to decide their mandates.")
            % {"when": timezone.localtime(question.mandates_close_at).strftime("%Y-%m-%d %H:%M")},
            code="mandates_open",
        )
    _sync_polls(question, AssemblyVoteKind.MANDATE, question.mandates_close_at)
    results = question_roll_up(question, AssemblyVoteKind.MANDATE)
    council_node = f"c{question.council_id}"
    mandates = rollup.plain(dict(results[council_node].counted)) if council_node in results else {}
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if locked.state != QuestionState.MANDATING:
            raise Conflict(_("The delegates are not waiting for mandates."), code="not_mandating")
        locked.state = QuestionState.VOTING
        locked.voting_opened_at = timezone.now()
        locked.mandates = mandates
        locked.ratification = {"mandates": as_json(results)}
        locked.save(update_fields=["state", "voting_opened_at", "mandates", "ratification"])
        audit_append(
            actor=actor, action="council.voting_open", subject=locked, data={"mandates": mandates}
        )
        transaction.on_commit(lambda: notify_delegates_voting(locked))
    return locked


def delegate_vote(
    *,
    actor: object,
    question: Question,
    position: str = "",
    ranking: Sequence[Sequence[int]] | None = None,
) -> DelegateVote:
    """A sitting delegate votes (or changes their vote) while the council votes: a
    position, or for a ranked question a ranking (tiers of option indices, best first)."""
    tiers: list[list[int]] | None = None
    if question.options:
        if not ranking or not any(ranking):
            raise ValidationFailed.for_field("ranking", _("Rank the options."))
        try:
            normalised = ranked.normal(ranking, len(question.options))
        except (ValueError, TypeError):
            raise ValidationFailed.for_field(
                "ranking", _("Give each option one rank, with 1 for the one you prefer.")
            ) from None
        tiers = [list(t) for t in normalised]
        position = ""
    elif position not in Position.values:
        raise ValidationFailed.for_field("position", _("Choose for, against or abstain."))
    today = timezone.localdate()
    delegate = (
        Delegate.objects.filter(
            council_id=question.council_id,
            user_id=getattr(actor, "pk", None),
            ended_on=None,
            starts_on__lte=today,
            ends_on__gt=today,
        )
        .select_related("seat")
        .first()
    )
    if delegate is None:
        raise PermissionDenied(
            _("Only a sitting delegate to this council can vote in it."), code="not_a_delegate"
        )
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if locked.state != QuestionState.VOTING:
            raise Conflict(_("The council is not voting on this question."), code="not_voting")
        mandate = (locked.mandates or {}).get(delegate.seat.node) or ""
        defaults: dict[str, Any] = {"position": position, "cast_at": timezone.now()}
        if tiers is not None:
            defaults |= {"ranking": tiers, "mandate_ranking": mandate or None, "mandate": ""}
        else:
            defaults["mandate"] = mandate
        vote, created = DelegateVote.objects.update_or_create(
            question=locked, delegate=delegate, defaults=defaults
        )
        audit_append(
            actor=actor,
            action="council.vote",
            subject=locked,
            data={
                "delegate": delegate.pk,
                "position": position,
                "ranking": tiers,
                "mandate": mandate,
                "changed": not created,
            },
        )
    return vote


def member_position(positions: list[str]) -> str | None:
    """A member's position from its delegates' votes: the majority of them."""
    if not positions:
        return None
    tally = Counter(positions)
    if tally[core.FOR] > tally[core.AGAINST]:
        return core.FOR
    if tally[core.AGAINST] > tally[core.FOR]:
        return core.AGAINST
    return core.ABSTAIN


def council_result(question: Question) -> Any:
    """The council's result from its delegates' votes, under its rule and quorum: a
    ``NodeResult``, or a ``RankedResult`` for a ranked question."""
    council = question.council
    tree = load_tree(council.chapter_id)
    node = f"c{council.pk}"
    weights = member_counts(tree.assemblies_below(council.pk))
    everyone = roll_up(tree, council.pk, {}, weights)
    by_member: dict[str, list[Any]] = {m: [] for m in tree.children.get(node, [])}
    for vote in DelegateVote.objects.filter(question=question).select_related("delegate__seat"):
        by_member.setdefault(vote.delegate.seat.node, []).append(
            ranked.normal(vote.ranking, len(question.options))
            if question.options
            else vote.position
        )
    members = tuple(by_member)

    def weight(m: str) -> int:
        return everyone[m].weight if m in everyone else 0

    if question.options:
        n = len(question.options)
        if not members:
            return ranked.RankedResult(None, 0, quorum_met=False)
        below_ranked = [
            (
                m,
                ranked.RankedResult(
                    ranked.combine([(r, 1) for r in by_member[m]], n) if by_member[m] else None,
                    weight(m),
                ),
            )
            for m in members
        ]
        return ranked.decide_ranked(core_council(council, members), below_ranked, n)
    if not members:
        return core.NodeResult(None, 0, quorum_met=False)
    below = [(m, core.NodeResult(member_position(by_member[m]), weight(m))) for m in members]
    return core.decide(core_council(council, members), below)


def question_close(*, actor: object, question: Question) -> Question:
    """Close the delegates' vote: carried or not under the council's rule and quorum."""
    permissions.require(actor, "council.convene", question.council)
    result = council_result(question)
    with transaction.atomic():
        locked = Question.objects.select_for_update().select_related("council").get(pk=question.pk)
        if locked.state != QuestionState.VOTING:
            raise Conflict(_("The council is not voting on this question."), code="not_voting")
        if question.options:  # ranked: carried when one option comes first alone
            carried = ranked.winner(result.ranking) is not None
        else:
            carried = result.position == core.FOR
        locked.state = QuestionState.CARRIED if carried else QuestionState.NOT_CARRIED
        locked.decided_at = timezone.now()
        locked.decision = as_json({"council": result})["council"]
        locked.save(update_fields=["state", "decided_at", "decision"])
        applied = _apply_effect(locked) if carried and locked.effect else ""
        audit_append(
            actor=actor,
            action="council.decide",
            subject=locked,
            data={"carried": carried, "effect": applied},
        )
        question_decided.send(sender=Question, question=locked)
    return locked


def ratification_send(*, actor: object, question: Question, closes_at: datetime) -> Question:
    """Send a carried question down to every assembly below the council to ratify."""
    permissions.require(actor, "council.convene", question.council)
    _future("closes_at", closes_at)
    if question.state != QuestionState.CARRIED:
        raise Conflict(
            _("Only a carried question can be sent for ratification."), code="not_carried"
        )
    assemblies = load_tree(question.council.chapter_id).assemblies_below(question.council_id)
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if locked.state != QuestionState.CARRIED:
            raise Conflict(
                _("Only a carried question can be sent for ratification."), code="not_carried"
            )
        locked.state = QuestionState.RATIFYING
        locked.ratify_closes_at = closes_at
        locked.save(update_fields=["state", "ratify_closes_at"])
        audit_append(
            actor=actor,
            action="council.ratify_send",
            subject=locked,
            data={"assemblies": len(assemblies), "closes_at": closes_at.isoformat()},
        )
        _send_down(actor, locked, assemblies, AssemblyVoteKind.RATIFY, closes_at)
    return locked


def ratification_sync(question: Question) -> Question:
    """Count what is due; once every assembly's poll is counted, record the result."""
    if question.state != QuestionState.RATIFYING:
        return question
    _sync_polls(question, AssemblyVoteKind.RATIFY, question.ratify_closes_at)
    return ratification_finish(question)


def ratification_finish(question: Question) -> Question:
    if Question.objects.filter(pk=question.pk, fanout__isnull=False).exists():
        return question  # some assemblies have not even got their poll yet
    pending = AssemblyVote.objects.filter(
        question=question,
        kind=AssemblyVoteKind.RATIFY,
        poll__closed_at=None,
        poll__cancelled_at=None,
    )
    if pending.exists():
        return question
    results = question_roll_up(question, AssemblyVoteKind.RATIFY)
    root = results[f"c{question.council_id}"]
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if locked.state != QuestionState.RATIFYING:
            return locked
        ratified = root.position == core.FOR
        locked.state = QuestionState.RATIFIED if ratified else QuestionState.NOT_RATIFIED
        locked.ratified_at = timezone.now()
        data = dict(locked.ratification or {})
        data["ratify"] = as_json(results)
        locked.ratification = data
        locked.save(update_fields=["state", "ratified_at", "ratification"])
        audit_append(
            actor=SYSTEM,
            action="council.ratified",
            subject=locked,
            data={"ratified": ratified, "assemblies_for": root.assemblies_for},
        )
    return locked
