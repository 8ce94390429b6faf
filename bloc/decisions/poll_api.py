"""The polls' part of the JSON API (mounted under /api/v1/institutions).

Every route brings the poll up to date first (``poll_sync``: open or count it if
due), so a result is there as soon as the closing time has passed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.core.errors import Conflict, DomainError, NotFound
from bloc.decisions import polls, voting
from bloc.decisions.models import Poll
from bloc.institutions.models import Institution
from bloc.institutions.selectors import institution_get

router = Router(tags=["polls"])


class PollIn(Schema):
    title: str = Field(max_length=polls.TITLE_MAX_LENGTH)
    description: str = ""
    rule: str = Field(description="A rule of `bloc tally` (majority, irv, stv, approval, …).")
    options: list[str] = Field(
        default_factory=list, description="Options or candidates; motions have fixed options."
    )
    seats: int = 1
    secret: bool = True
    opens_at: datetime
    closes_at: datetime
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="Rule settings: threshold, max_approvals, min_approvals, low, high, by, "
        "rank_all, seed.",
    )


class PollOut(Schema):
    id: int
    title: str
    rule: str
    seats: int
    secret: bool
    phase: str = Field(description="scheduled, open or closed (a cancelled poll is closed).")
    cancelled: bool
    opens_at: datetime
    closes_at: datetime
    outcome: str | None = Field(
        description="adopted, rejected, elected, tied or no_quorum; null until counted."
    )


class OptionOut(Schema):
    position: int = Field(description="The number a ballot refers to this option by.")
    name: str


class RefusalOut(Schema):
    code: str
    message: str


class PollDetailOut(PollOut):
    description: str
    parameters: dict[str, Any]
    options: list[OptionOut]
    ballot_kind: str = Field(description="choice, ranked, approval or score.")
    electorate: int | None = Field(description="Members on the list of voters (once open).")
    quorum: int = Field(description="Ballots needed, from the bylaws (0: no quorum).")
    may_vote: bool
    refusal: RefusalOut | None = Field(description="Why the caller cannot vote now.")
    has_voted: bool


class VoteIn(Schema):
    ballot: Any = Field(
        description='choice: a position; ranked: {"position": rank}; approval: [positions]; '
        'score: {"position": score}.'
    )


class VoteOut(Schema):
    receipt: str = Field(description="Find it in the published ballot list after close.")
    ballot: str = Field(description="The ballot as stored and published (canonical text).")
    changed: bool = Field(description="An open ballot replaced the caller's earlier one.")


class ResultOut(Schema):
    outcome: str
    winners: list[str]
    turnout: int = Field(description="Ballots counted, empty ones included.")
    quorum: int
    quorum_met: bool
    electorate: int | None
    result: dict[str, Any] = Field(description="The tally engine's full result.")
    command: str = Field(description="The `bloc tally` command that reproduces the result.")


class CancelIn(Schema):
    reason: str = Field(max_length=500)


def _aware(moment: datetime) -> datetime:
    # A time sent without an offset is read in the site's time zone, as the pages do.
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _institution(request: HttpRequest, slug: str) -> Institution:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "decisions.view", institution)
    return institution


def _poll(request: HttpRequest, slug: str, poll_id: int) -> Poll:
    institution = _institution(request, slug)
    poll = Poll.objects.filter(institution=institution, pk=poll_id).first()
    if poll is None:
        raise NotFound(_("There is no such poll."))
    return polls.poll_sync(poll)


def _summary(poll: Poll) -> dict[str, Any]:
    return {
        "id": poll.pk,
        "title": poll.title,
        "rule": poll.rule,
        "seats": poll.seats,
        "secret": poll.secret,
        "phase": polls.phase(poll),
        "cancelled": poll.cancelled_at is not None,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "outcome": poll.outcome if poll.closed_at is not None else None,
    }


def _refusal(poll: Poll, actor: Any) -> DomainError | None:
    return voting.voting_refusal(poll, actor)


def _detail(request: HttpRequest, poll: Poll) -> PollDetailOut:
    refusal = _refusal(poll, request.user)
    return PollDetailOut(
        **_summary(poll),
        description=poll.description,
        parameters=dict(poll.parameters),
        options=[OptionOut(position=o.position, name=o.name) for o in poll.options.all()],
        ballot_kind=polls.spec_of(poll).kind,
        electorate=poll.electorate,
        quorum=poll.quorum,
        may_vote=refusal is None,
        refusal=None if refusal is None else RefusalOut(code=refusal.code, message=refusal.message),
        has_voted=voting.has_voted(poll, request.user),
    )


def _counted(poll: Poll) -> Poll:
    """The poll, if it has been counted; a clear refusal otherwise."""
    if poll.cancelled_at is not None:
        raise Conflict(_("This poll was cancelled; it has no result."), code="poll_cancelled")
    if poll.closed_at is None:
        raise Conflict(
            _("The result and the ballots are published when the poll closes."),
            code="poll_not_closed",
        )
    return poll


@router.get("/{slug}/polls", response=list[PollOut], auth=optional_auth, summary="Polls")
def poll_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    institution = _institution(request, slug)
    return [_summary(polls.poll_sync(p)) for p in Poll.objects.filter(institution=institution)]


@router.post("/{slug}/polls", response={201: PollDetailOut}, summary="Set up a poll")
def poll_create(request: HttpRequest, slug: str, payload: PollIn) -> Status:
    institution = _institution(request, slug)
    poll = polls.poll_create(
        actor=request.user,
        institution=institution,
        title=payload.title,
        description=payload.description,
        rule=payload.rule,
        options=payload.options,
        seats=payload.seats,
        secret=payload.secret,
        opens_at=_aware(payload.opens_at),
        closes_at=_aware(payload.closes_at),
        parameters=payload.parameters,
    )
    return Status(201, _detail(request, poll))


@router.get(
    "/{slug}/polls/{poll_id}",
    response=PollDetailOut,
    auth=optional_auth,
    summary="A poll: its options and whether you may vote",
)
def poll_detail(request: HttpRequest, slug: str, poll_id: int) -> PollDetailOut:
    return _detail(request, _poll(request, slug, poll_id))


@router.post("/{slug}/polls/{poll_id}/vote", response=VoteOut, summary="Vote")
def poll_vote(request: HttpRequest, slug: str, poll_id: int, payload: VoteIn) -> VoteOut:
    poll = _poll(request, slug, poll_id)
    cast = voting.vote(actor=request.user, poll=poll, data=payload.ballot, limit_rate=True)
    return VoteOut(receipt=cast.receipt, ballot=cast.content, changed=cast.changed)


@router.get(
    "/{slug}/polls/{poll_id}/result",
    response=ResultOut,
    auth=optional_auth,
    summary="The result, once the poll has closed",
)
def poll_result(request: HttpRequest, slug: str, poll_id: int) -> ResultOut:
    poll = _counted(_poll(request, slug, poll_id))
    result = dict(poll.result or {})
    names = result.get("candidates", {})
    turnout = int(result.get("total_ballots", 0))
    return ResultOut(
        outcome=poll.outcome,
        winners=[names[str(w)] for w in result.get("winners", [])],
        turnout=turnout,
        quorum=poll.quorum,
        quorum_met=turnout >= poll.quorum,
        electorate=poll.electorate,
        result=result,
        command=polls.spec_of(poll).command(
            f"poll-{poll.pk}.json", quorum=poll.quorum, electorate=poll.electorate
        ),
    )


@router.get(
    "/{slug}/polls/{poll_id}/ballots",
    response=dict[str, Any],
    auth=optional_auth,
    summary="The published ballots (bloc-ballots JSON), once the poll has closed",
)
def poll_ballots(request: HttpRequest, slug: str, poll_id: int) -> dict[str, Any]:
    poll = _counted(_poll(request, slug, poll_id))
    return json.loads(poll.ballots_file)


@router.post("/{slug}/polls/{poll_id}/cancel", response=PollOut, summary="Cancel a poll")
def poll_cancel(request: HttpRequest, slug: str, poll_id: int, payload: CancelIn) -> dict[str, Any]:
    poll = _poll(request, slug, poll_id)
    return _summary(polls.poll_cancel(actor=request.user, poll=poll, reason=payload.reason))
