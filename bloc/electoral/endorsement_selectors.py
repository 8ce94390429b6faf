"""What the endorsement pages and the API read: where a candidate stands and why, each
assembly's vote, the chapter's votes, the rubric, the pledges, the recalls; and the
chapter's endorsements. A fixed number of queries whatever the number of assemblies,
delegates or scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from bloc.confederation.models import DelegateVote, Position
from bloc.electoral import endorsements as rules
from bloc.electoral.models import (
    Candidate,
    ChapterVote,
    ChapterVoteKind,
    Cycle,
    Nomination,
    RubricScore,
    Stage,
)
from bloc.institutions.models import Institution

# How each stage reads on the page.
DONE, CURRENT, UPCOMING, SKIPPED = "done", "current", "upcoming", "skipped"
STOPPED, ENDED = "stopped", "ended"


def candidate_for_endorsement(pk: int) -> Candidate | None:
    return (
        Candidate.objects.select_related(
            "cycle", "cycle__chapter", "cycle__council", "cycle__platform"
        )
        .filter(pk=pk)
        .first()
    )


def candidate_url(candidate: Candidate) -> str | None:
    """The candidate's own page (another part's), when it exists."""
    for name in ("electoral:candidate", "electoral:candidate_detail"):
        try:
            return reverse(name, args=[candidate.pk])
        except NoReverseMatch:
            continue
    return None


def thresholds(cycle: Cycle) -> dict[str, str]:
    """What each stage asks, in words."""
    return {
        Stage.NOMINATION: _("Nominations from at least %(n)s assemblies.")
        % {"n": cycle.nominations_needed},
        Stage.QUESTIONNAIRE: (
            _("Answers to at least %(n)s%% of the questionnaire.") % {"n": cycle.answered_percent}
            if cycle.questionnaire
            else _("This cycle has no questionnaire.")
        ),
        Stage.ASSEMBLY_VOTES: (
            _("At least %(n)s%% of the assemblies that decide vote for.")
            % {"n": cycle.assembly_percent}
            if cycle.assembly_votes
            else _("This cycle has no assembly votes.")
        ),
        Stage.CHAPTER_VOTE: _(
            "Carried by the council %(council)s, with at least %(n)s%% of the delegates' votes "
            "for or against being for, and at least %(p)s pledges signed."
        )
        % {
            "council": cycle.council.name,
            "n": cycle.chapter_percent,
            "p": cycle.pledges_needed,
        },
    }


@dataclass
class StageRow:
    key: str
    label: str
    threshold: str
    state: str
    progress: str = ""


def _progress(
    cycle: Cycle,
    nominations: int,
    answered: tuple[int, int],
    tally: dict[str, Any],
    pledges: int,
) -> dict[str, str]:
    done, asked = answered
    return {
        Stage.NOMINATION: _("%(have)s of %(need)s nominations.")
        % {"have": nominations, "need": cycle.nominations_needed},
        Stage.QUESTIONNAIRE: _("%(done)s of %(asked)s questions answered (%(share)s%%).")
        % {"done": done, "asked": asked, "share": rules.percent(done, asked)},
        Stage.ASSEMBLY_VOTES: (
            _(
                "%(for)s for, %(against)s against, %(undecided)s undecided, %(pending)s still voting."
            )
            % tally
            if tally["rows"]
            else ""
        ),
        Stage.CHAPTER_VOTE: _("%(signed)s of %(need)s pledges signed.")
        % {"signed": pledges, "need": cycle.pledges_needed},
    }


def stage_rows(
    candidate: Candidate,
    nominations: int,
    answered: tuple[int, int],
    tally: dict[str, Any],
    pledges: int,
    chapter_voted: bool = False,
) -> list[StageRow]:
    """Each stage: done, current, upcoming, skipped (the cycle does not use it), stopped
    (the candidacy ended there) or ended (it ended before)."""
    cycle = candidate.cycle
    used = rules.stages_of(cycle)
    words = thresholds(cycle)
    progress = _progress(cycle, nominations, answered, tally, pledges)
    stage = candidate.stage
    stopped = -1
    if stage in used:
        reached = used.index(stage)
    elif stage in (Stage.ENDORSED, Stage.RECALLED):
        reached = len(used)
    else:
        # Not endorsed or withdrawn: where it stopped, from the votes it got.
        reached = -1
        if chapter_voted:
            stopped = used.index(Stage.CHAPTER_VOTE)
        elif tally["rows"] and Stage.ASSEMBLY_VOTES in used:
            stopped = used.index(Stage.ASSEMBLY_VOTES)
    rows = []
    for key in rules.ORDER:
        if key not in used:
            state = SKIPPED
        elif reached == -1:
            at = used.index(key)
            state = DONE if at < stopped else STOPPED if at == stopped else ENDED
        else:
            at = used.index(key)
            state = DONE if at < reached else CURRENT if at == reached else UPCOMING
        rows.append(StageRow(key, str(Stage(key).label), words[key], state, progress[key]))
    return rows


@dataclass
class VoteView:
    vote: ChapterVote
    tally: dict[str, int] = field(default_factory=dict)


def chapter_vote_tallies(votes: list[ChapterVote]) -> dict[int, dict[str, int]]:
    """The delegates' votes on each chapter vote's question (one query): question id ->
    for, against, abstain, deciding (for + against) and the share for (%)."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Position.values, 0))
    for question_id, position, n in (
        DelegateVote.objects.filter(question_id__in=[v.question_id for v in votes])
        .values("question_id", "position")
        .annotate(n=Count("id"))
        .values_list("question_id", "position", "n")
    ):
        if position in Position.values:
            counts[question_id][position] = n
    tallies = {}
    for vote in votes:
        tally = dict(counts[vote.question_id])
        tally["deciding"] = tally[Position.FOR] + tally[Position.AGAINST]
        tally["share"] = rules.percent(tally[Position.FOR], tally["deciding"])
        tallies[vote.question_id] = tally
    return tallies


def _chapter_votes(candidate: Candidate) -> list[VoteView]:
    votes = list(
        ChapterVote.objects.filter(candidate=candidate)
        .select_related("question", "question__council", "started_by")
        .order_by("created_at", "pk")
    )
    tallies = chapter_vote_tallies(votes)
    return [VoteView(vote, tallies[vote.question_id]) for vote in votes]


@dataclass
class RubricRow:
    index: int
    criterion: str
    average: float | None
    scores: int
    mine: int | None = None


def rubric_rows(candidate: Candidate, viewer: Any = None) -> tuple[list[RubricRow], float | None]:
    """Each criterion's average score (0-5) and how many organizers scored it, and the
    total (the sum of the averages); the viewer's own scores beside."""
    criteria = rules.rubric_of(candidate.cycle)
    stats = {
        row["criterion"]: row
        for row in RubricScore.objects.filter(candidate=candidate)
        .values("criterion")
        .annotate(average=Avg("score"), n=Count("id"))
    }
    mine: dict[int, int] = {}
    if getattr(viewer, "is_authenticated", False):
        mine = dict(
            RubricScore.objects.filter(candidate=candidate, scored_by_id=viewer.pk).values_list(
                "criterion", "score"
            )
        )
    rows = []
    for index, criterion in enumerate(criteria):
        stat = stats.get(index)
        average = round(float(stat["average"]), 1) if stat else None
        rows.append(RubricRow(index, criterion, average, stat["n"] if stat else 0, mine.get(index)))
    scored = [r.average for r in rows if r.average is not None]
    total = round(sum(scored), 1) if scored else None
    return rows, total


def endorsement_state(candidate: Candidate, viewer: Any = None) -> dict[str, Any]:
    """Everything the page and the API show about a candidate's endorsement."""
    cycle = candidate.cycle
    nominating = list(
        Nomination.objects.filter(candidate=candidate)
        .select_related("institution")
        .order_by("created_at", "pk")
    )
    answered = rules.answered(candidate)
    tally = rules.assembly_tally(candidate)
    pledges = rules.pledges_count(candidate)
    votes = _chapter_votes(candidate)
    uses_rubric = rules.uses_rubric(candidate)
    rubric, rubric_total = rubric_rows(candidate, viewer) if uses_rubric else ([], None)
    running = candidate.stage in rules.RUNNING
    movable = candidate.stage in (Stage.NOMINATION, Stage.QUESTIONNAIRE)
    nxt = rules.next_stage(cycle, candidate.stage) if movable else None
    return {
        "candidate": candidate,
        "cycle": cycle,
        "candidate_url": candidate_url(candidate),
        "stages": stage_rows(
            candidate,
            len(nominating),
            answered,
            tally,
            pledges,
            chapter_voted=any(v.vote.kind == ChapterVoteKind.ENDORSE for v in votes),
        ),
        "nominations": nominating,
        "answered": answered,
        "answered_share": rules.percent(*answered),
        "assembly": tally,
        "pledges": pledges,
        "pledges_needed": cycle.pledges_needed,
        "pledges_met": pledges >= cycle.pledges_needed,
        "chapter_votes": [v for v in votes if v.vote.kind == ChapterVoteKind.ENDORSE],
        "recalls": [v for v in votes if v.vote.kind == ChapterVoteKind.RECALL],
        "uses_rubric": uses_rubric,
        "rubric": rubric,
        "rubric_total": rubric_total,
        "rubric_most": 5 * len(rubric),
        "running": running,
        "next_stage": str(Stage(nxt).label) if nxt else None,
        "advance_problem": rules.advance_problem(candidate) if movable else None,
        "may_send": candidate.stage == Stage.ASSEMBLY_VOTES and not tally["rows"],
        "may_open_chapter_vote": candidate.stage == Stage.CHAPTER_VOTE
        and not any(v.vote.passed is None for v in votes if v.vote.kind == ChapterVoteKind.ENDORSE),
        "recall_pending": any(
            v.vote.passed is None for v in votes if v.vote.kind == ChapterVoteKind.RECALL
        ),
    }


def recall_assemblies(candidate: Candidate, viewer: Any) -> list[Institution]:
    """The assemblies of the cycle for which the viewer may start a recall."""
    from bloc import permissions
    from bloc.membership.models import Membership

    if not getattr(viewer, "is_authenticated", False):
        return []
    theirs = set(
        Membership.objects.filter(user_id=viewer.pk, left_at__isnull=True).values_list(
            "institution_id", flat=True
        )
    )
    ids = [pk for pk in rules.assemblies_of(candidate.cycle) if pk in theirs]
    return [
        institution
        for institution in Institution.objects.filter(pk__in=ids).order_by("name")
        if permissions.check(viewer, "candidate.nominate", institution)
    ]


def endorsements_list(chapter_id: int | None = None) -> dict[str, Any]:
    """The chapter's endorsed candidates, and every recall with its result (public)."""
    endorsed: QuerySet[Candidate] = Candidate.objects.filter(stage=Stage.ENDORSED).select_related(
        "cycle", "cycle__chapter"
    )
    recalls: QuerySet[ChapterVote] = ChapterVote.objects.filter(
        kind=ChapterVoteKind.RECALL
    ).select_related("candidate", "candidate__cycle", "started_by", "question", "question__council")
    if chapter_id is not None:
        endorsed = endorsed.filter(cycle__chapter_id=chapter_id)
        recalls = recalls.filter(candidate__cycle__chapter_id=chapter_id)
    return {
        "endorsed": list(endorsed.order_by("-cycle__election_date", "office", "name")),
        "recalls": list(recalls.order_by("-created_at", "-pk")),
    }
