"""A poll's life: set up, opened (the electorate snapshotted), closed and counted.

Polls open and close at their set times. Nothing has to run at that instant:
``poll_sync`` does whatever is due (snapshot the voters, count the ballots) and is
called by every page, API call and vote that touches the poll, and by
``bloc polls tick`` (run it every minute from cron or a systemd timer so that the
emails go out on time and results are counted even if nobody looks).

The count is made once, at close, from the stored ballots; the result and the
published ballot file are stored with the poll and never change after.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.audit.services import audit_append
from bloc.core import polls as poll_rules
from bloc.core import proposals as proposal_rules
from bloc.core.errors import Conflict, ValidationFailed
from bloc.decisions.messages import spec_problem
from bloc.decisions.models import (
    Amendment,
    EligibleVoter,
    HandCount,
    OpenBallot,
    PaperBatch,
    Poll,
    PollOption,
    Proposal,
    SecretBallot,
)
from bloc.decisions.signals import poll_counted, polls_tick_started
from bloc.institutions.models import Institution
from bloc.institutions.selectors import bylaws_settings
from bloc.membership.models import Membership, RecallPetition

TITLE_MAX_LENGTH = 200


def spec_of(poll: Poll) -> poll_rules.PollSpec:
    names = tuple(poll.options.values_list("name", flat=True))
    return poll_rules.PollSpec(poll.rule, names, poll.seats, dict(poll.parameters))


def phase(poll: Poll, now: datetime | None = None) -> str:
    """``scheduled``, ``open`` or ``closed`` (a cancelled poll is closed)."""
    if poll.closed_at is not None or poll.cancelled_at is not None:
        return proposal_rules.CLOSED
    return proposal_rules.poll_phase(poll.opens_at, poll.closes_at, now or timezone.now())


def poll_create(
    *,
    actor: object,
    institution: Institution,
    title: str,
    rule: str,
    options: Sequence[str] = (),
    seats: int = 1,
    secret: bool = True,
    opens_at: datetime,
    closes_at: datetime,
    parameters: Mapping[str, Any] | None = None,
    description: str = "",
    proposal: Proposal | None = None,
    amendment: Amendment | None = None,
    recall: RecallPetition | None = None,
    check_permission: bool = True,
    announce_at_once: bool = True,
) -> Poll:
    """Set up a poll. Proposals', amendments' and recalls' polls are made by their own
    services (which check their own permission); others need ``poll.create``."""
    if check_permission:
        permissions.require(actor, "poll.create", institution)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed.for_field("title", _("Give the question a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationFailed.for_field(
            "title", _("The title can be at most %(n)s characters.") % {"n": TITLE_MAX_LENGTH}
        )
    # A poll cannot open in the past: its voters are those verified when it opens,
    # and a past opening time would let whoever sets it up choose them after the fact.
    now = timezone.now()
    if closes_at <= now:
        raise ValidationFailed.for_field("closes_at", _("The closing time has already passed."))
    if closes_at <= opens_at:
        raise ValidationFailed.for_field("closes_at", _("A poll must close after it opens."))
    opens_at = max(opens_at, now)
    chosen = {k: v for k, v in dict(parameters or {}).items() if v not in (None, "")}
    chosen.setdefault("seed", secrets.randbelow(2**31))
    try:
        spec = poll_rules.PollSpec.build(rule, options, seats=seats, parameters=chosen)
    except poll_rules.SpecProblem as problem:
        raise spec_problem(problem) from None
    with transaction.atomic():
        poll = Poll.objects.create(
            institution=institution,
            proposal=proposal,
            amendment=amendment,
            recall=recall,
            title=title,
            description=description,
            rule=spec.rule,
            seats=spec.seats,
            secret=secret,
            parameters=dict(spec.parameters),
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            announce_at_once=announce_at_once,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, position=i, name=name) for i, name in enumerate(spec.options)
        )
        audit_append(
            actor=actor,
            action="poll.create",
            subject=poll,
            data={
                "institution": institution.slug,
                "title": title,
                "rule": spec.rule,
                "options": list(spec.options),
                "seats": spec.seats,
                "secret": secret,
                "opens_at": opens_at.isoformat(),
                "closes_at": closes_at.isoformat(),
                "seed": spec.seed,
            },
        )
    poll_sync(poll)
    return poll


def _electorate(institution: Institution, at: datetime) -> list[int]:
    """Users who were verified members at ``at``."""
    return list(
        Membership.objects.filter(institution=institution, verified_at__lte=at)
        .filter(Q(left_at__isnull=True) | Q(left_at__gt=at))
        .values_list("user_id", flat=True)
    )


def poll_sync(poll: Poll, *, now: datetime | None = None) -> Poll:
    """Do what is due: open the poll (snapshot its voters) and close it (count).

    Safe to call from many requests at once: each step locks the poll's row and
    checks again, so each happens exactly once.
    """
    now = now or timezone.now()
    if poll.cancelled_at is not None or poll.closed_at is not None:
        return poll
    if poll.opened_at is None and now >= poll.opens_at:
        _open(poll)
    if poll.closed_at is None and now >= poll.closes_at:
        _close(poll)
    return poll


def _open(poll: Poll) -> None:
    opened = False
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if locked.opened_at is None and locked.cancelled_at is None:
            voters = _electorate(locked.institution, locked.opens_at)
            EligibleVoter.objects.bulk_create(
                EligibleVoter(poll=locked, user_id=user_id) for user_id in voters
            )
            percent = bylaws_settings(institution=locked.institution).quorum_percent
            locked.electorate = len(voters)
            locked.quorum = poll_rules.quorum_ballots(percent, len(voters))
            locked.opened_at = timezone.now()
            locked.save(update_fields=["electorate", "quorum", "opened_at"])
            audit_append(
                actor=SYSTEM,
                action="poll.open",
                subject=locked,
                data={"electorate": locked.electorate, "quorum": locked.quorum},
            )
            opened = True
        poll.refresh_from_db()
    if opened and poll.announce_at_once:
        from bloc.decisions.notifications import notify_poll_opened

        transaction.on_commit(lambda: notify_poll_opened(poll))


def ballots_of(poll: Poll) -> tuple[list[tuple[str, str]], list[poll_rules.Row]]:
    """Every counted ballot: online ``(receipt, content)`` and in-room ``(content, n)``.

    Only ``_close`` and the published-ballot readers call this (after close).
    """
    online = list(SecretBallot.objects.filter(poll=poll).values_list("receipt", "content"))
    online += list(OpenBallot.objects.filter(poll=poll).values_list("receipt", "content"))
    rows: list[poll_rules.Row] = []
    for batch in PaperBatch.objects.filter(
        poll=poll, accepted_at__isnull=False, discarded_at__isnull=True
    ):
        rows += [(content, int(n)) for content, n in batch.first_entry]
    for hands in HandCount.objects.filter(poll=poll, discarded_at__isnull=True):
        rows += [(str(position), int(n)) for position, n in enumerate(hands.counts)]
    return online, rows


def _close(poll: Poll) -> None:
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if locked.closed_at is not None or locked.cancelled_at is not None:
            poll.refresh_from_db()
            return
        spec = spec_of(locked)
        online, rows = ballots_of(locked)
        counted = poll_rules.count(
            spec, online, rows, quorum=locked.quorum, electorate=locked.electorate
        )
        locked.result = counted.result.to_json()
        locked.outcome = counted.outcome
        locked.ballots_file = poll_rules.ballot_file(spec, online, rows, title=locked.title)
        locked.closed_at = timezone.now()
        locked.save(update_fields=["result", "outcome", "ballots_file", "closed_at"])
        audit_append(
            actor=SYSTEM,
            action="poll.close",
            subject=locked,
            data={
                "outcome": counted.outcome,
                "winners": list(counted.result.winner_names),
                "ballots": counted.turnout,
                "quorum": locked.quorum,
                "electorate": locked.electorate,
                "ballots_sha256": hashlib.sha256(locked.ballots_file.encode()).hexdigest(),
            },
        )
        _apply_outcome(locked)
        poll_counted.send(sender=Poll, poll=locked)
        if connection.vendor == "postgresql" and locked.secret:
            _restamp_secret_rows(locked)
        poll.refresh_from_db()
    if connection.vendor == "postgresql" and poll.secret:
        transaction.on_commit(_reorder_secret_tables)


def _restamp_secret_rows(poll: Poll) -> None:
    # PostgreSQL stamps each row with the transaction that wrote it (xmin), and a
    # ballot and its voter's participation were written by the same vote: rewriting
    # both in the closing transaction gives every row of the poll the same stamp.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_participation SET channel = channel WHERE poll_id = %s", [poll.pk]
        )
        cursor.execute(
            "UPDATE decisions_secretballot SET nonce = nonce WHERE poll_id = %s", [poll.pk]
        )


def _reorder_secret_tables() -> None:
    # PostgreSQL stores new rows roughly in insertion order, and keeps the old versions
    # of the rows just rewritten until a vacuum: rewriting both tables in the order of
    # their random keys removes both traces of the order in which votes were cast.
    with connection.cursor() as cursor:
        cursor.execute("CLUSTER decisions_participation USING decisions_participation_pkey")
        cursor.execute("CLUSTER decisions_secretballot USING decisions_secretballot_pkey")


def _apply_outcome(poll: Poll) -> None:
    """What a counted poll decides: a proposal, an amendment or a recall."""
    if poll.amendment_id is not None:
        from bloc.decisions import proposals as proposal_services

        proposal_services.amendment_decided(poll.amendment, adopted=poll.outcome == "adopted")
    elif poll.proposal_id is not None:
        from bloc.decisions import proposals as proposal_services

        proposal_services.proposal_decided(
            poll.proposal, adopted=poll.outcome in ("adopted", "elected")
        )
    elif poll.recall_id is not None:
        from bloc.membership.roles import RecallOutcome, recall_close

        petition = RecallPetition.objects.get(pk=poll.recall_id)
        if petition.closed_at is None:
            recalled = poll.outcome == "adopted"
            recall_close(
                actor=SYSTEM,
                petition=petition,
                outcome=RecallOutcome.RECALLED if recalled else RecallOutcome.KEPT,
            )


def poll_cancel(*, actor: object, poll: Poll, reason: str) -> Poll:
    """Cancel a poll before it closes (e.g. set up by mistake). Ballots stay unread."""
    permissions.require(actor, "poll.create", poll.institution)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", _("Say why the poll is cancelled."))
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if locked.closed_at is not None or locked.cancelled_at is not None:
            raise Conflict(_("This poll is already closed."), code="poll_closed")
        if locked.proposal_id is not None or locked.amendment_id is not None:
            raise Conflict(
                _("A proposal's vote cannot be cancelled; the proposal can be withdrawn."),
                code="proposal_poll",
            )
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        audit_append(actor=actor, action="poll.cancel", subject=locked, data={"reason": reason})
    poll.refresh_from_db()
    return poll


def polls_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Open, remind and close every poll that is due (``bloc polls tick``)."""
    from bloc.decisions.notifications import announce_opened_polls, remind_poll_closing

    now = now or timezone.now()
    polls_tick_started.send(sender=Poll)
    done = {"opened": 0, "closed": 0, "announced": 0, "reminded": 0}
    due = Poll.objects.filter(cancelled_at__isnull=True, closed_at__isnull=True).filter(
        Q(opened_at__isnull=True, opens_at__lte=now) | Q(closes_at__lte=now)
    )
    for poll in due:
        was_open, was_closed = poll.opened_at is not None, poll.closed_at is not None
        poll_sync(poll, now=now)
        done["opened"] += int(not was_open and poll.opened_at is not None)
        done["closed"] += int(not was_closed and poll.closed_at is not None)
    done["announced"] = announce_opened_polls()
    done["reminded"] = remind_poll_closing(now=now)
    return done
