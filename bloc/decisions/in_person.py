"""Votes cast in the room: the roster, paper ballots entered twice, shows of hands.

Members who vote in the room are checked off on the poll's roster (a
``Participation`` of channel ``in_person``), so they cannot also vote online; and
the papers and hands counted can never outnumber the members checked off. A stack
of paper ballots is typed in by one person and again by another; it counts only
when both entries are the same. All of this is possible only while the poll is
open, and merges with the online ballots when it closes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.core import proposals
from bloc.core.ballot_entry import CHOICE
from bloc.core.errors import Conflict, NotFound, ValidationFailed
from bloc.decisions.models import Channel, EligibleVoter, HandCount, PaperBatch, Participation, Poll
from bloc.decisions.polls import phase, poll_sync, spec_of
from bloc.decisions.voting import check_ballot
from bloc.decisions.wording import ballot_text, option_labels

LABEL_MAX_LENGTH = 80
MAX_PAPERS_PER_LINE = 10_000


def _open_locked(actor: object, poll: Poll) -> Poll:
    """The poll's row, locked, if ``actor`` may conduct it and it is open."""
    permissions.require(actor, "poll.conduct", poll.institution)
    poll_sync(poll)
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    if phase(locked) != proposals.OPEN:
        raise Conflict(
            _("Votes cast in the room can be recorded only while the poll is open."),
            code="poll_not_open",
        )
    return locked


def roster_check_off(*, actor: object, poll: Poll, user_ids: Iterable[int]) -> int:
    """Check members off as voting in the room; returns how many were checked off.

    Refuses (and changes nothing) if any of them is not on the poll's list of voters
    or has already voted online.
    """
    wanted = sorted(set(int(u) for u in user_ids))
    if not wanted:
        raise ValidationFailed.for_field("voters", _("Choose the members who vote in the room."))
    with transaction.atomic():
        locked = _open_locked(actor, poll)
        eligible = set(
            EligibleVoter.objects.filter(poll=locked, user_id__in=wanted).values_list(
                "user_id", flat=True
            )
        )
        if len(eligible) != len(wanted):
            raise ValidationFailed.for_field(
                "voters", _("Only members on this poll's list of voters can be checked off.")
            )
        already = dict(
            Participation.objects.filter(poll=locked, user_id__in=wanted).values_list(
                "user_id", "channel"
            )
        )
        online = [u for u, channel in already.items() if channel == Channel.ONLINE]
        if online:
            raise Conflict(
                ngettext(
                    "%(count)s of them has already voted online.",
                    "%(count)s of them have already voted online.",
                    len(online),
                )
                % {"count": len(online)},
                code="voted_online",
            )
        new = [u for u in wanted if u not in already]
        try:
            with transaction.atomic():
                Participation.objects.bulk_create(
                    Participation(poll=locked, user_id=u, channel=Channel.IN_PERSON) for u in new
                )
        except IntegrityError:  # one of them voted online a moment ago
            raise Conflict(
                _("Someone on the list has just voted online; reload the roster."),
                code="voted_online",
            ) from None
        if new:
            audit_append(
                actor=actor,
                action="poll.roster_check_off",
                subject=locked,
                data={"users": new},
            )
    return len(new)


def roster_uncheck(*, actor: object, poll: Poll, user_id: int) -> None:
    """Undo a check-off made by mistake, unless the room's ballots would then outnumber
    the members checked off."""
    with transaction.atomic():
        locked = _open_locked(actor, poll)
        row = Participation.objects.filter(
            poll=locked, user_id=user_id, channel=Channel.IN_PERSON
        ).first()
        if row is None:
            raise NotFound(_("That member is not checked off on the roster."))
        if in_room_ballots(locked) > in_room_voters(locked) - 1:
            raise Conflict(
                _(
                    "The room's ballots already counted would outnumber the members "
                    "checked off; discard a batch or show of hands first."
                ),
                code="roster_too_small",
            )
        row.delete()
        audit_append(
            actor=actor, action="poll.roster_uncheck", subject=locked, data={"user": user_id}
        )


def in_room_voters(poll: Poll) -> int:
    return Participation.objects.filter(poll=poll, channel=Channel.IN_PERSON).count()


def in_room_ballots(poll: Poll, *, pending: bool = False) -> int:
    """Paper ballots accepted (and, with ``pending``, awaiting their second entry) plus
    hands counted."""
    papers = 0
    batches = PaperBatch.objects.filter(poll=poll, discarded_at__isnull=True)
    if not pending:
        batches = batches.filter(accepted_at__isnull=False)
    for batch in batches:
        papers += sum(int(n) for _, n in batch.first_entry)
    hands = sum(
        sum(h.counts) for h in HandCount.objects.filter(poll=poll, discarded_at__isnull=True)
    )
    return papers + hands


def _check_room(poll: Poll, adding: int) -> None:
    room, voters = in_room_ballots(poll), in_room_voters(poll)
    if room + adding > voters:
        raise Conflict(
            _(
                "That would make %(ballots)s ballots cast in the room, but only %(voters)s "
                "members are checked off on the roster. Check off everyone who voted in "
                "the room first."
            )
            % {"ballots": room + adding, "voters": voters},
            code="roster_too_small",
        )


def canonical_entry(poll: Poll, lines: Sequence[tuple[Any, Any]]) -> list[list[Any]]:
    """A typed-in stack: each line a ballot (as for online voting) and how many papers
    carried it. Identical ballots are merged and the lines sorted, so that two entries
    of the same stack compare equal however they were typed."""
    form = spec_of(poll).form()
    merged: dict[str, int] = {}
    for index, (data, raw_count) in enumerate(lines, 1):
        try:
            count = int(raw_count)
        except (TypeError, ValueError):
            count = -1
        if not 1 <= count <= MAX_PAPERS_PER_LINE:
            raise ValidationFailed.for_field(
                "count",
                _("Line %(line)s: the number of papers must be a whole number from 1 to %(most)s.")
                % {"line": index, "most": MAX_PAPERS_PER_LINE},
            )
        try:
            content = check_ballot(form, data)
        except ValidationFailed as error:
            message = _("Line %(line)s: %(problem)s") % {"line": index, "problem": error.message}
            raise ValidationFailed(message, fields={"ballot": [message]}, code=error.code) from None
        merged[content] = merged.get(content, 0) + count
    if not merged:
        raise ValidationFailed.for_field("ballot", _("Enter at least one ballot."))
    return [[content, n] for content, n in sorted(merged.items())]


def paper_enter(
    *, actor: object, poll: Poll, label: str, lines: Sequence[tuple[Any, Any]]
) -> PaperBatch:
    """Enter a stack of paper ballots. The first entry is kept; the second, by someone
    else, accepts the stack when it is the same, and is refused (nothing stored) with
    the differences when it is not."""
    label = (label or "").strip()
    if not label or len(label) > LABEL_MAX_LENGTH:
        raise ValidationFailed.for_field(
            "label", _('Name the stack of papers (e.g. "box 1"), in at most 80 characters.')
        )
    entry = canonical_entry(poll, lines)
    papers = sum(n for _, n in entry)
    with transaction.atomic():
        locked = _open_locked(actor, poll)
        batch = (
            PaperBatch.objects.select_for_update()
            .filter(poll=locked, label=label, discarded_at__isnull=True)
            .first()
        )
        if batch is None:
            if PaperBatch.objects.filter(poll=locked, label=label).exists():
                raise Conflict(
                    _("A discarded stack has that name; give this one another."),
                    code="label_taken",
                )
            _check_room(locked, papers)  # pending stacks are not yet counted
            batch = PaperBatch.objects.create(
                poll=locked,
                label=label,
                first_by_id=actor.pk,
                first_entry=entry,  # type: ignore[attr-defined]
            )
            audit_append(
                actor=actor,
                action="poll.paper_first_entry",
                subject=locked,
                data={"batch": label, "papers": papers},
            )
            return batch
        if batch.accepted_at is not None:
            raise Conflict(
                _("This stack has already been entered twice and counted."), code="accepted"
            )
        if batch.first_by_id == actor.pk:  # type: ignore[attr-defined]
            raise Conflict(
                _("The second entry must be made by someone other than the first."),
                code="same_person",
            )
        if entry != batch.first_entry:
            raise Conflict(_differences(poll, batch.first_entry, entry), code="entries_differ")
        _check_room(locked, papers)
        batch.second_by_id = actor.pk  # type: ignore[attr-defined]
        batch.second_entry = entry
        batch.accepted_at = timezone.now()
        batch.save(update_fields=["second_by", "second_entry", "accepted_at"])
        audit_append(
            actor=actor,
            action="poll.paper_accepted",
            subject=locked,
            # A hash, not the papers: with the roster, a small stack's contents could
            # tell how the few members checked off voted. The count publishes them merged.
            data={"batch": label, "papers": papers, "entry_sha256": _digest(entry)},
        )
    return batch


def _digest(entry: list[list[Any]]) -> str:
    return hashlib.sha256(json.dumps(entry, separators=(",", ":")).encode()).hexdigest()


def _differences(poll: Poll, first: list[list[Any]], second: list[list[Any]]) -> str:
    spec = spec_of(poll)
    labels = option_labels(spec)
    a = {c: n for c, n in first}
    b = {c: n for c, n in second}
    lines = []
    for content in sorted(set(a) | set(b)):
        if a.get(content, 0) != b.get(content, 0):
            lines.append(
                _("%(ballot)s: %(first)s in the first entry, %(second)s in yours")
                % {
                    "ballot": ballot_text(spec, content, labels),
                    "first": a.get(content, 0),
                    "second": b.get(content, 0),
                }
            )
    return _(
        "Your entry differs from the first one, so nothing was counted. Count the "
        "papers again. Differences: %(list)s."
    ) % {"list": "; ".join(lines)}


def paper_discard(*, actor: object, batch: PaperBatch, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", _("Say why the stack is discarded."))
    with transaction.atomic():
        locked = _open_locked(actor, batch.poll)
        batch = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.discarded_at is not None:
            raise Conflict(_("This stack was already discarded."), code="discarded")
        batch.discarded_at = timezone.now()
        batch.save(update_fields=["discarded_at"])
        audit_append(
            actor=actor,
            action="poll.paper_discard",
            subject=locked,
            data={"batch": batch.label, "reason": reason},
        )


def hands_record(*, actor: object, poll: Poll, counts: Sequence[Any]) -> HandCount:
    """Record a show of hands (a number per option); it replaces an earlier one."""
    spec = spec_of(poll)
    if spec.kind != CHOICE:
        raise Conflict(
            _("A show of hands can only pick one option; this poll needs ballots."),
            code="not_a_choice_poll",
        )
    try:
        numbers = [int(n) for n in counts]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != len(spec.options) or any(n < 0 for n in numbers):
        raise ValidationFailed.for_field(
            "counts", _("Give a whole number of hands, 0 or more, for every option.")
        )
    with transaction.atomic():
        locked = _open_locked(actor, poll)
        earlier = list(HandCount.objects.filter(poll=locked, discarded_at__isnull=True))
        replaced = sum(sum(h.counts) for h in earlier)
        _check_room(locked, sum(numbers) - replaced)
        HandCount.objects.filter(pk__in=[h.pk for h in earlier]).update(discarded_at=timezone.now())
        hands = HandCount.objects.create(poll=locked, counts=numbers, recorded_by_id=actor.pk)  # type: ignore[attr-defined]
        audit_append(
            actor=actor,
            action="poll.hands",
            subject=locked,
            data={
                "counts": dict(zip(spec.options, numbers, strict=True)),
                "replaces": len(earlier),
            },
        )
    return hands


def in_room_summary(poll: Poll) -> dict[str, int]:
    return {
        "voters": in_room_voters(poll),
        "ballots": in_room_ballots(poll),
        "pending": in_room_ballots(poll, pending=True) - in_room_ballots(poll),
    }


__all__ = [
    "canonical_entry",
    "hands_record",
    "in_room_summary",
    "paper_discard",
    "paper_enter",
    "roster_check_off",
    "roster_uncheck",
]
