"""The endorsement of a candidate: its stages, the assemblies' polls, the chapter's vote,
the rubric of state and national races, and the recall of an endorsement.

The stages, each with the cycle's threshold (``Cycle``):

* *nomination* — enough assemblies nominate (``nominations_needed``); the organizers
  then move the candidate on;
* *questionnaire* (if the cycle has one) — the candidate answers at least
  ``answered_percent`` of the questions; the organizers move them on;
* *assembly votes* (if the cycle has them) — the organizers send the candidate to every
  assembly of the cycle's council (else of the chapter), each deciding by its own poll
  under its motion rule; when the last poll is counted the share of the assemblies that
  decided which are for is compared with ``assembly_percent`` and the candidate moves on
  or out, by itself;
* *chapter vote* — a question to the cycle's council, voted by its delegates; once the
  council decides, the candidate is endorsed if it was carried, the delegates' votes for
  are at least ``chapter_percent`` of those for or against, and the candidate has signed
  at least ``pledges_needed`` pledges; else not endorsed, saying which failed.

Every move is written on the candidate (``stage_note``, public) and in the audit log. A
member assembly's officers may start the recall of an endorsement: another question to
the council; carried, the endorsement is recalled. Either way its result is public.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.audit.services import audit_append
from bloc.confederation import questions as council_questions
from bloc.confederation.models import DelegateVote, Position, QuestionState
from bloc.confederation.models import Question as CouncilQuestion
from bloc.confederation.rollup import poll_position
from bloc.confederation.tree import load_tree
from bloc.core import confederation as core
from bloc.core.errors import Conflict, ValidationFailed
from bloc.decisions.models import Poll
from bloc.decisions.polls import poll_create, poll_sync
from bloc.decisions.recalls import recall_rule
from bloc.electoral.models import (
    DEFAULT_RUBRIC,
    Answer,
    Candidate,
    ChapterVote,
    ChapterVoteKind,
    Cycle,
    EndorsementBallot,
    Level,
    Nomination,
    Pledge,
    Question,
    RubricScore,
    Stage,
)
from bloc.institutions.models import Institution
from bloc.validation import clean_text

#: The stages a candidate goes through, in order (a cycle may turn some off).
ORDER = (Stage.NOMINATION, Stage.QUESTIONNAIRE, Stage.ASSEMBLY_VOTES, Stage.CHAPTER_VOTE)
#: Still being decided: the organizers may score, decline, and the stages move.
RUNNING = set(ORDER)
MAX_REASON = 5000
MAX_NOTE = 500


# --- what the cycle asks, and where the candidate stands ----------------------------


def stages_of(cycle: Cycle) -> list[str]:
    """The stages this cycle uses, in order."""
    return [
        s
        for s in ORDER
        if (s != Stage.QUESTIONNAIRE or cycle.questionnaire)
        and (s != Stage.ASSEMBLY_VOTES or cycle.assembly_votes)
    ]


def next_stage(cycle: Cycle, stage: str) -> str | None:
    used = stages_of(cycle)
    if stage not in used:
        return None
    at = used.index(stage)
    return used[at + 1] if at + 1 < len(used) else None


def rubric_of(cycle: Cycle) -> list[str]:
    """The cycle's rubric criteria (the default ones when it names none)."""
    return [str(c) for c in (cycle.rubric or DEFAULT_RUBRIC)]


def uses_rubric(candidate: Candidate) -> bool:
    return candidate.level in (Level.STATE, Level.NATIONAL)


def nominations_count(candidate: Candidate) -> int:
    return Nomination.objects.filter(candidate=candidate).count()


def answered(candidate: Candidate) -> tuple[int, int]:
    """(questions answered, questions asked) of the candidate's questionnaire."""
    asked = Question.objects.filter(cycle_id=candidate.cycle_id).count()
    done = Answer.objects.filter(candidate=candidate, question__cycle_id=candidate.cycle_id).count()
    return done, asked


def pledges_count(candidate: Candidate) -> int:
    return Pledge.objects.filter(candidate=candidate).count()


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` as a whole percentage, rounded down (0 of 0: 0)."""
    return part * 100 // whole if whole else 0


def at_least(part: int, whole: int, needed: int) -> bool:
    """Whether ``part`` is at least ``needed`` % of ``whole`` (exactly, no rounding)."""
    return whole > 0 and part * 100 >= needed * whole


def advance_problem(candidate: Candidate) -> str | None:
    """Why the organizers cannot move the candidate on now (None: they can)."""
    cycle = candidate.cycle
    stage = candidate.stage
    if stage == Stage.NOMINATION:
        have = nominations_count(candidate)
        if have < cycle.nominations_needed:
            return _(
                "%(have)s of the %(need)s assemblies' nominations needed: the candidate "
                "stays in nomination."
            ) % {"have": have, "need": cycle.nominations_needed}
        return None
    if stage == Stage.QUESTIONNAIRE:
        done, asked = answered(candidate)
        if asked == 0:
            return _("The questionnaire has no questions yet.")
        if not at_least(done, asked, cycle.answered_percent):
            return _(
                "The candidate has answered %(done)s of the %(asked)s questions "
                "(%(share)s%%); at least %(need)s%% are needed."
            ) % {
                "done": done,
                "asked": asked,
                "share": percent(done, asked),
                "need": cycle.answered_percent,
            }
        return None
    if stage == Stage.ASSEMBLY_VOTES:
        return _(
            "The assemblies decide this stage: the candidate moves on or out when the last "
            "assembly's vote is counted."
        )
    if stage == Stage.CHAPTER_VOTE:
        return _("The chapter's council decides this stage by its vote.")
    return _("The candidate is no longer moving through the stages (%(stage)s).") % {
        "stage": candidate.get_stage_display().lower()
    }


def _advance_note(candidate: Candidate, to: str) -> str:
    cycle = candidate.cycle
    if candidate.stage == Stage.NOMINATION:
        text = _("Nominated by %(have)s assemblies (%(need)s needed).") % {
            "have": nominations_count(candidate),
            "need": cycle.nominations_needed,
        }
    else:
        done, asked = answered(candidate)
        text = _("Answered %(done)s of %(asked)s questions (at least %(need)s%% needed).") % {
            "done": done,
            "asked": asked,
            "need": cycle.answered_percent,
        }
    return f"{text} {_('Moved on to: %(stage)s.') % {'stage': Stage(to).label}}"


def _set_stage(candidate: Candidate, stage: str, note: str) -> None:
    candidate.stage = stage
    candidate.stage_note = note[:MAX_NOTE]
    fields = ["stage", "stage_note"]
    if stage == Stage.ENDORSED:
        candidate.endorsed_at = timezone.now()
        fields.append("endorsed_at")
    candidate.save(update_fields=fields)


def _locked(candidate: Candidate) -> Candidate:
    return (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("cycle", "cycle__chapter", "cycle__council")
        .get(pk=candidate.pk)
    )


def _stage_moved(stage: str) -> Conflict:
    return Conflict(
        _("The candidate's stage changed meanwhile (now: %(stage)s); reload the page.")
        % {"stage": Stage(stage).label},
        code="stage_changed",
    )


# --- the organizers move the candidate on --------------------------------------------


def candidate_advance(*, actor: object, candidate: Candidate) -> Candidate:
    """Move the candidate from nomination or the questionnaire to the next stage the
    cycle uses, if they meet this stage's threshold."""
    cycle = candidate.cycle
    permissions.require(actor, "cycle.manage", cycle.chapter)
    with transaction.atomic():
        locked = _locked(candidate)
        if locked.stage != candidate.stage:
            raise _stage_moved(locked.stage)
        problem = advance_problem(locked)
        if problem is not None:
            raise Conflict(problem, code="threshold_not_met")
        before = locked.stage
        to = next_stage(cycle, before) or Stage.CHAPTER_VOTE  # never None from these two
        _set_stage(locked, to, _advance_note(locked, to))
        audit_append(
            actor=actor,
            action="candidate.advance",
            subject=locked,
            data={"from": before, "to": to, "note": locked.stage_note},
        )
    return locked


def candidate_decline(*, actor: object, candidate: Candidate, reason: str) -> Candidate:
    """The organizers end a candidacy before the votes (e.g. too few nominations by the
    deadline), saying why; public."""
    permissions.require(actor, "cycle.manage", candidate.cycle.chapter)
    reason = clean_text("reason", reason, MAX_NOTE, required=_("Say why, for everyone to read."))
    with transaction.atomic():
        locked = _locked(candidate)
        if locked.stage not in (Stage.NOMINATION, Stage.QUESTIONNAIRE):
            raise Conflict(
                _("Only a candidacy in nomination or at the questionnaire can be ended here; "
                  "the votes decide the others."),
                code="votes_decide",
            )  # fmt: skip
        before = locked.stage
        _set_stage(locked, Stage.NOT_ENDORSED, reason)
        audit_append(
            actor=actor,
            action="candidate.decline",
            subject=locked,
            data={"from": before, "reason": reason},
        )
    return locked


# --- the assemblies' votes ------------------------------------------------------------


def assemblies_of(cycle: Cycle) -> list[int]:
    """The assemblies that vote on the cycle's candidates: those of its council's tree,
    else (nobody sits in the council yet) every institution of the chapter."""
    below = load_tree(cycle.chapter_id).assemblies_below(cycle.council_id)
    if below:
        return below
    return list(
        Institution.objects.filter(chapter_id=cycle.chapter_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def endorsement_send(
    *, actor: object, candidate: Candidate, closes_at: datetime
) -> list[EndorsementBallot]:
    """Open, in every assembly, its own poll on endorsing the candidate (for or
    against, under the assembly's motion rule), closing at ``closes_at``."""
    cycle = candidate.cycle
    permissions.require(actor, "cycle.manage", cycle.chapter)
    if closes_at is None or closes_at <= timezone.now():
        raise ValidationFailed.for_field("closes_at", _("Choose a time in the future."))
    targets = assemblies_of(cycle)
    if not targets:
        raise Conflict(_("The chapter has no assemblies to vote."), code="no_assemblies")
    title = _("Endorse %(name)s for %(office)s?") % {
        "name": candidate.name,
        "office": candidate.office,
    }
    description = _(
        "The chapter's endorsement of %(name)s, running for %(office)s in %(cycle)s. "
        "Vote for or against; the candidate goes on to the chapter's vote if at least "
        "%(need)s%% of the assemblies that decide are for."
    ) % {
        "name": candidate.name,
        "office": candidate.office,
        "cycle": cycle.title,
        "need": cycle.assembly_percent,
    }
    description = f"{description}\n\n{_record_line(candidate)}"
    with transaction.atomic():
        locked = _locked(candidate)
        if locked.stage != Stage.ASSEMBLY_VOTES:
            raise Conflict(
                _("Only a candidate at the assembly votes stage is sent to the assemblies "
                  "(now: %(stage)s).") % {"stage": locked.get_stage_display().lower()},
                code="wrong_stage",
            )  # fmt: skip
        if EndorsementBallot.objects.filter(candidate=locked).exists():
            raise Conflict(_("The candidate is already with the assemblies."), code="already_sent")
        ballots = []
        for institution in Institution.objects.filter(pk__in=targets).select_related("chapter"):
            poll = poll_create(
                actor=actor,
                institution=institution,
                title=title[:200],
                description=description,
                rule=recall_rule(institution),
                secret=True,
                opens_at=timezone.now(),
                closes_at=closes_at,
                check_permission=False,
                announce_at_once=False,
            )
            ballots.append(
                EndorsementBallot.objects.create(
                    candidate=locked, institution=institution, poll=poll
                )
            )
        audit_append(
            actor=actor,
            action="candidate.send_assemblies",
            subject=locked,
            data={"assemblies": len(ballots), "closes_at": closes_at.isoformat()},
        )
    return ballots


def assembly_tally(candidate: Candidate) -> dict[str, Any]:
    """Each assembly's position (one query): ``rows`` (institution id, poll id, position
    or None, whether counted) and the counts for, against, undecided and pending."""
    rows = []
    tally = {"for": 0, "against": 0, "undecided": 0, "pending": 0}
    for ballot in (
        EndorsementBallot.objects.filter(candidate=candidate)
        .select_related("poll", "institution")
        .order_by("institution__name", "pk")
    ):
        poll = ballot.poll
        closed = poll.closed_at is not None
        position = poll_position(poll.outcome, poll.result, closed)
        if not closed and poll.cancelled_at is None:
            tally["pending"] += 1
        elif position == core.FOR:
            tally["for"] += 1
        elif position == core.AGAINST:
            tally["against"] += 1
        else:
            tally["undecided"] += 1
        rows.append({"ballot": ballot, "position": position, "closed": closed})
    tally["deciding"] = tally["for"] + tally["against"]
    tally["share"] = percent(tally["for"], tally["deciding"])
    return {"rows": rows, **tally}


def endorsement_count(candidate: Candidate) -> Candidate:
    """Once every assembly's poll is counted (or cancelled): move the candidate on to
    the chapter's vote, or out, by the share of deciding assemblies for."""
    if candidate.stage != Stage.ASSEMBLY_VOTES:
        return candidate
    if Poll.objects.filter(
        endorsement_ballot__candidate=candidate, closed_at=None, cancelled_at=None
    ).exists():
        return candidate
    if not EndorsementBallot.objects.filter(candidate=candidate).exists():
        return candidate  # not sent yet
    tally = assembly_tally(candidate)
    with transaction.atomic():
        locked = _locked(candidate)
        if locked.stage != Stage.ASSEMBLY_VOTES:
            return locked
        cycle = locked.cycle
        need = cycle.assembly_percent
        words = {
            "for": tally["for"],
            "deciding": tally["deciding"],
            "share": tally["share"],
            "need": need,
        }
        passed = at_least(tally["for"], tally["deciding"], need)
        if tally["deciding"] == 0:
            note = _("No assembly decided for or against (%(need)s%% for needed): not endorsed.")
            to = Stage.NOT_ENDORSED
        elif passed:
            note = _(
                "%(for)s of the %(deciding)s assemblies that decided were for (%(share)s%%; "
                "%(need)s%% needed): on to the chapter's vote."
            )
            to = Stage.CHAPTER_VOTE
        else:
            note = _(
                "%(for)s of the %(deciding)s assemblies that decided were for (%(share)s%%; "
                "%(need)s%% needed): not endorsed."
            )
            to = Stage.NOT_ENDORSED
        _set_stage(locked, to, note % words)
        audit_append(
            actor=SYSTEM,
            action="candidate.assembly_votes",
            subject=locked,
            data={
                "for": tally["for"],
                "against": tally["against"],
                "undecided": tally["undecided"],
                "needed_percent": need,
                "to": to,
            },
        )
    return locked


def endorsement_sync(candidate: Candidate) -> Candidate:
    """Count the assemblies' polls that are due (as the tick would; a page need not wait
    for it), and move the candidate when all are."""
    if candidate.stage != Stage.ASSEMBLY_VOTES:
        return candidate
    now = timezone.now()
    for poll in Poll.objects.filter(
        endorsement_ballot__candidate=candidate,
        closed_at=None,
        cancelled_at=None,
        closes_at__lte=now,
    ):
        poll_sync(poll, now=now)
    candidate.refresh_from_db()
    return endorsement_count(candidate)


# --- the chapter's vote -----------------------------------------------------------------


def _future_or_none(field: str, when: datetime | None) -> None:
    if when is not None and when <= timezone.now():
        raise ValidationFailed.for_field(field, _("Choose a time in the future."))


def _record_line(candidate: Candidate) -> str:
    return _("The candidate's record, stage by stage: %(path)s") % {
        "path": reverse("electoral:endorsement", args=[candidate.pk])
    }


def _question_body(candidate: Candidate, lines: list[str]) -> str:
    cycle = candidate.cycle
    return "\n\n".join(
        [
            _("%(name)s, running for %(office)s%(district)s (%(cycle)s).")
            % {
                "name": candidate.name,
                "office": candidate.office,
                "district": f", {candidate.district}" if candidate.district else "",
                "cycle": cycle.title,
            },
            *lines,
            _record_line(candidate),
        ]
    )


def chapter_vote_open(
    *, actor: object, candidate: Candidate, mandates_close_at: datetime | None = None
) -> ChapterVote:
    """Put endorsing the candidate to the cycle's council. With ``mandates_close_at``
    its assemblies first decide their delegates' mandates; without, the delegates vote
    at once."""
    cycle = candidate.cycle
    permissions.require(actor, "cycle.manage", cycle.chapter)
    _future_or_none("mandates_close_at", mandates_close_at)
    with transaction.atomic():
        locked = _locked(candidate)
        if locked.stage != Stage.CHAPTER_VOTE:
            raise Conflict(
                _("Only a candidate at the chapter vote stage is put to the council "
                  "(now: %(stage)s).") % {"stage": locked.get_stage_display().lower()},
                code="wrong_stage",
            )  # fmt: skip
        if ChapterVote.objects.filter(
            candidate=locked, kind=ChapterVoteKind.ENDORSE, passed=None
        ).exists():
            raise Conflict(_("The council is already voting on this candidate."), code="voting")
        body = _question_body(
            locked,
            [
                _(
                    "Endorsed if the council carries it, at least %(need)s%% of the "
                    "delegates' votes for or against are for, and the candidate has signed "
                    "at least %(pledges)s pledges (%(signed)s so far)."
                )
                % {
                    "need": cycle.chapter_percent,
                    "pledges": cycle.pledges_needed,
                    "signed": pledges_count(locked),
                },
                locked.stage_note,
            ],
        )
        question = council_questions.question_create(
            actor=actor,
            council=cycle.council,
            title=(_("Endorse %(name)s for %(office)s") % {
                "name": locked.name, "office": locked.office})[:200],
            body=body,
            mandates_close_at=mandates_close_at,
            check_permission=False,
        )  # fmt: skip
        vote = ChapterVote.objects.create(
            candidate=locked, kind=ChapterVoteKind.ENDORSE, question=question
        )
        audit_append(
            actor=actor,
            action="candidate.chapter_vote",
            subject=locked,
            data={"question": question.pk, "council": cycle.council.slug},
        )
    return vote


def delegate_tally(question: CouncilQuestion) -> dict[str, int]:
    """The delegates' votes on a council question: for, against, abstain (one query)."""
    counts = dict.fromkeys(Position.values, 0)
    for position in DelegateVote.objects.filter(question=question).values_list(
        "position", flat=True
    ):
        if position in counts:
            counts[position] += 1
    counts["deciding"] = counts[Position.FOR] + counts[Position.AGAINST]
    counts["share"] = percent(counts[Position.FOR], counts["deciding"])
    return counts


def chapter_vote_decided(question: CouncilQuestion) -> ChapterVote | None:
    """The council has decided: fill in the vote and move the candidate (called in
    ``question_close``'s transaction, by the ``question_decided`` signal)."""
    vote = (
        ChapterVote.objects.select_for_update().filter(question_id=question.pk, passed=None).first()
    )
    if vote is None:
        return None
    candidate = _locked(vote.candidate)
    carried = question.state == QuestionState.CARRIED
    tally = delegate_tally(question)
    if vote.kind == ChapterVoteKind.RECALL:
        _recall_decided(vote, candidate, carried, tally)
    else:
        _endorse_decided(vote, candidate, carried, tally)
    return vote


def _endorse_decided(
    vote: ChapterVote, candidate: Candidate, carried: bool, tally: dict[str, int]
) -> None:
    cycle = candidate.cycle
    signed = pledges_count(candidate)
    share_ok = at_least(tally[Position.FOR], tally["deciding"], cycle.chapter_percent)
    pledges_ok = signed >= cycle.pledges_needed
    words = {
        "for": tally[Position.FOR],
        "deciding": tally["deciding"],
        "share": tally["share"],
        "need": cycle.chapter_percent,
        "signed": signed,
        "pledges": cycle.pledges_needed,
    }
    lines = [
        _("Carried by the council.") if carried else _("Not carried by the council."),
        _(
            "%(for)s of the %(deciding)s delegates' votes for or against were for "
            "(%(share)s%%; %(need)s%% needed)."
        )
        % words,
        _("%(signed)s pledges signed (%(pledges)s needed).") % words,
    ]
    passed = carried and share_ok and pledges_ok
    if passed:
        lines.append(_("Endorsed."))
    else:
        missing = []
        if not carried:
            missing.append(_("the council did not carry it"))
        if not share_ok:
            missing.append(_("too few delegates' votes for"))
        if not pledges_ok:
            missing.append(_("too few pledges signed"))
        lines.append(_("Not endorsed: %(why)s.") % {"why": "; ".join(missing)})
    explanation = " ".join(lines)[:MAX_NOTE]
    vote.passed = passed
    vote.explanation = explanation
    vote.save(update_fields=["passed", "explanation"])
    moved = candidate.stage == Stage.CHAPTER_VOTE
    if moved:
        _set_stage(candidate, Stage.ENDORSED if passed else Stage.NOT_ENDORSED, explanation)
    audit_append(
        actor=SYSTEM,
        action="candidate.chapter_decided",
        subject=candidate,
        data={
            "question": vote.question_id,
            "carried": carried,
            "for": tally[Position.FOR],
            "against": tally[Position.AGAINST],
            "pledges": signed,
            "endorsed": passed,
            "stage": candidate.stage if moved else f"unchanged: {candidate.stage}",
        },
    )


def _recall_decided(
    vote: ChapterVote, candidate: Candidate, carried: bool, tally: dict[str, int]
) -> None:
    words = {"for": tally[Position.FOR], "deciding": tally["deciding"]}
    if carried:
        explanation = (
            _(
                "The council carried the recall (%(for)s of %(deciding)s delegates' votes for "
                "or against were for): the endorsement is recalled."
            )
            % words
        )
    else:
        explanation = (
            _(
                "The council did not carry the recall (%(for)s of %(deciding)s delegates' "
                "votes for or against were for): the endorsement stands."
            )
            % words
        )
    vote.passed = carried
    vote.explanation = explanation[:MAX_NOTE]
    vote.save(update_fields=["passed", "explanation"])
    recalled = carried and candidate.stage == Stage.ENDORSED
    if recalled:
        _set_stage(candidate, Stage.RECALLED, explanation)
    audit_append(
        actor=SYSTEM,
        action="candidate.recall_decided",
        subject=candidate,
        data={
            "question": vote.question_id,
            "carried": carried,
            "for": tally[Position.FOR],
            "against": tally[Position.AGAINST],
            "recalled": recalled,
        },
    )


# --- the rubric --------------------------------------------------------------------------


def rubric_score(
    *, actor: object, candidate: Candidate, scores: Mapping[int, int]
) -> list[RubricScore]:
    """An organizer scores a state or national campaign, 0 to 5 on each criterion of
    the cycle's rubric (a criterion left out keeps the organizer's earlier score)."""
    cycle = candidate.cycle
    permissions.require(actor, "cycle.manage", cycle.chapter)
    if not uses_rubric(candidate):
        raise Conflict(
            _("Only state and national races are scored on the rubric."), code="local_race"
        )
    criteria = rubric_of(cycle)
    if not scores:
        raise ValidationFailed.for_field("scores", _("Score at least one criterion."))
    cleaned: dict[int, int] = {}
    for key, value in scores.items():
        index = int(key) if str(key).isdigit() else -1
        if not 0 <= index < len(criteria):
            raise ValidationFailed.for_field(
                "scores", _("There is no criterion %(n)s in the rubric.") % {"n": key}
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
            raise ValidationFailed.for_field(
                f"criterion_{index}", _("Score it from 0 to 5."), code="bad_score"
            )
        cleaned[index] = value
    with transaction.atomic():
        locked = _locked(candidate)
        if locked.stage not in RUNNING:
            raise Conflict(
                _("The endorsement is decided: the rubric can no longer change."),
                code="decided",
            )
        saved = [
            RubricScore.objects.update_or_create(
                candidate=locked,
                criterion=index,
                scored_by=actor,  # type: ignore[misc]
                defaults={"score": value},
            )[0]
            for index, value in sorted(cleaned.items())
        ]
        audit_append(
            actor=actor,
            action="candidate.rubric",
            subject=locked,
            data={"scores": {str(k): v for k, v in sorted(cleaned.items())}},
        )
    return saved


# --- the recall of an endorsement ------------------------------------------------------


def recall_start(
    *,
    actor: object,
    candidate: Candidate,
    institution: Institution,
    reason: str,
    mandates_close_at: datetime | None = None,
) -> ChapterVote:
    """A member assembly's officers put the recall of an endorsement to the cycle's
    council, with their reasons."""
    cycle = candidate.cycle
    permissions.require(actor, "candidate.nominate", institution)
    reason = clean_text(
        "reason", reason, MAX_REASON, required=_("Say why the endorsement should be recalled.")
    )
    _future_or_none("mandates_close_at", mandates_close_at)
    if institution.pk not in assemblies_of(cycle):
        raise Conflict(
            _("%(name)s is not one of the assemblies of %(council)s.")
            % {"name": institution.name, "council": cycle.council.name},
            code="not_a_member",
        )
    with transaction.atomic():
        locked = _locked(candidate)
        if locked.stage != Stage.ENDORSED:
            raise Conflict(
                _("Only an endorsement can be recalled (the candidate is: %(stage)s).")
                % {"stage": locked.get_stage_display().lower()},
                code="not_endorsed",
            )
        if ChapterVote.objects.filter(
            candidate=locked, kind=ChapterVoteKind.RECALL, passed=None
        ).exists():
            raise Conflict(
                _("The council is already voting on recalling this endorsement."),
                code="recall_pending",
            )
        question = council_questions.question_create(
            actor=actor,
            council=cycle.council,
            title=(_("Recall the endorsement of %(name)s") % {"name": locked.name})[:200],
            body=_question_body(
                locked,
                [
                    _("%(assembly)s asks the chapter to recall its endorsement:")
                    % {"assembly": institution.name},
                    reason,
                ],
            ),
            mandates_close_at=mandates_close_at,
            check_permission=False,
        )
        vote = ChapterVote.objects.create(
            candidate=locked,
            kind=ChapterVoteKind.RECALL,
            question=question,
            started_by=institution,
            reason=reason,
        )
        audit_append(
            actor=actor,
            action="candidate.recall_start",
            subject=locked,
            data={"question": question.pk, "institution": institution.slug},
        )
    return vote
