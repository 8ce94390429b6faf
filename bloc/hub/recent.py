"""The chapter's recent public decisions, for its public page and API.

Four lists, newest first, at most ``LIMIT`` each: proposals carried by institutions
whose records are public, councils' decisions (councils are public bodies), the
projects funded by counted budgets of institutions with public records, and the
candidates the chapter endorsed. Five queries however big the chapter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from bloc.hub.calendar import public_scope
from bloc.institutions.models import Chapter

LIMIT = 10


@dataclass(frozen=True)
class RecentDecision:
    title: str
    at: datetime
    where: str  # the institution's, council's or chapter's name
    outcome: str  # e.g. "Adopted", "Carried by the council", the funded projects
    url: str  # a path on this site


@dataclass(frozen=True)
class Recent:
    proposals: list[RecentDecision]
    councils: list[RecentDecision]
    budgets: list[RecentDecision]
    endorsements: list[RecentDecision]

    def __bool__(self) -> bool:
        return bool(self.proposals or self.councils or self.budgets or self.endorsements)


def recent_decisions(
    *, chapter: Chapter, public_ids: Iterable[int] | None = None, limit: int = LIMIT
) -> Recent:
    """``public_ids``: the chapter's institutions with public records, when the caller
    already has them (``bloc.hub.calendar.public_scope``); else one more query."""
    from bloc.budgeting.models import Budget, Project
    from bloc.confederation.models import Question
    from bloc.decisions.models import Proposal, ProposalState
    from bloc.electoral.models import Candidate, Stage

    if public_ids is None:
        public_ids = public_scope(chapter=chapter).public_ids
    public_ids = sorted(public_ids)
    proposals = [
        RecentDecision(
            title=p.title,
            at=p.decided_at,
            where=p.institution.name,
            outcome=p.get_state_display(),
            url=reverse("institutions:proposal_detail", args=[p.institution.slug, p.pk]),
        )  # fmt: skip
        for p in Proposal.objects.filter(
            institution_id__in=public_ids,
            state__in=[ProposalState.ADOPTED, ProposalState.CARRIED_OUT],
            decided_at__isnull=False,
        )
        .select_related("institution")
        .order_by("-decided_at", "-pk")[:limit]
    ]
    councils = [
        RecentDecision(
            title=q.title,
            at=q.ratified_at or q.decided_at,
            where=q.council.name,
            outcome=q.get_state_display(),
            url=reverse("councils:question", args=[q.council.slug, q.pk]),
        )  # fmt: skip
        for q in Question.objects.filter(council__chapter=chapter, decided_at__isnull=False)
        .select_related("council")
        .order_by("-decided_at", "-pk")[:limit]
    ]
    budgets_counted = list(
        Budget.objects.filter(institution_id__in=public_ids, counted_at__isnull=False)
        .select_related("institution")
        .order_by("-counted_at", "-pk")[:limit]
    )
    funded: dict[int, list[str]] = {b.pk: [] for b in budgets_counted}
    selected = {
        b.pk: {str(k) for k in (b.result or {}).get("selected", [])} for b in budgets_counted
    }
    for project in Project.objects.filter(budget__in=budgets_counted).order_by("pk"):
        if project.key in selected[project.budget_id]:
            funded[project.budget_id].append(project.title)
    budgets = [
        RecentDecision(
            title=b.title,
            at=b.counted_at,
            where=b.institution.name,
            outcome=", ".join(funded[b.pk]),
            url=reverse("institutions:budget_results", args=[b.institution.slug, b.pk]),
        )  # fmt: skip
        for b in budgets_counted
    ]
    endorsements = [
        RecentDecision(
            title=c.name,
            at=c.endorsed_at,
            where=c.office,
            outcome=c.get_stage_display(),
            url=reverse("electoral:candidate_detail", args=[c.pk]),
        )  # fmt: skip
        for c in Candidate.objects.filter(
            cycle__chapter=chapter, endorsed_at__isnull=False, stage=Stage.ENDORSED
        ).order_by("-endorsed_at", "-pk")[:limit]
    ]
    return Recent(proposals, councils, budgets, endorsements)
