"""What the cycle and candidate pages and API show: cycles, their races, a candidate's
public record, and the candidate's own questionnaire (by their private link).

Every read is a fixed number of queries, whatever the number of candidates: the
candidates of a cycle come with their nominations (and assemblies) in two queries.
A candidate's answers are public only once the cycle's ``answers_public_at`` has
passed; before that, only the candidate (by their link) sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from bloc import permissions
from bloc.core.errors import NotFound
from bloc.electoral.models import (
    Answer,
    Candidate,
    Cycle,
    Nomination,
    Pledge,
    Priority,
    Question,
)
from bloc.electoral.questionnaires import answers_final
from bloc.institutions.models import Chapter, Institution

# --- cycles -----------------------------------------------------------------------


def cycle_list(chapter: Chapter) -> QuerySet[Cycle]:
    return (
        Cycle.objects.filter(chapter=chapter)
        .annotate(candidate_count=Count("candidates"))
        .order_by("-election_date", "title")
    )


def cycle_get(pk: int) -> Cycle:
    cycle = Cycle.objects.filter(pk=pk).select_related("chapter", "council", "platform").first()
    if cycle is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("There is no such endorsement cycle."))
    return cycle


def cycle_candidates(cycle: Cycle) -> list[Candidate]:
    """The cycle's candidates, each with ``nominations`` (and their assemblies)."""
    nominations = Nomination.objects.select_related("institution").order_by("created_at", "pk")
    return list(
        Candidate.objects.filter(cycle=cycle)
        .prefetch_related(Prefetch("nominations", queryset=nominations))
        .order_by("office", "district", "name")
    )


@dataclass
class Race:
    office: str
    district: str
    level: str
    candidates: list[Candidate] = field(default_factory=list)


def races(candidates: list[Candidate]) -> list[Race]:
    """Candidates grouped by office and district, in the order given."""
    grouped: dict[tuple[str, str], Race] = {}
    for candidate in candidates:
        key = (candidate.office.casefold(), candidate.district.casefold())
        race = grouped.get(key)
        if race is None:
            race = grouped[key] = Race(candidate.office, candidate.district, candidate.level)
        race.candidates.append(candidate)
    return list(grouped.values())


def cycle_questions(cycle: Cycle) -> list[Question]:
    return list(
        Question.objects.filter(cycle=cycle).select_related("priority").order_by("position", "pk")
    )


def platform_priorities(cycle: Cycle) -> list[Priority]:
    """The priorities of the cycle's platform, in the platform's order."""
    if cycle.platform_id is None:
        return []
    found = {p.pk: p for p in cycle.platform.priorities.all()}
    ordered = [found[pk] for pk in cycle.platform.order if pk in found]
    return ordered + [p for pk, p in found.items() if pk not in cycle.platform.order]


# --- who may nominate -------------------------------------------------------------


def nominating_assemblies(viewer: Any, chapter: Chapter) -> list[Institution]:
    """The chapter's assemblies the viewer may nominate for (as their facilitator or
    secretary, or as an organizer)."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    from bloc.permissions.roles import is_chapter_organizer

    institutions = Institution.objects.filter(chapter=chapter).order_by("name")
    if is_chapter_organizer(viewer, chapter):  # organizers act for any assembly
        return list(institutions[:500])
    # Officers of their own assemblies: a handful of memberships, checked one by one.
    mine = institutions.filter(memberships__user_id=viewer.pk, memberships__left_at__isnull=True)
    return [i for i in mine[:50] if permissions.check(viewer, "candidate.nominate", i)]


def assembly_members(institutions: list[Institution]) -> dict[int, list[tuple[int, str]]]:
    """Each assembly's current members (user id, name), to link a nominee's account."""
    from bloc.membership.models import Membership

    out: dict[int, list[tuple[int, str]]] = {i.pk: [] for i in institutions}
    rows = (
        Membership.objects.filter(institution__in=institutions, left_at__isnull=True)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    for membership in rows:
        out[membership.institution_id].append((membership.user_id, membership.user.full_name))
    return out


# --- a candidate ------------------------------------------------------------------


def candidate_get(pk: int) -> Candidate:
    candidate = (
        Candidate.objects.filter(pk=pk)
        .select_related("cycle", "cycle__chapter", "cycle__platform", "cycle__council")
        .first()
    )
    if candidate is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("There is no such candidate."))
    return candidate


@dataclass
class AnsweredQuestion:
    question: Question
    answer: Answer | None


@dataclass
class CandidateRecord:
    candidate: Candidate
    cycle: Cycle
    nominations: list[Nomination]
    pledges: list[Pledge]
    answers_public: bool
    questions: list[AnsweredQuestion]  # empty while the answers are not public
    answered: int  # how many questions the candidate has answered (public either way)
    question_count: int


def candidate_record(candidate: Candidate, *, now: Any = None) -> CandidateRecord:
    """What the public sees of a candidate. The answers only once they are public."""
    cycle = candidate.cycle
    nominations = list(
        Nomination.objects.filter(candidate=candidate)
        .select_related("institution")
        .order_by("created_at", "pk")
    )
    pledges = list(
        Pledge.objects.filter(candidate=candidate).select_related("priority").order_by("signed_at")
    )
    public = answers_final(cycle, now or timezone.now())
    questions = cycle_questions(cycle)
    answers = answers_by_question(candidate)
    return CandidateRecord(
        candidate=candidate,
        cycle=cycle,
        nominations=nominations,
        pledges=pledges,
        answers_public=public,
        questions=[AnsweredQuestion(q, answers.get(q.pk)) for q in questions] if public else [],
        answered=len(answers),
        question_count=len(questions),
    )


def answers_by_question(candidate: Candidate) -> dict[int, Answer]:
    return {a.question_id: a for a in Answer.objects.filter(candidate=candidate)}


@dataclass
class Questionnaire:
    """The candidate's own view, by their private link."""

    candidate: Candidate
    cycle: Cycle
    questions: list[AnsweredQuestion]
    priorities: list[Priority]
    pledged: dict[int, Pledge]
    answers_final: bool


def questionnaire(candidate: Candidate) -> Questionnaire:
    cycle = candidate.cycle
    answers = answers_by_question(candidate)
    pledged = {
        p.priority_id: p for p in Pledge.objects.filter(candidate=candidate).order_by("signed_at")
    }
    return Questionnaire(
        candidate=candidate,
        cycle=cycle,
        questions=[AnsweredQuestion(q, answers.get(q.pk)) for q in cycle_questions(cycle)],
        priorities=platform_priorities(cycle),
        pledged=pledged,
        answers_final=answers_final(cycle),
    )
