"""Every write about opinion conversations (Polis-style), and their analysis.

Officers open a conversation with a question and seed statements (accepted at once).
Verified members submit short statements: trimmed, at most ``STATEMENT_MAX``
characters, refused when the conversation already holds the same text once case,
accents, punctuation and spacing are folded (``statement_key``), and held until an
officer accepts or rejects them. Members vote agree (+1), disagree (-1) or pass (0)
on accepted statements of an open conversation; voting again changes the vote.

The analysis (``analysis_refresh``) reads the votes on accepted statements, marks the
rejected statements as moderated out (as Polis does), runs ``bloc.core.opinion.analyse``
and stores an ``OpinionAnalysis``. It is recomputed when stale
(``analysis_is_stale``): when ``STALE_VOTES`` votes were cast or changed since the
stored one, or when any was and the stored one is more than ``STALE_SECONDS`` old or
counted fewer than ``SMALL_VOTES`` votes (a small map takes milliseconds: whoever just
voted sees their vote counted).
The map page checks this on every read, and ``bloc polls tick`` refreshes every open
conversation with newer votes than its analysis (the ``polls_tick_started`` receiver).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.core import opinion as engine
from bloc.core.errors import Conflict, ValidationFailed
from bloc.decisions.models import Poll
from bloc.decisions.signals import polls_tick_started
from bloc.institutions.models import Institution
from bloc.listening.models import (
    STATEMENT_MAX,
    Moderation,
    OpinionAnalysis,
    OpinionConversation,
    Statement,
    StatementVote,
)
from bloc.validation import clean_text

TOPIC_MAX = 300
DESCRIPTION_MAX = 2_000
SEEDS_MOST = 50
STALE_VOTES = 10  # votes cast or changed since the stored analysis that make it stale ...
STALE_SECONDS = 30  # ... or any newer vote once the stored analysis is this old ...
SMALL_VOTES = 2_000  # ... or any newer vote at all while the conversation is this small
VOTES = {"agree": 1, "disagree": -1, "pass": 0}

_PUNCTUATION = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def statement_key(text: str) -> str:
    """What duplicates are found by: case, accents, punctuation and spacing folded."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = _PUNCTUATION.sub(" ", bare).replace("_", " ")
    return _SPACES.sub(" ", bare).strip()[:STATEMENT_MAX]


def _clean_statement(text: str | None, field: str = "text") -> tuple[str, str]:
    text = clean_text(field, text, STATEMENT_MAX, required=_("Write a statement."))
    text = _SPACES.sub(" ", text)
    key = statement_key(text)
    if not key:
        raise ValidationFailed.for_field(field, _("Write a statement with words in it."))
    return text, key


def _duplicate() -> ValidationFailed:
    return ValidationFailed.for_field(
        "text", _("This statement is already in the conversation."), code="duplicate_statement"
    )


def conversation_open(
    *,
    actor: Any,
    institution: Institution,
    topic: str,
    description: str = "",
    seeds: Sequence[str] = (),
    participants_submit: bool = True,
) -> OpinionConversation:
    """A conversation on ``topic`` with its seed statements (accepted at once)."""
    permissions.require(actor, "opinion.manage", institution)
    topic = clean_text("topic", topic, TOPIC_MAX, required=_("Write the question."))
    description = clean_text("description", description, DESCRIPTION_MAX)
    cleaned: list[tuple[str, str]] = []
    for seed in seeds:
        if not (seed or "").strip():
            continue
        text, key = _clean_statement(seed, "seeds")
        if key in {k for _t, k in cleaned}:
            raise ValidationFailed.for_field(
                "seeds",
                _("The seed statement “%(text)s” is there twice.") % {"text": text},
                code="duplicate_statement",
            )
        cleaned.append((text, key))
    if len(cleaned) > SEEDS_MOST:
        raise ValidationFailed.for_field(
            "seeds", _("Give at most %(most)s seed statements.") % {"most": SEEDS_MOST}
        )
    with transaction.atomic():
        conversation = OpinionConversation.objects.create(
            institution=institution,
            topic=topic,
            description=description,
            participants_submit=participants_submit,
            created_by=actor,
        )
        Statement.objects.bulk_create(
            Statement(
                conversation=conversation,
                text=text,
                key=key,
                author=actor,
                is_seed=True,
                moderation=Moderation.ACCEPTED,
                moderated_by=actor,
            )
            for text, key in cleaned
        )
        audit_append(
            actor=actor,
            action="opinion.open",
            subject=conversation,
            data={"institution": institution.slug, "topic": topic, "seeds": len(cleaned)},
        )
    return conversation


def conversation_close(*, actor: Any, conversation: OpinionConversation) -> OpinionConversation:
    """No more statements or votes; the last map stays."""
    permissions.require(actor, "opinion.manage", conversation.institution)
    if not conversation.is_open:
        raise Conflict(_("This conversation is already closed."), code="conversation_closed")
    with transaction.atomic():
        conversation.is_open = False
        conversation.closed_at = timezone.now()
        conversation.save(update_fields=["is_open", "closed_at"])
        audit_append(actor=actor, action="opinion.close", subject=conversation)
    return conversation


def _closed() -> Conflict:
    return Conflict(
        _("This conversation is closed: it takes no more statements or votes."),
        code="conversation_closed",
    )


def statement_submit(
    *, actor: Any, conversation: OpinionConversation, text: str, seed: bool = False
) -> Statement:
    """A participant's statement, held for moderation; an officer's seed is accepted."""
    institution = conversation.institution
    if seed:
        permissions.require(actor, "opinion.manage", institution)
    else:
        permissions.require(actor, "opinion.participate", institution)
    if not conversation.is_open:
        raise _closed()
    if not seed and not conversation.participants_submit:
        raise Conflict(
            _("In this conversation, only the organisers write statements."),
            code="statements_closed",
        )
    text, key = _clean_statement(text)
    if Statement.objects.filter(conversation=conversation, key=key).exists():
        raise _duplicate()
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                conversation=conversation,
                text=text,
                key=key,
                author=actor,
                is_seed=seed,
                moderation=Moderation.ACCEPTED if seed else Moderation.PENDING,
                moderated_by=actor if seed else None,
            )
            audit_append(
                actor=actor,
                action="opinion.statement",
                subject=statement,
                data={"conversation": conversation.pk, "seed": seed},
            )
    except IntegrityError:  # the same text, submitted at the same moment
        raise _duplicate() from None
    return statement


def statement_moderate(*, actor: Any, statement: Statement, accept: bool) -> Statement:
    """Accept a statement (participants vote on it) or reject it (hidden, left out of
    the analysis). A decision can be changed."""
    conversation = statement.conversation
    permissions.require(actor, "opinion.manage", conversation.institution)
    moderation = Moderation.ACCEPTED if accept else Moderation.REJECTED
    with transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(moderation=moderation, moderated_by=actor)
        statement.moderation = moderation
        statement.moderated_by = actor
        audit_append(
            actor=actor,
            action="opinion.moderate",
            subject=statement,
            data={"conversation": conversation.pk, "moderation": str(moderation)},
        )
    return statement


def _vote_value(vote: int | str) -> int:
    if isinstance(vote, str) and vote in VOTES:
        return VOTES[vote]
    if isinstance(vote, int) and not isinstance(vote, bool) and vote in (-1, 0, 1):
        return vote
    raise ValidationFailed.for_field("vote", _("Choose agree, disagree or pass."))


def vote_cast(*, actor: Any, statement: Statement, vote: int | str) -> StatementVote:
    """Agree, disagree or pass on an accepted statement of an open conversation; a
    second vote on the same statement replaces the first."""
    conversation = statement.conversation
    permissions.require(actor, "opinion.participate", conversation.institution)
    value = _vote_value(vote)
    if not conversation.is_open:
        raise _closed()
    if statement.moderation != Moderation.ACCEPTED:
        raise Conflict(
            _("This statement is not open for votes: it has not been accepted."),
            code="statement_hidden",
        )
    with transaction.atomic():
        cast, created = StatementVote.objects.update_or_create(
            statement=statement, participant=actor, defaults={"vote": value}
        )
        # Who voted what is kept out of the log: only that a vote was cast or changed.
        audit_append(
            actor=actor,
            action="opinion.vote" if created else "opinion.vote_change",
            subject=statement,
            data={"conversation": conversation.pk},
        )
    return cast


# --- the analysis ----------------------------------------------------------------------


def vote_matrix(conversation: OpinionConversation) -> engine.VoteMatrix:
    """The votes on accepted statements; rejected statements are moderated out. Two queries."""
    rejected = Statement.objects.filter(
        conversation=conversation, moderation=Moderation.REJECTED
    ).values_list("pk", flat=True)
    rows = StatementVote.objects.filter(
        statement__conversation=conversation, statement__moderation=Moderation.ACCEPTED
    ).values_list("participant_id", "statement_id", "vote")
    return engine.VoteMatrix.from_votes(list(rows), moderated_out=list(rejected))


def _result(found: engine.OpinionMap) -> dict[str, Any]:
    """``OpinionMap.as_json`` with each participant's place on the map, every
    statement's group-informed consensus, and the size of each group."""
    data = found.as_json()
    data["positions"] = {
        str(p): [round(x, 4), round(y, 4)] for p, (x, y) in found.positions.items()
    }
    data["sizes"] = {str(g.id): g.size for g in found.opinion_groups}
    data["k"] = found.k
    data["participants"] = found.matrix.shape[0]
    data["votes"] = found.matrix.votes
    data["consensus"] = [
        {
            "statement": c.statement,
            "value": c.value,
            "agree_shares": list(c.agree_shares),
            "seen": list(c.seen),
        }
        for c in found.top_consensus()
    ]
    return data


def _votes_since(conversation: OpinionConversation, since: Any) -> int:
    votes = StatementVote.objects.filter(statement__conversation=conversation)
    if since is not None:
        votes = votes.filter(updated_at__gt=since)
    return votes.count()


def analysis_is_stale(
    conversation: OpinionConversation, analysis: OpinionAnalysis | None, *, now: Any = None
) -> bool:
    """Whether the stored analysis lags the votes (see the module's docstring). One query."""
    newer = _votes_since(conversation, analysis.computed_at if analysis else None)
    if newer == 0:
        return False
    if analysis is None or newer >= STALE_VOTES or analysis.votes_count < SMALL_VOTES:
        return True
    now = now or timezone.now()
    return now - analysis.computed_at > timedelta(seconds=STALE_SECONDS)


def analysis_refresh(*, conversation: OpinionConversation) -> OpinionAnalysis | None:
    """Compute the map from the current votes and store it; None when nobody has voted.

    Computed data, not anyone's act: not in the audit log (the votes are)."""
    matrix = vote_matrix(conversation)
    if matrix.shape[0] == 0:
        return None
    try:
        found = engine.analyse(matrix)
    except ValueError:  # OpinionError, or too few votes for the clustering
        return None
    with transaction.atomic():
        # Only the latest map is kept: one row per conversation, not one per refresh.
        OpinionAnalysis.objects.filter(conversation=conversation).delete()
        return OpinionAnalysis.objects.create(
            conversation=conversation, votes_count=matrix.votes, result=_result(found)
        )


def analysis_current(conversation: OpinionConversation) -> OpinionAnalysis | None:
    """The latest analysis, recomputed first when it is stale."""
    latest = conversation.analyses.order_by("-computed_at", "-pk").first()
    if analysis_is_stale(conversation, latest):
        return analysis_refresh(conversation=conversation) or latest
    return latest


def analyses_refresh_due() -> int:
    """Refresh every open conversation with votes newer than its analysis; how many."""
    done = 0
    for conversation in OpinionConversation.objects.filter(is_open=True).order_by("pk"):
        latest = conversation.analyses.order_by("-computed_at", "-pk").first()
        since = latest.computed_at if latest else None
        if _votes_since(conversation, since) and analysis_refresh(conversation=conversation):
            done += 1
    return done


@receiver(polls_tick_started, sender=Poll)
def _tick(sender: Any, **kwargs: Any) -> None:
    """``bloc polls tick``: bring the opinion maps up to date."""
    analyses_refresh_due()
