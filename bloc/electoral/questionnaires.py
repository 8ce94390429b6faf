"""The questionnaire: the cycle's questions, the candidate's private link, their answers,
their signed pledges and their withdrawal.

A candidate needs no account: a private link carries a secret, of which only the
SHA-256 is stored (``Candidate.token_hash``), so the link is shown once and a new one
(``candidate_link_rotate``) makes the old one stop working. Everything the link allows
is keyed to the candidate the secret finds, never to ids the request names.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.audit.services import audit_append
from bloc.core.errors import Conflict, NotFound, ValidationFailed
from bloc.decisions.models import Poll
from bloc.decisions.polls import poll_cancel
from bloc.electoral.models import (
    Answer,
    Candidate,
    Cycle,
    Pledge,
    Priority,
    Question,
    QuestionKind,
    Stage,
)
from bloc.validation import clean_text

MAX_QUESTIONS = 30
MAX_ANSWER = 5000
# The candidate may still change their answers, sign and withdraw in these stages.
OPEN_STAGES = {Stage.NOMINATION, Stage.QUESTIONNAIRE, Stage.ASSEMBLY_VOTES, Stage.CHAPTER_VOTE}
# Once out of the running, the link reads but no longer writes.
CLOSED_STAGES = {Stage.WITHDRAWN, Stage.NOT_ENDORSED, Stage.RECALLED}


# --- the private link -------------------------------------------------------------


def new_secret() -> tuple[str, str]:
    """A new link secret and the hash to store."""
    secret = secrets.token_urlsafe(32)
    return secret, secret_hash(secret)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def candidate_by_secret(secret: str) -> Candidate:
    """The candidate whose private link this is; ``NotFound`` for a wrong or old link.
    The lookup is by hash, so timing tells nothing about the secret."""
    if not secret or len(secret) > 100:
        raise NotFound(_link_not_found())
    candidate = (
        Candidate.objects.filter(token_hash=secret_hash(secret))
        .select_related("cycle", "cycle__platform", "cycle__chapter")
        .first()
    )
    if candidate is None:
        raise NotFound(_link_not_found())
    return candidate


def _link_not_found() -> str:
    return _("This link is wrong or no longer works. Ask the chapter's organizers for a new one.")


def candidate_link_rotate(*, actor: object, candidate: Candidate) -> str:
    """A new private link for the candidate (returned once); the old one stops working."""
    permissions.require(actor, "cycle.manage", candidate.cycle.chapter)
    secret, digest = new_secret()
    with transaction.atomic():
        Candidate.objects.filter(pk=candidate.pk).update(token_hash=digest)
        candidate.token_hash = digest
        audit_append(actor=actor, action="candidate.link_rotate", subject=candidate, data={})
    return secret


def _locked(secret: str) -> Candidate:
    """Inside a transaction: the link's candidate, locked against a concurrent change."""
    candidate = candidate_by_secret(secret)
    return (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("cycle", "cycle__platform")
        .get(pk=candidate.pk)
    )


def _still_running(candidate: Candidate) -> None:
    if candidate.stage in CLOSED_STAGES:
        raise Conflict(
            _("You are no longer a candidate in this cycle (%(stage)s).")
            % {"stage": candidate.get_stage_display()},
            code="not_running",
        )


# --- questions --------------------------------------------------------------------


def question_add(
    *, actor: object, cycle: Cycle, text: str, kind: str, priority: Priority | None = None
) -> Question:
    permissions.require(actor, "cycle.manage", cycle.chapter)
    text = clean_text("text", text, 2000, required=_("Write the question."))
    if kind not in QuestionKind.values:
        raise ValidationFailed.for_field("kind", _("Choose free text, yes or no, or a scale."))
    if priority is not None and (
        cycle.platform_id is None or not cycle.platform.priorities.filter(pk=priority.pk).exists()
    ):
        raise ValidationFailed.for_field(
            "priority", _("Choose a priority of the cycle's platform.")
        )
    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
        count = Question.objects.filter(cycle=cycle).count()
        if count >= MAX_QUESTIONS:
            raise Conflict(
                _("A questionnaire has at most %(n)s questions.") % {"n": MAX_QUESTIONS},
                code="too_many_questions",
            )
        question = Question.objects.create(
            cycle=cycle, text=text, kind=kind, priority=priority, position=count + 1
        )
        audit_append(
            actor=actor,
            action="cycle.question_add",
            subject=question,
            data={"cycle": cycle.pk, "kind": kind, "priority": priority.pk if priority else None},
        )
    return question


def question_remove(*, actor: object, question: Question) -> None:
    permissions.require(actor, "cycle.manage", question.cycle.chapter)
    with transaction.atomic():
        if Answer.objects.filter(question=question).exists():
            raise Conflict(
                _("A candidate has answered this question: it can no longer be removed."),
                code="answered",
            )
        audit_append(
            actor=actor,
            action="cycle.question_remove",
            subject=question,
            data={"cycle": question.cycle_id, "text": question.text[:200]},
        )
        question.delete()


# --- answers ----------------------------------------------------------------------


def answers_final(cycle: Cycle, now: Any = None) -> bool:
    """Whether the answers are public, hence final."""
    return cycle.answers_public_at is not None and cycle.answers_public_at <= (
        now or timezone.now()
    )


def _clean_answer(question: Question, entry: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an ``Answer`` to ``question`` from what was sent (raises on bad input)."""
    field = f"question_{question.pk}"
    comment = clean_text(field, entry.get("text"), MAX_ANSWER)
    if question.kind == QuestionKind.TEXT:
        if not comment:
            raise ValidationFailed.for_field(field, _("Write an answer, or leave it out."))
        return {"text": comment, "yes": None, "scale": None}
    if question.kind == QuestionKind.YES_NO:
        yes = entry.get("yes")
        if not isinstance(yes, bool):
            raise ValidationFailed.for_field(field, _("Answer yes or no."))
        return {"text": comment, "yes": yes, "scale": None}
    scale = entry.get("scale")
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= 5:
        raise ValidationFailed.for_field(field, _("Choose a number from 1 to 5."))
    return {"text": comment, "yes": None, "scale": scale}


def answer_save(*, secret: str, answers: Mapping[int, Mapping[str, Any]]) -> list[Answer]:
    """The candidate answers (or changes answers to) some of their cycle's questions.

    All or nothing: one question of another cycle, or one bad answer, and nothing is
    written. Once the answers are public they are final."""
    with transaction.atomic():
        candidate = _locked(secret)
        cycle = candidate.cycle
        _still_running(candidate)
        if answers_final(cycle):
            raise Conflict(
                _("The answers are public now and can no longer change."), code="answers_public"
            )
        if not answers:
            raise ValidationFailed.for_field("answers", _("Answer at least one question."))
        questions = Question.objects.in_bulk([int(k) for k in answers if str(k).isdigit()])
        cleaned: list[tuple[Question, dict[str, Any]]] = []
        for key, entry in answers.items():
            question = questions.get(int(key)) if str(key).isdigit() else None
            if question is None or question.cycle_id != cycle.pk:
                raise ValidationFailed.for_field(
                    "answers",
                    _("Question %(id)s is not one of this questionnaire's.") % {"id": key},
                    code="foreign_question",
                )
            if not isinstance(entry, Mapping):
                raise ValidationFailed.for_field(f"question_{question.pk}", _("Answer it."))
            cleaned.append((question, _clean_answer(question, entry)))
        saved = [
            Answer.objects.update_or_create(candidate=candidate, question=q, defaults=fields)[0]
            for q, fields in cleaned
        ]
        audit_append(
            actor=SYSTEM,
            action="candidate.answers",
            subject=candidate,
            data={"by": f"candidate:{candidate.pk}", "questions": [q.pk for q, _f in cleaned]},
        )
    return saved


# --- pledges ----------------------------------------------------------------------


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def pledge_text(priority: Priority) -> str:
    return _(
        "I pledge to carry “%(priority)s” in office, and to be held to it by the "
        "chapter's scorecard."
    ) % {"priority": priority.title}


def pledge_sign(*, secret: str, priorities: Sequence[Priority], signed_name: str) -> list[Pledge]:
    """The candidate signs pledges to priorities of the cycle's platform, typing their
    name as the signature. Pledges are public and cannot be withdrawn; a priority
    already pledged is skipped. Returns the new pledges."""
    with transaction.atomic():
        candidate = _locked(secret)
        _still_running(candidate)
        platform = candidate.cycle.platform
        if platform is None:
            raise Conflict(_("This cycle has no platform to pledge to."), code="no_platform")
        chosen = list(dict.fromkeys(priorities))
        if not chosen:
            raise ValidationFailed.for_field("priorities", _("Choose at least one priority."))
        allowed = set(platform.priorities.values_list("pk", flat=True))
        if any(p.pk not in allowed for p in chosen):
            raise ValidationFailed.for_field(
                "priorities", _("Choose priorities of the cycle's platform.")
            )
        signed_name = clean_text("signed_name", signed_name, 200, required=_("Type your name."))
        if not _same_name(signed_name, candidate.name):
            raise ValidationFailed.for_field(
                "signed_name",
                _("Type your name exactly as the chapter has it: %(name)s.")
                % {"name": candidate.name},
            )
        done = set(Pledge.objects.filter(candidate=candidate).values_list("priority_id", flat=True))
        now = timezone.now()
        pledges = [
            Pledge.objects.create(
                candidate=candidate,
                priority=p,
                text=pledge_text(p),
                signed_name=signed_name,
                signed_at=now,
            )
            for p in chosen
            if p.pk not in done
        ]
        audit_append(
            actor=SYSTEM,
            action="candidate.pledge",
            subject=candidate,
            data={
                "by": f"candidate:{candidate.pk}",
                "priorities": [p.priority_id for p in pledges],
            },
        )
    return pledges


# --- withdrawal -------------------------------------------------------------------


def candidate_withdraw(*, secret: str) -> Candidate:
    """The candidate withdraws, while their endorsement is still being decided; the
    assemblies' open polls on them are cancelled."""
    with transaction.atomic():
        candidate = _locked(secret)
        if candidate.stage not in OPEN_STAGES:
            raise Conflict(
                _("You can no longer withdraw: the candidacy is %(stage)s.")
                % {"stage": candidate.get_stage_display().lower()},
                code="not_withdrawable",
            )
        before = candidate.stage
        candidate.stage = Stage.WITHDRAWN
        candidate.stage_note = _("The candidate withdrew.")
        candidate.save(update_fields=["stage", "stage_note"])
        # The assemblies no longer vote on someone who is not running.
        for poll in Poll.objects.filter(
            endorsement_ballot__candidate=candidate, closed_at=None, cancelled_at=None
        ):
            poll_cancel(actor=SYSTEM, poll=poll, reason=candidate.stage_note)
        audit_append(
            actor=SYSTEM,
            action="candidate.withdraw",
            subject=candidate,
            data={"by": f"candidate:{candidate.pk}", "from": before},
        )
    return candidate
