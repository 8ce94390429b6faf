"""Casting a ballot online: one person one vote, secret or open, with a receipt.

One person one vote is the database's job: ``Participation`` is unique per poll and
member, so of any number of simultaneous submissions by one member exactly one is
stored and the others are refused (``already_voted``). A secret ballot is stored in
the same transaction as the participation but in a separate table with nothing
linking the two; the voter's receipt (a hash of the ballot and a random nonce) is
shown to them once and never stored beside their name.

An open ballot may be changed until the poll closes when the bylaws allow it: the
member's row is locked and rewritten, so the last submission to commit is the one
counted, also under concurrency.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc.accounts.services import vote_check_rate, vote_record_rate
from bloc.audit.services import audit_append
from bloc.core import ballot_entry, proposals
from bloc.core.ballot_entry import APPROVAL, CHOICE, RANKED, BallotForm, BallotProblem
from bloc.core.errors import Conflict, PermissionDenied
from bloc.decisions.messages import ballot_problem
from bloc.decisions.models import (
    Channel,
    EligibleVoter,
    OpenBallot,
    Participation,
    Poll,
    SecretBallot,
)
from bloc.decisions.polls import phase, poll_sync, spec_of
from bloc.institutions.selectors import bylaws_settings
from bloc.permissions import is_person


@dataclass(frozen=True)
class Cast:
    receipt: str
    content: str
    changed: bool  # an open ballot replaced the member's earlier one


def _whole(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BallotProblem("unknown_option")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BallotProblem("unknown_option") from None


def check_ballot(form: BallotForm, data: Any) -> str:
    """The canonical text of what a voter submitted, or ``ValidationFailed``.

    ``data`` by kind: ``choice`` an option position; ``ranked`` a mapping of
    position to rank (``None`` unranked); ``approval`` a list of positions; ``score``
    a mapping of position to score (``None`` blank). Positions and values may be
    strings, as forms send them.
    """
    try:
        ballot: ballot_entry.Ballot
        if form.kind == CHOICE:
            ballot = ballot_entry.check_choice(form, _whole(data))
        elif form.kind == RANKED:
            ballot = ballot_entry.check_ranked(form, _positions(data))
        elif form.kind == APPROVAL:
            if not isinstance(data, Iterable) or isinstance(data, str | bytes | Mapping):
                raise BallotProblem("unknown_option")
            chosen = [_whole(item) for item in data]
            ballot = ballot_entry.check_approval(form, [c for c in chosen if c is not None])
        else:
            ballot = ballot_entry.check_score(form, _positions(data))
    except BallotProblem as problem:
        raise ballot_problem(problem) from None
    return ballot_entry.encode(form, ballot)


def _positions(data: Any) -> dict[int, int | None]:
    if not isinstance(data, Mapping):
        raise BallotProblem("unknown_option")
    out: dict[int, int | None] = {}
    for key, value in data.items():
        position = _whole(key)
        if position is None:
            raise BallotProblem("unknown_option")
        out[position] = _whole(value)
    return out


def voting_refusal(poll: Poll, actor: object) -> PermissionDenied | Conflict | None:
    """Why ``actor`` cannot vote online in ``poll`` now, or ``None`` if they can (which
    includes changing an open ballot cast online, when the bylaws allow it)."""
    if not is_person(actor):
        return PermissionDenied(_("Log in to vote."), code="login_required")
    now_phase = phase(poll)
    if poll.cancelled_at is not None:
        return Conflict(_("This poll was cancelled."), code="poll_cancelled")
    if now_phase == proposals.SCHEDULED:
        return Conflict(
            _("Voting has not opened yet; it opens %(when)s.")
            % {"when": timezone.localtime(poll.opens_at).strftime("%Y-%m-%d %H:%M")},
            code="not_open_yet",
        )
    if now_phase == proposals.CLOSED:
        return Conflict(_("Voting has closed."), code="poll_closed")
    if not EligibleVoter.objects.filter(poll=poll, user_id=actor.pk).exists():  # type: ignore[attr-defined]
        return PermissionDenied(
            _(
                "You are not on this poll's list of voters: it lists the verified "
                "members at the time it opened."
            ),
            code="not_eligible",
        )
    channel = (
        Participation.objects.filter(poll=poll, user_id=actor.pk)  # type: ignore[attr-defined]
        .values_list("channel", flat=True)
        .first()
    )
    if channel is not None and not (
        channel == Channel.ONLINE
        and not poll.secret
        and bylaws_settings(institution=poll.institution).vote_change_allowed
    ):
        return _already_voted(poll, actor.pk)  # type: ignore[attr-defined]
    return None


def vote(*, actor: object, poll: Poll, data: Any, limit_rate: bool = False) -> Cast:
    """Cast (or, where allowed, change) ``actor``'s ballot; returns its receipt.

    ``limit_rate``: the front doors people and scripts use (pages, API) count the
    vote against the account's limit (``vote_check_rate``), refused with
    ``Throttled`` before anything is written; the demo loader and tests do not.
    """
    poll_sync(poll)
    refusal = voting_refusal(poll, actor)
    if refusal is not None:
        raise refusal
    if limit_rate:
        vote_check_rate(actor=actor)
    form = spec_of(poll).form()
    content = check_ballot(form, data)
    nonce = secrets.token_bytes(16)
    receipt = ballot_entry.receipt(content, nonce)
    user_id = actor.pk  # type: ignore[attr-defined]
    with transaction.atomic():
        # Lock the poll's row and check the time again: closing takes the same lock,
        # so a ballot is either stored before the count or refused, never lost.
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if phase(locked) != proposals.OPEN:
            raise Conflict(_("Voting has closed."), code="poll_closed")
        if limit_rate:
            # Rolled back with the vote if it is refused (already voted ...).
            vote_record_rate(actor=actor)
        try:
            with transaction.atomic():
                Participation.objects.create(poll=poll, user_id=user_id, channel=Channel.ONLINE)
        except IntegrityError:
            if poll.secret:
                raise _already_voted(poll, user_id) from None
            return _change_open_ballot(actor, poll, content, nonce, receipt)
        if poll.secret:
            SecretBallot.objects.create(
                poll=poll, content=content, nonce=nonce.hex(), receipt=receipt
            )
            # Who voted is recorded; what they voted, and their receipt, never with it.
            audit_append(actor=actor, action="poll.vote", subject=poll, data={"secret": True})
        else:
            OpenBallot.objects.create(
                poll=poll,
                user_id=user_id,
                content=content,
                nonce=nonce.hex(),
                receipt=receipt,
                cast_at=timezone.now(),
            )
            audit_append(
                actor=actor,
                action="poll.vote",
                subject=poll,
                data={"secret": False, "ballot": content, "receipt": receipt},
            )
    return Cast(receipt, content, changed=False)


def _already_voted(poll: Poll, user_id: int) -> Conflict:
    channel = (
        Participation.objects.filter(poll=poll, user_id=user_id)
        .values_list("channel", flat=True)
        .first()
    )
    if channel == Channel.IN_PERSON:
        return Conflict(
            _("You voted in person in this poll (you are checked off on the roster)."),
            code="voted_in_person",
        )
    return Conflict(_("You have already voted in this poll."), code="already_voted")


def _change_open_ballot(
    actor: object, poll: Poll, content: str, nonce: bytes, receipt: str
) -> Cast:
    user_id = actor.pk  # type: ignore[attr-defined]
    ballot = OpenBallot.objects.select_for_update().filter(poll=poll, user_id=user_id).first()
    if ballot is None:  # checked off on the roster, or a vote still committing elsewhere
        raise _already_voted(poll, user_id)
    if not bylaws_settings(institution=poll.institution).vote_change_allowed:
        raise Conflict(
            _("You have already voted, and the bylaws do not let a vote be changed."),
            code="already_voted",
        )
    ballot.content = content
    ballot.nonce = nonce.hex()
    ballot.receipt = receipt
    ballot.cast_at = timezone.now()
    ballot.changes += 1
    ballot.save(update_fields=["content", "nonce", "receipt", "cast_at", "changes"])
    audit_append(
        actor=actor,
        action="poll.vote_change",
        subject=poll,
        data={"ballot": content, "receipt": receipt},
    )
    return Cast(receipt, content, changed=True)


def has_voted(poll: Poll, actor: object) -> bool:
    return (
        is_person(actor)
        and Participation.objects.filter(
            poll=poll,
            user_id=actor.pk,  # type: ignore[attr-defined]
        ).exists()
    )
