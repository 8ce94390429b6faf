"""A candidate's endorsement in the JSON API (mounted under /api/v1/electoral).

Reading is public: where a candidate stands and why, each stage's threshold, each
assembly's vote, the chapter's votes (council questions), the rubric's averages, the
pledges and the recalls; and the chapter's endorsements. Acting needs a session or a
token: the chapter's organizers move candidates on, send them to the assemblies, put
them to the council and score the rubric; a member assembly's facilitators or
secretary start a recall. The services check who may, and a refusal writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc.api.auth import optional_auth
from bloc.core.errors import NotFound
from bloc.electoral import endorsement_selectors as sel
from bloc.electoral import endorsements as services
from bloc.electoral.models import Candidate, ChapterVote, Stage
from bloc.institutions.models import Institution

router = Router(tags=["electoral"])

StageState = Literal["done", "current", "upcoming", "skipped", "stopped", "ended"]


# --- schemas -----------------------------------------------------------------------


class EndorsementStageOut(Schema):
    stage: str = Field(description="nomination, questionnaire, assembly_votes or chapter_vote.")
    label: str
    threshold: str = Field(description="What the stage asks, in words.")
    state: StageState = Field(
        description="done, current, upcoming, skipped (the cycle does not use it), stopped "
        "(the candidacy ended there) or ended (it ended before)."
    )
    progress: str = Field(description="How far the candidate is, in words.")


class EndorsementAssemblyOut(Schema):
    institution: str = Field(description="The assembly's slug.")
    name: str
    poll_id: int = Field(description="The assembly's poll (at /institutions/…/polls/…).")
    closes_at: datetime
    counted: bool
    position: Literal["for", "against"] | None = Field(
        description="What the assembly decided; null: still voting, no quorum or cancelled."
    )


class EndorsementChapterVoteOut(Schema):
    id: int
    kind: Literal["endorse", "recall"]
    council: str = Field(description="The council's slug.")
    question_id: int = Field(description="The council question (/api/v1/councils/…/questions/…).")
    question_state: str
    delegates_for: int
    delegates_against: int
    delegates_abstain: int
    started_by: str | None = Field(description="A recall: the assembly that asked (slug).")
    reason: str = Field(description="A recall: the assembly's reasons.")
    passed: bool | None = Field(
        description="Endorsed (or recalled); null until the council decides."
    )
    explanation: str
    created_at: datetime


class EndorsementRubricOut(Schema):
    criterion: int = Field(description="The criterion's index in the cycle's rubric.")
    name: str
    average: float | None = Field(description="The organizers' average score (0-5).")
    scores: int = Field(description="How many organizers scored it.")


class EndorsementOut(Schema):
    candidate_id: int
    name: str
    office: str
    level: str
    cycle_id: int
    stage: str = Field(
        description="nomination, questionnaire, assembly_votes, chapter_vote, endorsed, "
        "not_endorsed, withdrawn or recalled."
    )
    stage_note: str = Field(description="Why the last stage ended as it did (public).")
    endorsed_at: datetime | None
    stages: list[EndorsementStageOut]
    next_stage: str | None = Field(description="Where the organizers can move the candidate.")
    waiting_for: str | None = Field(description="Why the candidate cannot be moved on now.")
    nominated_by: list[str] = Field(description="The nominating assemblies' slugs.")
    nominations_needed: int
    questions_answered: int
    questions: int
    answered_percent_needed: int
    pledges: int
    pledges_needed: int
    assembly_percent_needed: int
    assemblies_for: int
    assemblies_against: int
    assemblies_undecided: int
    assemblies_voting: int
    assemblies: list[EndorsementAssemblyOut]
    chapter_percent_needed: int
    chapter_votes: list[EndorsementChapterVoteOut]
    recalls: list[EndorsementChapterVoteOut]
    rubric: list[EndorsementRubricOut] = Field(
        description="State and national races: the rubric's averages; empty for local races."
    )
    rubric_total: float | None = Field(description="The sum of the criteria's averages.")


class EndorsementListItemOut(Schema):
    candidate_id: int
    name: str
    office: str
    district: str
    cycle_id: int
    cycle: str
    endorsed_at: datetime | None


class EndorsementListOut(Schema):
    endorsed: list[EndorsementListItemOut]
    recalls: list[EndorsementChapterVoteOut]


class EndorsementDeclineIn(Schema):
    reason: str = Field(max_length=500, description="Why the candidacy ends here (public).")


class EndorsementSendIn(Schema):
    closes_at: datetime = Field(description="When the assemblies' polls close.")


class EndorsementChapterVoteIn(Schema):
    mandates_close_at: datetime | None = Field(
        default=None,
        description="With a time, the council's assemblies first decide their delegates' "
        "mandates; null: the delegates vote at once.",
    )


class EndorsementRubricIn(Schema):
    scores: dict[int, int] = Field(
        description="Criterion index → score from 0 to 5 (criteria left out keep your score)."
    )


class EndorsementRecallIn(Schema):
    institution: str = Field(description="The slug of the assembly asking for the recall.")
    reason: str = Field(max_length=5000)
    mandates_close_at: datetime | None = None


# --- helpers -----------------------------------------------------------------------


def _aware(moment: datetime | None) -> datetime | None:
    # A time sent without an offset is read in the site's time zone, as the pages do.
    if moment is None:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _candidate(candidate_id: int) -> Candidate:
    candidate = sel.candidate_for_endorsement(candidate_id)
    if candidate is None:
        raise NotFound(_("There is no such candidate."))
    return candidate


def _vote_out(vote: ChapterVote, tally: dict[str, int]) -> dict[str, Any]:
    return {
        "id": vote.pk,
        "kind": vote.kind,
        "council": vote.question.council.slug,
        "question_id": vote.question_id,
        "question_state": vote.question.state,
        "delegates_for": tally.get("for", 0),
        "delegates_against": tally.get("against", 0),
        "delegates_abstain": tally.get("abstain", 0),
        "started_by": vote.started_by.slug if vote.started_by else None,
        "reason": vote.reason,
        "passed": vote.passed,
        "explanation": vote.explanation,
        "created_at": vote.created_at,
    }


def endorsement_out(candidate: Candidate) -> dict[str, Any]:
    if candidate.stage == Stage.ASSEMBLY_VOTES:
        candidate = services.endorsement_sync(candidate)
    state = sel.endorsement_state(candidate)
    cycle = candidate.cycle
    tally = state["assembly"]
    return {
        "candidate_id": candidate.pk,
        "name": candidate.name,
        "office": candidate.office,
        "level": candidate.level,
        "cycle_id": cycle.pk,
        "stage": candidate.stage,
        "stage_note": candidate.stage_note,
        "endorsed_at": candidate.endorsed_at,
        "stages": [
            {
                "stage": s.key,
                "label": s.label,
                "threshold": s.threshold,
                "state": s.state,
                "progress": s.progress,
            }
            for s in state["stages"]
        ],
        "next_stage": services.next_stage(cycle, candidate.stage)
        if candidate.stage in (Stage.NOMINATION, Stage.QUESTIONNAIRE)
        else None,
        "waiting_for": state["advance_problem"],
        "nominated_by": [n.institution.slug for n in state["nominations"]],
        "nominations_needed": cycle.nominations_needed,
        "questions_answered": state["answered"][0],
        "questions": state["answered"][1],
        "answered_percent_needed": cycle.answered_percent,
        "pledges": state["pledges"],
        "pledges_needed": cycle.pledges_needed,
        "assembly_percent_needed": cycle.assembly_percent,
        "assemblies_for": tally["for"],
        "assemblies_against": tally["against"],
        "assemblies_undecided": tally["undecided"],
        "assemblies_voting": tally["pending"],
        "assemblies": [
            {
                "institution": row["ballot"].institution.slug,
                "name": row["ballot"].institution.name,
                "poll_id": row["ballot"].poll_id,
                "closes_at": row["ballot"].poll.closes_at,
                "counted": row["closed"],
                "position": row["position"],
            }
            for row in tally["rows"]
        ],
        "chapter_percent_needed": cycle.chapter_percent,
        "chapter_votes": [_vote_out(v.vote, v.tally) for v in state["chapter_votes"]],
        "recalls": [_vote_out(v.vote, v.tally) for v in state["recalls"]],
        "rubric": [
            {"criterion": r.index, "name": r.criterion, "average": r.average, "scores": r.scores}
            for r in state["rubric"]
        ],
        "rubric_total": state["rubric_total"],
    }


# --- endpoints ---------------------------------------------------------------------

ONE = "/candidates/{candidate_id}/endorsement"


@router.get(
    "/endorsements",
    response=EndorsementListOut,
    auth=optional_auth,
    summary="The endorsed candidates, and every recall with its result",
)
def endorsement_list(request: HttpRequest) -> dict[str, Any]:
    listed = sel.endorsements_list()
    tallies = sel.chapter_vote_tallies(listed["recalls"])
    return {
        "endorsed": [
            {
                "candidate_id": c.pk,
                "name": c.name,
                "office": c.office,
                "district": c.district,
                "cycle_id": c.cycle_id,
                "cycle": c.cycle.title,
                "endorsed_at": c.endorsed_at,
            }
            for c in listed["endorsed"]
        ],
        "recalls": [_vote_out(v, tallies.get(v.question_id, {})) for v in listed["recalls"]],
    }


@router.get(
    ONE,
    response=EndorsementOut,
    auth=optional_auth,
    summary="Where a candidate stands in the endorsement, and why",
    description="Counts the assemblies' polls that are due first.",
)
def endorsement_get(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    return endorsement_out(_candidate(candidate_id))


@router.post(
    f"{ONE}/advance",
    response=EndorsementOut,
    summary="Move the candidate on to the next stage the cycle uses",
    description=(
        "From nomination or the questionnaire, when the stage's threshold is met (else 409 "
        "`threshold_not_met`, saying why). The chapter's organizers may."
    ),
)
def endorsement_advance(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    candidate = services.candidate_advance(actor=request.user, candidate=_candidate(candidate_id))
    return endorsement_out(candidate)


@router.post(
    f"{ONE}/decline",
    response=EndorsementOut,
    summary="End a candidacy before the votes, saying why (public)",
)
def endorsement_decline(
    request: HttpRequest, candidate_id: int, payload: EndorsementDeclineIn
) -> dict[str, Any]:
    candidate = services.candidate_decline(
        actor=request.user, candidate=_candidate(candidate_id), reason=payload.reason
    )
    return endorsement_out(candidate)


@router.post(
    f"{ONE}/send",
    response=EndorsementOut,
    summary="Send the candidate to every assembly's vote",
    description=(
        "Each assembly of the cycle's council (else of the chapter) gets its own poll, for "
        "or against under its motion rule. When the last is counted the candidate moves on "
        "to the chapter's vote, or out, by the cycle's `assembly_percent`."
    ),
)
def endorsement_send(
    request: HttpRequest, candidate_id: int, payload: EndorsementSendIn
) -> dict[str, Any]:
    candidate = _candidate(candidate_id)
    services.endorsement_send(
        actor=request.user,
        candidate=candidate,
        closes_at=_aware(payload.closes_at),  # type: ignore[arg-type]
    )
    return endorsement_out(candidate)


@router.post(
    f"{ONE}/chapter-vote",
    response={201: EndorsementChapterVoteOut},
    summary="Put the endorsement to the cycle's council",
    description=(
        "A council question its delegates vote on (`/api/v1/councils/…/questions/…`). When "
        "the council decides, the candidate is endorsed if it is carried, the delegates' "
        "votes for are at least the cycle's `chapter_percent` of those for or against, and "
        "the candidate has signed at least `pledges_needed` pledges."
    ),
)
def endorsement_chapter_vote(
    request: HttpRequest, candidate_id: int, payload: EndorsementChapterVoteIn
) -> Status[dict[str, Any]]:
    vote = services.chapter_vote_open(
        actor=request.user,
        candidate=_candidate(candidate_id),
        mandates_close_at=_aware(payload.mandates_close_at),
    )
    return Status(201, _vote_out(vote, {}))


@router.post(
    f"{ONE}/rubric",
    response=EndorsementOut,
    summary="Score a state or national campaign on the cycle's rubric (0-5 each)",
    description="Refused for local races (409 `local_race`).",
)
def endorsement_rubric(
    request: HttpRequest, candidate_id: int, payload: EndorsementRubricIn
) -> dict[str, Any]:
    candidate = _candidate(candidate_id)
    services.rubric_score(actor=request.user, candidate=candidate, scores=payload.scores)
    return endorsement_out(candidate)


@router.post(
    f"{ONE}/recall",
    response={201: EndorsementChapterVoteOut},
    summary="Ask the chapter to recall an endorsement",
    description=(
        "A facilitator or secretary of a member assembly may, with the assembly's reasons. "
        "The cycle's council decides; carried, the endorsement is recalled."
    ),
)
def endorsement_recall(
    request: HttpRequest, candidate_id: int, payload: EndorsementRecallIn
) -> Status[dict[str, Any]]:
    candidate = _candidate(candidate_id)
    institution = Institution.objects.filter(slug=payload.institution).first()
    if institution is None:
        raise NotFound(_("There is no such assembly."))
    vote = services.recall_start(
        actor=request.user,
        candidate=candidate,
        institution=institution,
        reason=payload.reason,
        mandates_close_at=_aware(payload.mandates_close_at),
    )
    return Status(201, _vote_out(vote, {}))
