"""Endorsement cycles, candidates and the questionnaire in the JSON API (mounted under
/api/v1/electoral).

Cycles and candidates are public: anyone may read them. A candidate's answers are in
their public view only once the cycle's ``answers_public_at`` has passed. Setting up a
cycle and its questions is for the chapter's organizers; nominating and seconding for
an assembly's facilitator or secretary; applying for anyone logged in. A new
candidacy returns the private link's ``secret`` once (only its hash is kept).

The candidate's own endpoints under ``/answer/{secret}`` need no account: the secret
is the credential, and everything they do is keyed to the candidate it finds, never
to ids named in the request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from bloc.api.auth import optional_auth
from bloc.confederation.models import Council
from bloc.core.errors import NotFound, ValidationFailed
from bloc.electoral import candidate_selectors as sel
from bloc.electoral import candidates as services
from bloc.electoral import questionnaires
from bloc.electoral.models import Candidate, Cycle, Platform, Question
from bloc.institutions.models import Institution
from bloc.institutions.selectors import chapter_get

router = Router(tags=["electoral"])

LevelName = Literal["local", "state", "national"]
KindName = Literal["text", "yes_no", "scale"]


# --- schemas ----------------------------------------------------------------------


class CycleIn(Schema):
    chapter: str = Field(description="The chapter's slug.")
    title: str = Field(max_length=200)
    election_date: date
    council: str = Field(description="The slug of the council whose delegates hold the vote.")
    platform: int | None = Field(default=None, description="The platform pledged to.")
    nominations_needed: int = 1
    questionnaire: bool = True
    answered_percent: int = 100
    answers_public_at: datetime | None = None
    assembly_votes: bool = True
    assembly_percent: int = 50
    chapter_percent: int = 60
    pledges_needed: int = 3
    rubric: list[str] | None = Field(
        default=None, description="Criteria for state and national races; null: the default."
    )


class CyclePatch(Schema):
    title: str | None = Field(default=None, max_length=200)
    election_date: date | None = None
    council: str | None = None
    platform: int | None = Field(default=None, description="0: no platform.")
    nominations_needed: int | None = None
    questionnaire: bool | None = None
    answered_percent: int | None = None
    answers_public_at: datetime | None = None
    assembly_votes: bool | None = None
    assembly_percent: int | None = None
    chapter_percent: int | None = None
    pledges_needed: int | None = None
    rubric: list[str] | None = None


class CycleOut(Schema):
    id: int
    chapter: str
    title: str
    election_date: date
    council: str = Field(description="The council's slug.")
    platform: int | None
    nominations_needed: int
    questionnaire: bool
    answered_percent: int
    answers_public_at: datetime | None
    answers_public: bool = Field(description="Whether the answers are public now.")
    assembly_votes: bool
    assembly_percent: int
    chapter_percent: int
    pledges_needed: int
    rubric: list[str]
    candidates: int


class QuestionIn(Schema):
    text: str = Field(max_length=2000)
    kind: KindName
    priority: int | None = Field(default=None, description="A priority of the cycle's platform.")


class QuestionOut(Schema):
    id: int
    position: int
    text: str
    kind: str
    priority: int | None


class CycleDetailOut(CycleOut):
    questions: list[QuestionOut]


class NominationOut(Schema):
    institution: str = Field(description="The assembly's slug.")
    institution_name: str
    statement: str
    created_at: datetime


class ElectoralCandidateOut(Schema):
    id: int
    cycle: int
    name: str
    office: str
    district: str
    level: str
    profile: str
    website: str
    applied: bool
    stage: str = Field(
        description="nomination, questionnaire, assembly_votes, chapter_vote, endorsed, "
        "not_endorsed, withdrawn or recalled."
    )
    stage_note: str
    election_date: date
    nominations: list[NominationOut]


class AnswerOut(Schema):
    question: int
    text: str
    yes: bool | None
    scale: int | None


class PledgeOut(Schema):
    priority: int
    priority_title: str
    text: str
    signed_name: str
    signed_at: datetime


class CandidatePublicOut(ElectoralCandidateOut):
    pledges: list[PledgeOut]
    answers_public: bool
    answers_public_at: datetime | None
    answered: int = Field(description="How many questions the candidate has answered.")
    questions: int
    answers: list[AnswerOut] = Field(description="Empty until the answers are public.")


class CandidacyFieldsIn(Schema):
    name: str = Field(default="", max_length=200)
    office: str = Field(max_length=200)
    district: str = Field(default="", max_length=200)
    level: LevelName
    profile: str = Field(default="", max_length=5000)
    website: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254, description="Where the link is sent.")


class NominateIn(CandidacyFieldsIn):
    institution: str = Field(description="The nominating assembly's slug.")
    member: int | None = Field(
        default=None, description="The account of a member of the assembly who runs."
    )
    statement: str = Field(default="", max_length=5000)


class ApplyIn(CandidacyFieldsIn):
    pass


class SecondIn(Schema):
    institution: str = Field(description="The seconding assembly's slug.")
    statement: str = Field(default="", max_length=5000)


class CandidateCreatedOut(Schema):
    candidate: ElectoralCandidateOut
    secret: str = Field(description="The private link's secret: shown only this once.")
    url: str = Field(description="The private link.")


class LinkOut(Schema):
    secret: str = Field(description="The new private link's secret: shown only this once.")
    url: str


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    question: int
    text: str = Field(default="", max_length=5000)
    yes: bool | None = None
    scale: int | None = None


class AnswersIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: list[AnswerIn]


class PledgesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    priorities: list[int] = Field(description="Priorities of the cycle's platform.")
    signed_name: str = Field(max_length=200, description="The candidate's name, as a signature.")


class ProfileIn(Schema):
    model_config = ConfigDict(extra="forbid")

    profile: str = Field(default="", max_length=5000)
    website: str = Field(default="", max_length=200)


class QuestionnaireOut(Schema):
    candidate: ElectoralCandidateOut
    questions: list[QuestionOut]
    answers: list[AnswerOut]
    answers_final: bool = Field(description="Public, hence final: no more changes.")
    priorities: list[dict[str, Any]] = Field(description="The platform's priorities: id, title.")
    pledges: list[PledgeOut]


# --- helpers ----------------------------------------------------------------------


def _cycle_out(cycle: Cycle, candidates: int | None = None) -> dict[str, Any]:
    count = (
        candidates
        if candidates is not None
        else getattr(cycle, "candidate_count", None)
        or Candidate.objects.filter(cycle=cycle).count()
    )
    return {
        "id": cycle.pk,
        "chapter": cycle.chapter.slug,
        "title": cycle.title,
        "election_date": cycle.election_date,
        "council": cycle.council.slug,
        "platform": cycle.platform_id,
        "nominations_needed": cycle.nominations_needed,
        "questionnaire": cycle.questionnaire,
        "answered_percent": cycle.answered_percent,
        "answers_public_at": cycle.answers_public_at,
        "answers_public": questionnaires.answers_final(cycle),
        "assembly_votes": cycle.assembly_votes,
        "assembly_percent": cycle.assembly_percent,
        "chapter_percent": cycle.chapter_percent,
        "pledges_needed": cycle.pledges_needed,
        "rubric": list(cycle.rubric),
        "candidates": count,
    }


def _question_out(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "position": question.position,
        "text": question.text,
        "kind": question.kind,
        "priority": question.priority_id,
    }


def _nomination_out(nomination: Any) -> dict[str, Any]:
    return {
        "institution": nomination.institution.slug,
        "institution_name": nomination.institution.name,
        "statement": nomination.statement,
        "created_at": nomination.created_at,
    }


def _candidate_out(candidate: Candidate, nominations: list[Any] | None = None) -> dict[str, Any]:
    if nominations is None:
        nominations = list(candidate.nominations.select_related("institution").order_by("pk"))
    return {
        "id": candidate.pk,
        "cycle": candidate.cycle_id,
        "name": candidate.name,
        "office": candidate.office,
        "district": candidate.district,
        "level": candidate.level,
        "profile": candidate.profile,
        "website": candidate.website,
        "applied": candidate.applied,
        "stage": candidate.stage,
        "stage_note": candidate.stage_note,
        "election_date": candidate.cycle.election_date,
        "nominations": [_nomination_out(n) for n in nominations],
    }


def _answer_out(answer: Any) -> dict[str, Any]:
    return {
        "question": answer.question_id,
        "text": answer.text,
        "yes": answer.yes,
        "scale": answer.scale,
    }


def _pledge_out(pledge: Any) -> dict[str, Any]:
    return {
        "priority": pledge.priority_id,
        "priority_title": pledge.priority.title,
        "text": pledge.text,
        "signed_name": pledge.signed_name,
        "signed_at": pledge.signed_at,
    }


def _cycle(cycle_id: int) -> Cycle:
    return sel.cycle_get(cycle_id)


def _candidate(candidate_id: int) -> Candidate:
    return sel.candidate_get(candidate_id)


def _council(chapter: Any, slug: str) -> Council | None:
    return Council.objects.filter(chapter=chapter, slug=slug).first()


def _platform(chapter: Any, pk: int | None) -> Platform | None:
    if not pk:
        return None
    platform = Platform.objects.filter(chapter=chapter, pk=pk).first()
    if platform is None:
        raise ValidationFailed.for_field("platform", _("Choose a platform of the chapter."))
    return platform


def _assembly(slug: str) -> Institution:
    institution = Institution.objects.filter(slug=slug).select_related("chapter").first()
    if institution is None:
        raise ValidationFailed.for_field("institution", _("There is no assembly by that name."))
    return institution


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _created(candidate: Candidate, secret: str) -> dict[str, Any]:
    return {
        "candidate": _candidate_out(candidate),
        "secret": secret,
        "url": services.answer_url(secret),
    }


# --- cycles -----------------------------------------------------------------------


@router.get(
    "/cycles",
    response=list[CycleOut],
    auth=optional_auth,
    summary="The endorsement cycles of a chapter",
)
def cycle_list(request: HttpRequest, chapter: str) -> list[dict[str, Any]]:
    found = chapter_get(slug=chapter)
    cycles = sel.cycle_list(found).select_related("chapter", "council")
    return [_cycle_out(c, c.candidate_count) for c in cycles]


@router.post("/cycles", response={201: CycleDetailOut}, summary="Set up an endorsement cycle")
def cycle_create(request: HttpRequest, payload: CycleIn) -> Status[dict[str, Any]]:
    chapter = chapter_get(slug=payload.chapter)
    data = payload.dict()
    data.pop("chapter")
    data["council"] = _council(chapter, payload.council)
    data["platform"] = _platform(chapter, payload.platform)
    data["answers_public_at"] = _aware(payload.answers_public_at)
    cycle = services.cycle_create(actor=request.user, chapter=chapter, **data)
    return Status(201, {**_cycle_out(cycle, 0), "questions": []})


@router.get(
    "/cycles/{cycle_id}",
    response=CycleDetailOut,
    auth=optional_auth,
    summary="An endorsement cycle and its questionnaire",
)
def cycle_detail(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    cycle = _cycle(cycle_id)
    return {
        **_cycle_out(cycle),
        "questions": [_question_out(q) for q in sel.cycle_questions(cycle)],
    }


@router.patch(
    "/cycles/{cycle_id}",
    response=CycleDetailOut,
    summary="Change an endorsement cycle",
    description="Only the fields sent change. `platform: 0` removes the platform.",
)
def cycle_update(request: HttpRequest, cycle_id: int, payload: CyclePatch) -> dict[str, Any]:
    cycle = _cycle(cycle_id)
    changes = payload.dict(exclude_unset=True)
    if "council" in changes:
        changes["council"] = _council(cycle.chapter, changes["council"] or "")
    if "platform" in changes:
        changes["platform"] = _platform(cycle.chapter, changes["platform"])
    if "answers_public_at" in changes:
        changes["answers_public_at"] = _aware(changes["answers_public_at"])
    for name in ("title", "election_date", "nominations_needed", "questionnaire",
                 "answered_percent", "assembly_votes", "assembly_percent", "chapter_percent",
                 "pledges_needed", "rubric"):  # fmt: skip
        if name in changes and changes[name] is None:
            raise ValidationFailed.for_field(name, _("Give a value, or leave the field out."))
    cycle = services.cycle_update(actor=request.user, cycle=cycle, **changes)
    return {
        **_cycle_out(cycle),
        "questions": [_question_out(q) for q in sel.cycle_questions(cycle)],
    }


@router.post(
    "/cycles/{cycle_id}/questions",
    response={201: QuestionOut},
    summary="Add a question to the cycle's questionnaire",
)
def question_add(
    request: HttpRequest, cycle_id: int, payload: QuestionIn
) -> Status[dict[str, Any]]:
    cycle = _cycle(cycle_id)
    priority = None
    if payload.priority is not None:
        priority = next(
            (p for p in sel.platform_priorities(cycle) if p.pk == payload.priority), None
        )
        if priority is None:
            raise ValidationFailed.for_field(
                "priority", _("Choose a priority of the cycle's platform.")
            )
    question = questionnaires.question_add(
        actor=request.user, cycle=cycle, text=payload.text, kind=payload.kind, priority=priority
    )
    return Status(201, _question_out(question))


@router.delete(
    "/cycles/{cycle_id}/questions/{question_id}",
    response={204: None},
    summary="Remove a question nobody has answered",
)
def question_remove(request: HttpRequest, cycle_id: int, question_id: int) -> Status[None]:
    cycle = _cycle(cycle_id)
    question = Question.objects.filter(cycle=cycle, pk=question_id).first()
    if question is None:
        raise NotFound(_("There is no such question in this cycle."))
    question.cycle = cycle
    questionnaires.question_remove(actor=request.user, question=question)
    return Status(204, None)


# --- candidates -------------------------------------------------------------------


@router.get(
    "/cycles/{cycle_id}/candidates",
    response=list[ElectoralCandidateOut],
    auth=optional_auth,
    summary="The cycle's candidates, by office",
)
def candidate_list(request: HttpRequest, cycle_id: int) -> list[dict[str, Any]]:
    cycle = _cycle(cycle_id)
    candidates = sel.cycle_candidates(cycle)
    for candidate in candidates:
        candidate.cycle = cycle
    return [_candidate_out(c, list(c.nominations.all())) for c in candidates]


@router.post(
    "/cycles/{cycle_id}/candidates",
    response={201: CandidateCreatedOut},
    summary="An assembly nominates a candidate",
    description=(
        "By the assembly's facilitator or secretary. The answer carries the private link's "
        "`secret`, shown only this once; the link is also emailed to `email` (or the "
        "member's) when there is one."
    ),
)
def candidate_nominate(
    request: HttpRequest, cycle_id: int, payload: NominateIn
) -> Status[dict[str, Any]]:
    from bloc.accounts.models import User

    cycle = _cycle(cycle_id)
    data = payload.dict()
    institution = _assembly(data.pop("institution"))
    member_id = data.pop("member")
    member = User.objects.filter(pk=member_id).first() if member_id else None
    if member_id and member is None:
        raise ValidationFailed.for_field("member", _("There is no such account."))
    candidate, secret = services.candidate_nominate(
        actor=request.user, institution=institution, cycle=cycle, member=member, **data
    )
    return Status(201, _created(candidate, secret))


@router.post(
    "/cycles/{cycle_id}/applications",
    response={201: CandidateCreatedOut},
    summary="Apply for the chapter's endorsement",
    description=(
        "Anyone logged in. The application still needs the nominations of the cycle's "
        "`nominations_needed` assemblies. The private link's `secret` is shown only once."
    ),
)
def candidate_apply(
    request: HttpRequest, cycle_id: int, payload: ApplyIn
) -> Status[dict[str, Any]]:
    cycle = _cycle(cycle_id)
    candidate, secret = services.candidate_apply(actor=request.user, cycle=cycle, **payload.dict())
    return Status(201, _created(candidate, secret))


@router.get(
    "/candidates/{candidate_id}",
    response=CandidatePublicOut,
    auth=optional_auth,
    summary="A candidate's public record",
    description="Their answers are included only once the cycle's `answers_public_at` has passed.",
)
def candidate_detail(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    record = sel.candidate_record(_candidate(candidate_id))
    answers = [_answer_out(aq.answer) for aq in record.questions if aq.answer is not None]
    return {
        **_candidate_out(record.candidate, record.nominations),
        "pledges": [_pledge_out(p) for p in record.pledges],
        "answers_public": record.answers_public,
        "answers_public_at": record.cycle.answers_public_at,
        "answered": record.answered,
        "questions": record.question_count,
        "answers": answers,
    }


@router.post(
    "/candidates/{candidate_id}/nominations",
    response={201: NominationOut},
    summary="Another assembly seconds a candidate's nomination",
    description="Once per assembly (409 `already_nominated`).",
)
def candidate_second(
    request: HttpRequest, candidate_id: int, payload: SecondIn
) -> Status[dict[str, Any]]:
    candidate = _candidate(candidate_id)
    institution = _assembly(payload.institution)
    nomination = services.nomination_add(
        actor=request.user,
        candidate=candidate,
        institution=institution,
        statement=payload.statement,
    )
    return Status(201, _nomination_out(nomination))


@router.post(
    "/candidates/{candidate_id}/link",
    response={201: LinkOut},
    summary="Make a new private link for a candidate",
    description="Organizers. The old link stops working; the new secret is shown only once.",
)
def candidate_link(request: HttpRequest, candidate_id: int) -> Status[dict[str, Any]]:
    candidate = _candidate(candidate_id)
    secret = questionnaires.candidate_link_rotate(actor=request.user, candidate=candidate)
    return Status(201, {"secret": secret, "url": services.answer_url(secret)})


# --- by the candidate's private link ----------------------------------------------


def _questionnaire(secret: str) -> dict[str, Any]:
    candidate = questionnaires.candidate_by_secret(secret)
    view = sel.questionnaire(candidate)
    pledges = list(view.pledged.values())
    priorities = {p.pk: p for p in view.priorities}
    for pledge in pledges:
        pledge.priority = priorities.get(pledge.priority_id) or pledge.priority
    return {
        "candidate": _candidate_out(candidate),
        "questions": [_question_out(aq.question) for aq in view.questions],
        "answers": [_answer_out(aq.answer) for aq in view.questions if aq.answer is not None],
        "answers_final": view.answers_final,
        "priorities": [{"id": p.pk, "title": p.title} for p in view.priorities],
        "pledges": [_pledge_out(p) for p in pledges],
    }


@router.get(
    "/answer/{secret}",
    response=QuestionnaireOut,
    auth=None,
    summary="The candidate's questionnaire, by their private link",
    description="No account: the secret is the credential. 404 for a wrong or old link.",
)
def answer_view(request: HttpRequest, secret: str) -> dict[str, Any]:
    return _questionnaire(secret)


@router.get(
    "/answer/{secret}/answers",
    response=list[AnswerOut],
    auth=None,
    summary="The candidate's answers, by their private link",
)
def answer_list(request: HttpRequest, secret: str) -> list[dict[str, Any]]:
    candidate = questionnaires.candidate_by_secret(secret)
    return [_answer_out(a) for a in sel.answers_by_question(candidate).values()]


@router.put(
    "/answer/{secret}/answers",
    response=list[AnswerOut],
    auth=None,
    summary="Answer questions (or change answers), by the private link",
    description=(
        "Each answer names a question of the candidate's own cycle: `text` for free text, "
        "`yes` (plus an optional `text`) for yes/no, `scale` 1-5 (plus `text`) for a scale. "
        "All or nothing: one bad answer or another cycle's question (422 "
        "`foreign_question`) and nothing is written. 409 `answers_public` once public."
    ),
)
def answer_save(request: HttpRequest, secret: str, payload: AnswersIn) -> list[dict[str, Any]]:
    answers: dict[int, dict[str, Any]] = {}
    for entry in payload.answers:
        if entry.question in answers:
            raise ValidationFailed.for_field(
                "answers",
                _("Question %(id)s is answered twice.") % {"id": entry.question},
            )
        answers[entry.question] = entry.dict(exclude={"question"})
    saved = questionnaires.answer_save(secret=secret, answers=answers)
    return [_answer_out(a) for a in saved]


@router.post(
    "/answer/{secret}/pledges",
    response={201: list[PledgeOut]},
    auth=None,
    summary="Sign pledges to platform priorities, by the private link",
    description="The signature is the candidate's name, typed. Returns the new pledges.",
)
def answer_pledges(request: HttpRequest, secret: str, payload: PledgesIn) -> Status[list[Any]]:
    candidate = questionnaires.candidate_by_secret(secret)
    found = {p.pk: p for p in sel.platform_priorities(candidate.cycle)}
    unknown = [pk for pk in payload.priorities if pk not in found]
    if unknown:
        raise ValidationFailed.for_field(
            "priorities", _("Choose priorities of the cycle's platform.")
        )
    pledges = questionnaires.pledge_sign(
        secret=secret,
        priorities=[found[pk] for pk in payload.priorities],
        signed_name=payload.signed_name,
    )
    return Status(201, [_pledge_out(p) for p in pledges])


@router.put(
    "/answer/{secret}/profile",
    response=ElectoralCandidateOut,
    auth=None,
    summary="Update the candidate's profile and website, by the private link",
)
def answer_profile(request: HttpRequest, secret: str, payload: ProfileIn) -> dict[str, Any]:
    candidate = services.candidate_profile_update(
        secret=secret, profile=payload.profile, website=payload.website
    )
    return _candidate_out(candidate)


@router.post(
    "/answer/{secret}/withdraw",
    response=ElectoralCandidateOut,
    auth=None,
    summary="Withdraw from the cycle, by the private link",
)
def answer_withdraw(request: HttpRequest, secret: str) -> dict[str, Any]:
    candidate = questionnaires.candidate_withdraw(secret=secret)
    return _candidate_out(candidate)
