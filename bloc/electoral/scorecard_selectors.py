"""What the scorecard pages and API show: an officeholder's score, computed on reading
by ``bloc.core.electoral.scorecard`` from the verdicts organizers entered, with each
pledge's verdicts, every action and its source, and how the score moved.

Every read is a fixed number of queries: one scorecard is four (the candidate, their
pledges, their actions, the verdicts), the list of officeholders two (the officeholders,
then every verdict of all of them at once).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc.core.electoral import scorecard as rules
from bloc.core.errors import NotFound
from bloc.electoral.models import Action, ActionMatch, Candidate, Pledge, Verdict
from bloc.institutions.models import Chapter

POINTS_TEXT = {rules.KEPT: "1", rules.PARTIAL: "½", rules.BROKEN: "0"}
# Beside the verdict's word, so it never rests on colour alone.
SYMBOLS = {rules.KEPT: "✓", rules.PARTIAL: "◐", rules.BROKEN: "✗"}


def percent(score: Fraction | None) -> int | None:
    """The score as a whole percentage, halves rounded up (1/3 -> 33, 5/8 -> 63)."""
    return None if score is None else _whole(score)


def _whole(score: Fraction) -> int:
    return math.floor(score * 100 + Fraction(1, 2))


def term_text(candidate: Candidate, today: date | None = None) -> str:
    """Where the candidate stands after the election, in words."""
    from django.utils.formats import date_format

    today = today or timezone.localdate()
    if candidate.elected is None:
        return _("Outcome of the election not recorded yet")
    if candidate.elected is False:
        return _("Not elected")
    took, left = candidate.took_office_on, candidate.left_office_on
    if took is None:
        return _("Elected")
    if left is not None:
        return _("In office from %(start)s to %(end)s") % {
            "start": date_format(took),
            "end": date_format(left),
        }
    if took > today:
        return _("Elected; takes office on %(start)s") % {"start": date_format(took)}
    return _("In office since %(start)s") % {"start": date_format(took)}


# --- one scorecard -------------------------------------------------------------------


@dataclass
class MatchRow:
    """One verdict: an action judged against one pledge."""

    match: ActionMatch
    action: Action
    pledge: Pledge

    @property
    def verdict(self) -> str:
        return self.match.verdict

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.match.verdict).label)

    @property
    def points(self) -> str:
        return POINTS_TEXT[self.match.verdict]

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.match.verdict]


@dataclass
class PledgeRow:
    pledge: Pledge
    kept: int = 0
    partial: int = 0
    broken: int = 0
    #: The verdict of the latest action judged against it (by date), or None.
    latest: str | None = None
    #: Its verdicts, newest action first.
    matches: list[MatchRow] = field(default_factory=list)

    @property
    def judged(self) -> int:
        return self.kept + self.partial + self.broken

    @property
    def latest_label(self) -> str:
        return str(Verdict(self.latest).label) if self.latest else ""

    @property
    def latest_symbol(self) -> str:
        return SYMBOLS[self.latest] if self.latest else ""


@dataclass
class ActionRow:
    action: Action
    #: Its verdicts, in the order of the pledges.
    matches: list[MatchRow] = field(default_factory=list)
    #: The organizers' forms on it, set by the page.
    edit_form: Any = None
    verdict_form: Any = None
    remove_form: Any = None


@dataclass
class HistoryPoint:
    on: date
    score: Fraction
    percent: int
    #: Percentage points since the day before (None on the first day).
    change: int | None
    #: The verdicts of that day's actions.
    matches: list[MatchRow] = field(default_factory=list)


@dataclass
class Scorecard:
    candidate: Candidate
    score: Fraction | None
    kept: int
    partial: int
    broken: int
    pledges: list[PledgeRow]
    actions: list[ActionRow]
    history: list[HistoryPoint]
    term: str

    @property
    def officeholder(self) -> bool:
        return self.candidate.elected is True

    @property
    def percent(self) -> int | None:
        return percent(self.score)

    @property
    def judged(self) -> int:
        return self.kept + self.partial + self.broken

    @property
    def points(self) -> Fraction:
        return self.kept + Fraction(self.partial, 2)

    @property
    def points_number(self) -> float:
        return float(self.points)


def candidate_get(pk: int) -> Candidate:
    """The candidate with their cycle and chapter; ``NotFound`` when there is none."""
    candidate = Candidate.objects.select_related("cycle__chapter").filter(pk=pk).first()
    if candidate is None:
        raise NotFound(_("There is no such candidate."))
    return candidate


def pledges_of(candidate: Candidate) -> list[Pledge]:
    """The candidate's pledges with their priorities, in the order they were signed."""
    return list(
        Pledge.objects.filter(candidate=candidate)
        .select_related("priority")
        .order_by("signed_at", "pk")
    )


def scorecard(candidate: Candidate) -> Scorecard:
    """The candidate's scorecard (empty unless they hold or held office), in three
    queries after the candidate's own."""
    pledges = pledges_of(candidate)
    actions = list(Action.objects.filter(candidate=candidate).order_by("-on", "-pk"))
    by_pledge = {p.pk: PledgeRow(p) for p in pledges}
    by_action = {a.pk: ActionRow(a) for a in actions}
    place = {p.pk: n for n, p in enumerate(pledges)}
    rows: list[MatchRow] = []
    for match in ActionMatch.objects.filter(action__candidate=candidate):
        row = MatchRow(match, by_action[match.action_id].action, by_pledge[match.pledge_id].pledge)
        rows.append(row)
    rows.sort(key=lambda r: (r.action.on, r.action.pk, place[r.pledge.pk]))
    card = rules.score(rules.Action(str(r.pledge.pk), r.verdict, r.action.on) for r in rows)
    for row in rows:
        by_action[row.action.pk].matches.append(row)
        pledge_row = by_pledge[row.pledge.pk]
        pledge_row.matches.insert(0, row)  # rows run oldest first
        pledge_row.latest = row.verdict
    for pledge_row in by_pledge.values():
        counts = card.by_pledge.get(str(pledge_row.pledge.pk), (0, 0, 0))
        pledge_row.kept, pledge_row.partial, pledge_row.broken = counts
    history: list[HistoryPoint] = []
    by_day: dict[date, list[MatchRow]] = defaultdict(list)
    for row in rows:
        by_day[row.action.on].append(row)
    for on, score in card.history:
        now = _whole(score)
        change = None if not history else now - history[-1].percent
        history.append(HistoryPoint(on, score, now, change, by_day[on]))
    return Scorecard(
        candidate=candidate,
        score=card.score,
        kept=card.kept,
        partial=card.partial,
        broken=card.broken,
        pledges=list(by_pledge.values()),
        actions=list(by_action.values()),
        history=history,
        term=term_text(candidate),
    )


def action_get(candidate: Candidate, pk: int) -> Action:
    action = Action.objects.filter(candidate=candidate, pk=pk).first()
    if action is None:
        raise NotFound(_("There is no such action on this scorecard."))
    action.candidate = candidate
    return action


def pledge_get(candidate: Candidate, pk: int) -> Pledge:
    """One of the candidate's pledges; ``NotFound`` for another's (or none)."""
    pledge = Pledge.objects.filter(candidate=candidate, pk=pk).select_related("priority").first()
    if pledge is None:
        raise NotFound(_("%(name)s has no such pledge.") % {"name": candidate.name})
    return pledge


def pledge_choices(candidate: Candidate) -> list[tuple[int, str]]:
    return [(p.pk, p.priority.title) for p in pledges_of(candidate)]


# --- the officeholders ---------------------------------------------------------------


@dataclass
class OfficeholderRow:
    candidate: Candidate
    score: Fraction | None
    judged: int
    pledges: int
    term: str

    @property
    def percent(self) -> int | None:
        return percent(self.score)


def officeholders(chapter: Chapter | None = None) -> QuerySet[Candidate]:
    """Everyone recorded as elected (in office now, soon or before), by name."""
    found = Candidate.objects.filter(elected=True)
    if chapter is not None:
        found = found.filter(cycle__chapter=chapter)
    return (
        found.select_related("cycle__chapter")
        .annotate(pledge_count=Count("pledges"))
        .order_by("name", "office", "pk")
    )


def officeholder_list(chapter: Chapter | None = None) -> list[OfficeholderRow]:
    """The officeholders with their scores: two queries, however many there are."""
    people = list(officeholders(chapter))
    verdicts: dict[int, list[rules.Action]] = defaultdict(list)
    found = ActionMatch.objects.filter(action__candidate__in=[c.pk for c in people]).values_list(
        "action__candidate_id", "pledge_id", "verdict", "action__on"
    )
    for candidate_id, pledge_id, verdict, on in found:
        verdicts[candidate_id].append(rules.Action(str(pledge_id), verdict, on))
    rows = []
    today = timezone.localdate()
    for candidate in people:
        card = rules.score(verdicts[candidate.pk])
        rows.append(
            OfficeholderRow(
                candidate=candidate,
                score=card.score,
                judged=card.kept + card.partial + card.broken,
                pledges=getattr(candidate, "pledge_count", 0),
                term=term_text(candidate, today),
            )
        )
    return rows


def chapter_get(slug: str) -> Chapter:
    chapter = Chapter.objects.filter(slug=slug).first()
    if chapter is None:
        raise NotFound(_("There is no chapter with that name."))
    return chapter


def as_json_number(value: Fraction | None) -> Any:
    """A score as a number from 0 to 1 (exact enough for JSON), or None."""
    return None if value is None else float(value)


def points_text(value: Fraction) -> str:
    """Points as people write them: 2, 2.5."""
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.1f}"


def explanation(card: Scorecard) -> str:
    """How the score is computed, in plain words, with this scorecard's figures."""
    rule = _(
        "Each action the organizers judge against one of the officeholder's pledges gives "
        "a verdict worth points: kept 1, partly kept ½, broken 0. The score is the average "
        "of those points over every verdict, as a percentage."
    )
    if not card.judged:
        return rule + " " + _("No verdict yet, so no score.")
    here = ngettext(
        "Here: %(kept)s kept × 1 + %(partial)s partly kept × ½ + %(broken)s broken × 0 = "
        "%(points)s points over %(judged)s verdict, so %(points)s ÷ %(judged)s = %(percent)s%%.",
        "Here: %(kept)s kept × 1 + %(partial)s partly kept × ½ + %(broken)s broken × 0 = "
        "%(points)s points over %(judged)s verdicts, so %(points)s ÷ %(judged)s = %(percent)s%%.",
        card.judged,
    ) % {
        "kept": card.kept,
        "partial": card.partial,
        "broken": card.broken,
        "points": points_text(card.points),
        "judged": card.judged,
        "percent": card.percent,
    }
    return rule + " " + here
