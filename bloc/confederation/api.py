"""Councils of assemblies in the JSON API (mounted under /api/v1/councils).

Councils are public: the tree, each council's members and delegates, its questions,
mandates, every delegate's vote and the ratification at every level can be read
without logging in. Acting (setting up a council, putting and voting questions, an
assembly's votes to join, leave, elect or recall) needs a session or a token; the
services check who may.

A node of the tree is ``i<id>`` (an institution, an assembly) or ``c<id>`` (a council).
A ranked question (``options``) has rankings where a motion has positions: tiers of
option indices, best first (``[[1], [0, 2]]``: option 1, then 0 and 2 tied), each given
with the options' names (``CouncilRankingOut``).
Reads of a question count what is due first (``ratification_sync``). The tree is read
in a fixed number of queries, whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.confederation import councils as council_services
from bloc.confederation import questions as question_services
from bloc.confederation.models import (
    AssemblyVote,
    AssemblyVoteKind,
    Council,
    Delegate,
    DelegateVote,
    Question,
    QuestionState,
)
from bloc.confederation.rollup import from_json, member_counts, question_roll_up
from bloc.confederation.tree import Tree, load_tree
from bloc.core import confederation as core
from bloc.core import ranked_mandates as ranked
from bloc.core.errors import NotFound, ValidationFailed
from bloc.decisions.models import Proposal
from bloc.institutions.models import Chapter, Institution
from bloc.institutions.selectors import chapter_get, institution_get

router = Router(tags=["councils"])

RuleName = Literal["assemblies", "members", "double"]
PositionName = Literal["for", "against", "abstain"]
ResultKind = Literal["mandate", "ratify"]
NODE_DESCRIPTION = "`i<id>` for an institution (an assembly), `c<id>` for a council."


# --- schemas ---------------------------------------------------------------------


class CouncilMemberOut(Schema):
    node: str = Field(description=NODE_DESCRIPTION)
    kind: Literal["institution", "council"]
    slug: str
    name: str
    members_represented: int = Field(description="Verified members of the assemblies it holds.")
    assemblies: int = Field(description="Assemblies it holds (1 for an institution).")


class CouncilTreeOut(Schema):
    id: int
    slug: str
    name: str
    chapter: str = Field(description="The chapter's slug.")
    level: int = Field(description="1: a council of assemblies; 2: of level-1 councils; …")
    rule: str = Field(description="assemblies, members or double (both majorities).")
    quorum_percent: int
    delegates_per_member: int
    term_months: int
    parent: str | None = Field(description="The slug of the council it sits in; null: none.")
    depth: int = Field(description="0 for a council that sits in none, then 1, 2, …")
    members_represented: int = Field(description="Verified members of every assembly below.")
    assemblies: int = Field(description="Assemblies below it, at any depth.")
    members: list[CouncilMemberOut]


class CouncilIn(Schema):
    chapter: str = Field(description="The chapter's slug.")
    name: str = Field(max_length=160)
    slug: str = Field(default="", max_length=80, description="Empty: made from the name.")
    description: str = Field(default="", max_length=5000)
    level: int = Field(default=1, description="1: a council of assemblies; 2: of councils; …")
    rule: RuleName = "assemblies"
    quorum_percent: int = Field(default=50, description="Share of the members that must vote.")
    delegates_per_member: int = 1
    term_months: int = 12


class CouncilDelegateOut(Schema):
    id: int
    user_id: int
    name: str
    member: CouncilMemberOut = Field(description="The member of the council they sit for.")
    starts_on: date
    ends_on: date
    ended_on: date | None
    end_reason: str = Field(description="recalled, left or replaced; empty while sitting.")


class CouncilQuestionSummaryOut(Schema):
    id: int
    title: str
    state: str = Field(
        description="mandating, voting, carried, not_carried, ratifying, ratified or not_ratified."
    )
    created_at: datetime


class CouncilDetailOut(CouncilTreeOut):
    description: str
    delegates: list[CouncilDelegateOut] = Field(description="The delegates sitting today.")
    questions: list[CouncilQuestionSummaryOut] = Field(description="Newest first.")


class CouncilNodeResultOut(Schema):
    node: str = Field(description=NODE_DESCRIPTION)
    kind: Literal["institution", "council"]
    slug: str
    name: str
    parent: str | None = Field(description="The node of the council that counted it.")
    depth: int = Field(description="0 for the question's council, then 1, 2, … below it.")
    position: str | None = Field(
        description="for or against (a council: carried or not); null: no position or no quorum."
    )
    weight: int = Field(description="Members represented.")
    assemblies_for: int
    assemblies_against: int
    assemblies_abstain: int
    weight_for: int
    weight_against: int
    quorum_met: bool
    majority_of_assemblies: bool
    majority_of_members: bool
    counted: dict[str, str | None] = Field(
        description="A council: each member's position as it was counted (node: position)."
    )


class CouncilRankingOut(Schema):
    tiers: list[list[int]] = Field(
        description="Option indices (into the question's `options`), best first; the "
        "indices in one tier are tied."
    )
    names: list[list[str]] = Field(description="The same tiers as option names.")
    first: str | None = Field(description="The option ranked first alone; null: a tie.")


class CouncilRankedResultOut(Schema):
    node: str = Field(description=NODE_DESCRIPTION)
    kind: Literal["institution", "council"]
    slug: str
    name: str
    parent: str | None = Field(description="The node of the council that counted it.")
    depth: int = Field(description="0 for the question's council, then 1, 2, … below it.")
    ranking: CouncilRankingOut | None = Field(
        description="The order under the council's rule (an assembly: its poll's order); "
        "null: no ranking, or no quorum."
    )
    by_assemblies: CouncilRankingOut | None = Field(
        description="A council: its members' rankings counted once each (Schulze)."
    )
    by_members: CouncilRankingOut | None = Field(
        description="A council: its members' rankings weighted by members represented."
    )
    weight: int = Field(description="Members represented.")
    quorum_met: bool
    counted: dict[str, CouncilRankingOut | None] = Field(
        description="A council: each member's ranking as it was counted (node: ranking)."
    )


class CouncilMandateOut(Schema):
    member: CouncilMemberOut
    position: str | None = Field(
        description="Null: the assembly decided none (or a ranked question: see `ranking`)."
    )
    ranking: CouncilRankingOut | None = Field(
        default=None, description="A ranked question: the member's ranking; null otherwise."
    )


class CouncilDelegateVoteOut(Schema):
    id: int
    question_id: int
    question: str = Field(description="The question's title.")
    delegate_id: int
    delegate: str = Field(description="The delegate's name.")
    member: CouncilMemberOut
    position: str = Field(description="for, against or abstain; empty for a ranked question.")
    mandate: str = Field(description="The mandate they carried; empty: none.")
    ranking: CouncilRankingOut | None = Field(
        default=None, description="A ranked question: their ranking; null otherwise."
    )
    mandate_ranking: CouncilRankingOut | None = Field(
        default=None, description="A ranked question: the ranking they were mandated; null: none."
    )
    deviated: bool = Field(
        description="They voted against their mandate (a ranked question: another order); public."
    )
    cast_at: datetime


class CouncilAssemblyVoteOut(Schema):
    id: int
    kind: str = Field(description="join, leave, elect, recall, mandate or ratify.")
    institution: str = Field(description="The assembly's slug.")
    council: str = Field(description="The council's slug.")
    poll_id: int = Field(description="The assembly's poll (vote at /institutions/…/polls/…).")
    opens_at: datetime
    closes_at: datetime
    question_id: int | None
    delegate_id: int | None
    candidates: list[int] = Field(description="An election's candidates (user ids).")
    applied_at: datetime | None = Field(description="When its outcome was applied.")
    result: str = Field(description="What applying it did, e.g. joined, left, recalled.")


class CouncilQuestionOut(CouncilQuestionSummaryOut):
    council: str = Field(description="The council's slug.")
    body: str
    options: list[str] = Field(
        description="A ranked question's options (the council ranks them); empty: a motion, "
        "decided for or against."
    )
    effect: dict[str, int] = Field(description="What carrying it does to the council itself.")
    origin_proposal_id: int | None
    origin_question_id: int | None
    sent_up_to: list[int] = Field(description="The questions it became in higher councils.")
    mandates_close_at: datetime | None
    voting_opened_at: datetime | None
    decided_at: datetime | None
    ratify_closes_at: datetime | None
    ratified_at: datetime | None
    mandates: list[CouncilMandateOut] = Field(
        description="Each member's mandate, fixed when the delegates' vote opened."
    )
    votes: list[CouncilDelegateVoteOut]
    decision: CouncilNodeResultOut | None = Field(
        description="The council's vote; null before, and for a ranked question."
    )
    ranked_decision: CouncilRankedResultOut | None = Field(
        description="A ranked question: the council's ranking from its delegates' votes; "
        "carried when one option is first alone. Null before, and for a motion."
    )
    winner: str | None = Field(
        description="A ranked question: the option the council put first alone (what goes "
        "down for ratification); null otherwise."
    )
    mandate_results: list[CouncilNodeResultOut] = Field(
        description="The mandates at every node (so far, while the assemblies decide); "
        "empty for a ranked question."
    )
    ranked_mandate_results: list[CouncilRankedResultOut] = Field(
        description="A ranked question: the rankings at every node (so far, while the "
        "assemblies rank); empty for a motion."
    )
    ratification: list[CouncilNodeResultOut] = Field(
        description="The ratification at every node (so far, while the assemblies vote)."
    )
    assembly_votes: list[CouncilAssemblyVoteOut] = Field(
        description="The assemblies' mandate and ratification polls."
    )


class CouncilEffectIn(Schema):
    join: str | None = Field(default=None, description="The slug of a council to join.")
    leave: str | None = Field(default=None, description="The slug of a council to leave.")
    send: int | None = Field(default=None, description="A delegate's user id to send up.")
    recall: int | None = Field(default=None, description="A delegate id to recall from above.")


class CouncilQuestionIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=20000)
    mandates_close_at: datetime | None = Field(
        default=None,
        description="The assemblies decide their mandates until then; null: the delegates "
        "vote at once.",
    )
    effect: CouncilEffectIn | None = Field(
        default=None, description="Set at most one: what carrying it does to this council."
    )
    options: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="2 to 12 options for a ranked question (the assemblies and the "
        "delegates rank them, by Schulze's method); empty: a motion, for or against.",
    )


class CouncilFromProposalIn(Schema):
    proposal: int = Field(description="The id of an adopted proposal of a member assembly.")
    mandates_close_at: datetime | None = None


class CouncilSendUpIn(Schema):
    mandates_close_at: datetime | None = Field(
        default=None, description="Null: the delegates of the higher council vote at once."
    )


class CouncilVoteIn(Schema):
    position: PositionName | None = Field(default=None, description="A motion's vote.")
    ranking: list[list[int]] | None = Field(
        default=None,
        max_length=100,
        description="A ranked question's vote: tiers of option indices, best first, e.g. "
        "`[[1], [0, 2]]` (0 and 2 tied); options left out are tied last.",
    )


class CouncilRatifyIn(Schema):
    closes_at: datetime = Field(description="When the assemblies' ratification polls close.")


class CouncilJoinIn(Schema):
    institution: str = Field(description="The assembly's slug.")
    closes_at: datetime
    opens_at: datetime | None = Field(default=None, description="Null: now.")


class CouncilElectIn(CouncilJoinIn):
    candidates: list[int] = Field(
        min_length=1, max_length=200, description="User ids of verified members."
    )


class CouncilRecallIn(Schema):
    reason: str = Field(max_length=2000)
    closes_at: datetime
    opens_at: datetime | None = None


class CouncilDelegateRecordOut(CouncilDelegateOut):
    council: str
    sitting: bool
    votes: list[CouncilDelegateVoteOut]
    deviations: int = Field(description="Votes against the mandate.")
    recalls: list[CouncilAssemblyVoteOut] = Field(description="Votes to recall them.")


# --- reading the tree ------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    # A time sent without an offset is read in the site's time zone, as the pages do.
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _maybe_aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else _aware(moment)


class Names:
    """The slugs, names, weights and assemblies of the nodes of a tree (bounded queries)."""

    def __init__(self, tree: Tree, extra_nodes: Iterable[str] = ()) -> None:
        self.tree = tree
        institution_ids = {int(n[1:]) for n in tree.parent if n[0] == "i"}
        institution_ids |= {int(n[1:]) for n in extra_nodes if n[0] == "i"}
        self.institutions = {
            pk: (slug, name)
            for pk, slug, name in Institution.objects.filter(pk__in=institution_ids).values_list(
                "pk", "slug", "name"
            )
        }
        council_ids = {int(n[1:]) for n in extra_nodes if n[0] == "c"} - set(tree.councils)
        self.councils = {pk: (c.slug, c.name) for pk, c in tree.councils.items()}
        if council_ids:
            self.councils.update(
                {
                    pk: (slug, name)
                    for pk, slug, name in Council.objects.filter(pk__in=council_ids).values_list(
                        "pk", "slug", "name"
                    )
                }
            )
        self.counts = member_counts(institution_ids)
        self._weight: dict[str, tuple[int, int]] = {}

    def of(self, node: str) -> tuple[str, str, str]:
        """(kind, slug, name)."""
        pk = int(node[1:])
        if node[0] == "i":
            slug, name = self.institutions.get(pk, ("", ""))
            return "institution", slug, name
        slug, name = self.councils.get(pk, ("", ""))
        return "council", slug, name

    def weight(self, node: str) -> tuple[int, int]:
        """(members represented, assemblies) of a node, today."""
        if node not in self._weight:
            if node[0] == "i":
                self._weight[node] = (self.counts.get(int(node[1:]), 0), 1)
            else:
                members = assemblies = 0
                for child in self.tree.children.get(node, []):
                    m, a = self.weight(child)
                    members += m
                    assemblies += a
                self._weight[node] = (members, assemblies)
        return self._weight[node]

    def member(self, node: str) -> dict[str, Any]:
        kind, slug, name = self.of(node)
        members, assemblies = self.weight(node)
        return {
            "node": node,
            "kind": kind,
            "slug": slug,
            "name": name,
            "members_represented": members,
            "assemblies": assemblies,
        }


def _council_row(names: Names, council: Council, chapters: dict[int, str]) -> dict[str, Any]:
    node = f"c{council.pk}"
    tree = names.tree
    parent = tree.parent.get(node)
    members, assemblies = names.weight(node)
    return {
        "id": council.pk,
        "slug": council.slug,
        "name": council.name,
        "chapter": chapters.get(council.chapter_id, ""),
        "level": council.level,
        "rule": council.rule,
        "quorum_percent": council.quorum_percent,
        "delegates_per_member": council.delegates_per_member,
        "term_months": council.term_months,
        "parent": names.of(parent)[1] if parent else None,
        "depth": len(tree.path_up(node)),
        "members_represented": members,
        "assemblies": assemblies,
        "members": [names.member(child) for child in tree.children.get(node, [])],
    }


def _chapters(tree: Tree) -> dict[int, str]:
    ids = {c.chapter_id for c in tree.councils.values()}
    return dict(Chapter.objects.filter(pk__in=ids).values_list("pk", "slug"))


def tree_order(tree: Tree) -> list[Council]:
    """Every council, each followed by the councils below it (highest levels first)."""
    out: list[Council] = []
    seen: set[int] = set()
    roots = [c for c in tree.councils.values() if f"c{c.pk}" not in tree.parent]
    roots.sort(key=lambda c: (-c.level, c.name, c.pk))
    for root in roots:
        for node in [f"c{root.pk}", *tree.below(f"c{root.pk}")]:
            pk = int(node[1:])
            if node[0] == "c" and pk in tree.councils and pk not in seen:
                seen.add(pk)
                out.append(tree.councils[pk])
    # Every council is below some root; this only makes sure none is ever left out.
    out.extend(c for c in tree.councils.values() if c.pk not in seen)
    return out


def tree_rows(chapter: Chapter | None = None) -> list[dict[str, Any]]:
    """The council tree as the API and ``bloc councils tree --json`` give it."""
    tree = load_tree(chapter.pk if chapter else None)
    names = Names(tree)
    chapters = _chapters(tree)
    return [_council_row(names, c, chapters) for c in tree_order(tree)]


# --- results at every node -------------------------------------------------------


def result_rows(
    question: Question, kind: str, tree: Tree | None = None, names: Names | None = None
) -> list[dict[str, Any]]:
    """The mandates (``kind="mandate"``) or the ratification (``"ratify"``) at every node:
    as recorded once decided, as counted so far while the assemblies vote, [] before."""
    stored = (question.ratification or {}).get("mandates" if kind == "mandate" else "ratify")
    live = (kind == "mandate" and question.state == QuestionState.MANDATING) or (
        kind == "ratify" and question.state == QuestionState.RATIFYING
    )
    if stored is not None and not live:
        results = from_json(stored)
    elif live:
        tree = tree or load_tree(question.council.chapter_id)
        results = question_roll_up(question, kind, tree)
    else:
        return []
    # Walk down from the question's council through what each council counted: the
    # tree as it stood when the results were recorded.
    root = f"c{question.council_id}"
    order: list[tuple[str, str | None, int]] = []
    stack: list[tuple[str, str | None, int]] = [(root, None, 0)]
    seen: set[str] = set()
    while stack:
        node, parent, depth = stack.pop()
        if node in seen or node not in results:
            continue
        seen.add(node)
        order.append((node, parent, depth))
        stack.extend((m, node, depth + 1) for m in reversed(list(results[node].counted)))
    if names is None:
        names = Names(tree or Tree({}), extra_nodes=results)
    rows = []
    options = list(question.options or [])
    for node, parent, depth in order:
        kind_name, slug, name = names.of(node)
        result = results[node]
        rows.append(
            {
                "node": node,
                "kind": kind_name,
                "slug": slug,
                "name": name,
                "parent": parent,
                "depth": depth,
                **(
                    _ranked_result(result, options)
                    if isinstance(result, ranked.RankedResult)
                    else _result(result)
                ),
            }
        )
    return rows


def ranking_out(tiers: Any, options: list[str]) -> dict[str, Any] | None:
    """A ranking (tiers of option indices, best first) with the options' names."""
    if tiers is None:
        return None
    normal = ranked.normal(tiers, len(options))
    first = ranked.winner(normal)
    return {
        "tiers": [list(tier) for tier in normal],
        "names": [[options[o] for o in tier] for tier in normal],
        "first": None if first is None else options[first],
    }


def _ranked_result(result: ranked.RankedResult, options: list[str]) -> dict[str, Any]:
    return {
        "ranking": ranking_out(result.ranking, options),
        "by_assemblies": ranking_out(result.by_assemblies, options),
        "by_members": ranking_out(result.by_members, options),
        "weight": result.weight,
        "quorum_met": result.quorum_met,
        "counted": {m: ranking_out(r, options) for m, r in result.counted.items()},
    }


def _result(result: core.NodeResult) -> dict[str, Any]:
    return {
        "position": result.position,
        "weight": result.weight,
        "assemblies_for": result.assemblies_for,
        "assemblies_against": result.assemblies_against,
        "assemblies_abstain": result.assemblies_abstain,
        "weight_for": result.weight_for,
        "weight_against": result.weight_against,
        "quorum_met": result.quorum_met,
        "majority_of_assemblies": result.majority_of_assemblies,
        "majority_of_members": result.majority_of_members,
        "counted": dict(result.counted),
    }


# --- helpers -----------------------------------------------------------------------


def _council(request: HttpRequest, slug: str) -> Council:
    council = council_services.get_council(slug)
    permissions.require(request.user, "council.view", council)
    return council


def _question(request: HttpRequest, slug: str, question_id: int) -> Question:
    council = _council(request, slug)
    question = Question.objects.filter(council=council, pk=question_id).first()
    if question is None:
        raise NotFound(_("There is no such question before this council."))
    question.council = council
    return question


def _delegate(request: HttpRequest, slug: str, delegate_id: int) -> Delegate:
    council = _council(request, slug)
    delegate = (
        Delegate.objects.filter(council=council, pk=delegate_id)
        .select_related("user", "seat")
        .first()
    )
    if delegate is None:
        raise NotFound(_("There is no such delegate to this council."))
    delegate.council = council
    return delegate


def _delegate_out(delegate: Delegate, member: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": delegate.pk,
        "user_id": delegate.user_id,
        "name": delegate.user.full_name,
        "member": member,
        "starts_on": delegate.starts_on,
        "ends_on": delegate.ends_on,
        "ended_on": delegate.ended_on,
        "end_reason": delegate.end_reason,
    }


def _vote_out(vote: DelegateVote, member: dict[str, Any]) -> dict[str, Any]:
    options = list(vote.question.options or [])
    return {
        "id": vote.pk,
        "question_id": vote.question_id,
        "question": vote.question.title,
        "delegate_id": vote.delegate_id,
        "delegate": vote.delegate.user.full_name,
        "member": member,
        "position": vote.position,
        "mandate": vote.mandate,
        "ranking": ranking_out(vote.ranking, options) if options else None,
        "mandate_ranking": ranking_out(vote.mandate_ranking, options) if options else None,
        "deviated": vote.deviated,
        "cast_at": vote.cast_at,
    }


def _assembly_vote_out(vote: AssemblyVote) -> dict[str, Any]:
    return {
        "id": vote.pk,
        "kind": vote.kind,
        "institution": vote.institution.slug,
        "council": vote.council.slug,
        "poll_id": vote.poll_id,
        "opens_at": vote.poll.opens_at,
        "closes_at": vote.poll.closes_at,
        "question_id": vote.question_id,
        "delegate_id": vote.delegate_id,
        "candidates": list(vote.candidates or []),
        "applied_at": vote.applied_at,
        "result": vote.result,
    }


def _assembly_votes(**match: Any) -> list[dict[str, Any]]:
    votes = AssemblyVote.objects.filter(**match).select_related("institution", "council", "poll")
    return [_assembly_vote_out(v) for v in votes.order_by("pk")]


def _council_detail(council: Council) -> dict[str, Any]:
    tree = load_tree(council.chapter_id)
    names = Names(tree)
    row = _council_row(names, council, {council.chapter_id: council.chapter.slug})
    today = timezone.localdate()
    delegates = (
        Delegate.objects.filter(
            council=council, ended_on=None, starts_on__lte=today, ends_on__gt=today
        )
        .select_related("user", "seat")
        .order_by("seat_id", "pk")
    )
    questions = Question.objects.filter(council=council).only("pk", "title", "state", "created_at")
    return {
        **row,
        "description": council.description,
        "delegates": [_delegate_out(d, names.member(d.seat.node)) for d in delegates],
        "questions": [
            {"id": q.pk, "title": q.title, "state": q.state, "created_at": q.created_at}
            for q in questions
        ],
    }


def _question_detail(question: Question, council: Council | None = None) -> dict[str, Any]:
    council = council or question.council
    question = question_services.ratification_sync(question)
    question.council = council
    tree = load_tree(council.chapter_id)
    results_nodes: set[str] = set()
    for part in (question.ratification or {}).values():
        results_nodes |= set(part or {})
    results_nodes |= set(question.mandates or {})
    names = Names(tree, extra_nodes=results_nodes)
    votes = DelegateVote.objects.filter(question=question).select_related(
        "question", "delegate__user", "delegate__seat"
    )
    options = list(question.options or [])
    decision = ranked_decision = None
    if question.decision:
        node = f"c{council.pk}"
        head = {
            "node": node,
            "kind": "council",
            "slug": council.slug,
            "name": council.name,
            "parent": None,
            "depth": 0,
        }
        if options:
            result = from_json({node: question.decision})[node]
            ranked_decision = {**head, **_ranked_result(result, options)}
        else:
            decision = {**head, **_result(core.NodeResult(**question.decision))}
    mandate_rows = result_rows(question, "mandate", tree, names)
    return {
        "id": question.pk,
        "title": question.title,
        "state": question.state,
        "created_at": question.created_at,
        "council": council.slug,
        "body": question.body,
        "options": options,
        "effect": question.effect or {},
        "origin_proposal_id": question.origin_proposal_id,
        "origin_question_id": question.origin_question_id,
        "sent_up_to": list(
            Question.objects.filter(origin_question=question).values_list("pk", flat=True)
        ),
        "mandates_close_at": question.mandates_close_at,
        "voting_opened_at": question.voting_opened_at,
        "decided_at": question.decided_at,
        "ratify_closes_at": question.ratify_closes_at,
        "ratified_at": question.ratified_at,
        "mandates": [
            {"member": names.member(node), "position": None, "ranking": ranking_out(m, options)}
            if options
            else {"member": names.member(node), "position": m, "ranking": None}
            for node, m in (question.mandates or {}).items()
        ],
        "votes": [_vote_out(v, names.member(v.delegate.seat.node)) for v in votes],
        "decision": decision,
        "ranked_decision": ranked_decision,
        "winner": question_services.winner_name(question) if options else None,
        "mandate_results": [] if options else mandate_rows,
        "ranked_mandate_results": mandate_rows if options else [],
        "ratification": result_rows(question, "ratify", tree, names),
        "assembly_votes": _assembly_votes(question=question),
    }


def _effect(council: Council, effect: CouncilEffectIn | None) -> dict[str, int] | None:
    if effect is None:
        return None
    given = effect.model_dump(exclude_none=True)
    if len(given) != 1:
        raise ValidationFailed.for_field("effect", _("Choose exactly one effect."))
    ((name, value),) = given.items()
    if name in ("join", "leave"):
        target = Council.objects.filter(slug=value, chapter_id=council.chapter_id).first()
        if target is None:
            raise ValidationFailed.for_field(f"effect.{name}", _("There is no such council."))
        return {name: target.pk}
    return {name: int(value)}


# --- routes ------------------------------------------------------------------------


@router.get(
    "/",
    response=list[CouncilTreeOut],
    auth=optional_auth,
    summary="The council tree",
    description=(
        "Every council, each followed by the councils below it, with its members "
        "(institutions or lower councils) and the members they represent."
    ),
)
def council_tree(request: HttpRequest, chapter: str | None = None) -> list[dict[str, Any]]:
    return tree_rows(chapter_get(slug=chapter) if chapter else None)


@router.post("/", response={201: CouncilDetailOut}, summary="Set up a council")
def council_create(request: HttpRequest, payload: CouncilIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    chapter = chapter_get(slug=data.pop("chapter"))
    council = council_services.council_create(actor=request.user, chapter=chapter, **data)
    council.chapter = chapter
    return Status(201, _council_detail(council))


@router.get(
    "/{slug}",
    response=CouncilDetailOut,
    auth=optional_auth,
    summary="A council: its members, sitting delegates and questions",
)
def council_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _council_detail(_council(request, slug))


@router.post(
    "/{slug}/questions",
    response={201: CouncilQuestionOut},
    summary="Put a question to the council",
    description=(
        "With `mandates_close_at` every assembly below first decides its mandate by a poll "
        "closing then; without, the delegates vote at once. With `options` it is a ranked "
        "question: the assemblies' polls rank the options, and so do the delegates. A "
        "delegate or an organizer may. "
        "An `effect` that would make a cycle in the tree is refused with 409 `cycle`."
    ),
)
def question_create(
    request: HttpRequest, slug: str, payload: CouncilQuestionIn
) -> Status[dict[str, Any]]:
    council = _council(request, slug)
    question = question_services.question_create(
        actor=request.user,
        council=council,
        title=payload.title,
        body=payload.body,
        mandates_close_at=_maybe_aware(payload.mandates_close_at),
        effect=_effect(council, payload.effect),
        options=payload.options,
    )
    return Status(201, _question_detail(question, council))


@router.post(
    "/{slug}/from-proposal",
    response={201: CouncilQuestionOut},
    summary="Send an assembly's adopted proposal to the council",
    description="A facilitator or secretary of a member assembly may.",
)
def question_from_proposal(
    request: HttpRequest, slug: str, payload: CouncilFromProposalIn
) -> Status[dict[str, Any]]:
    council = _council(request, slug)
    proposal = Proposal.objects.filter(pk=payload.proposal).select_related("institution").first()
    if proposal is None:
        raise NotFound(_("There is no such proposal."))
    question = question_services.question_from_proposal(
        actor=request.user,
        proposal=proposal,
        council=council,
        mandates_close_at=_maybe_aware(payload.mandates_close_at),
    )
    return Status(201, _question_detail(question, council))


@router.get(
    "/{slug}/questions/{question_id}",
    response=CouncilQuestionOut,
    auth=optional_auth,
    summary="A question: mandates, delegates' votes, decision and ratification at every node",
)
def question_detail(request: HttpRequest, slug: str, question_id: int) -> dict[str, Any]:
    return _question_detail(_question(request, slug, question_id))


@router.post(
    "/{slug}/questions/{question_id}/open-voting",
    response=CouncilQuestionOut,
    summary="Close the mandates and let the delegates vote",
    description="Before `mandates_close_at` only once every assembly has decided (409).",
)
def question_open_voting(request: HttpRequest, slug: str, question_id: int) -> dict[str, Any]:
    question = _question(request, slug, question_id)
    opened = question_services.voting_open(actor=request.user, question=question)
    return _question_detail(opened, question.council)


@router.post(
    "/{slug}/questions/{question_id}/vote",
    response=CouncilDelegateVoteOut,
    summary="A sitting delegate votes (or changes their vote)",
    description=(
        'A motion: `{"position": "for"}`; a ranked question: `{"ranking": [[1], [0, 2]]}`. '
        "Recorded beside the mandate they carry; a deviation is public."
    ),
)
def question_vote(
    request: HttpRequest, slug: str, question_id: int, payload: CouncilVoteIn
) -> dict[str, Any]:
    question = _question(request, slug, question_id)
    vote = question_services.delegate_vote(
        actor=request.user,
        question=question,
        position=payload.position or "",
        ranking=payload.ranking,
    )
    vote = DelegateVote.objects.select_related("question", "delegate__user", "delegate__seat").get(
        pk=vote.pk
    )
    names = Names(load_tree(question.council.chapter_id))
    return _vote_out(vote, names.member(vote.delegate.seat.node))


@router.post(
    "/{slug}/questions/{question_id}/close",
    response=CouncilQuestionOut,
    summary="Close the delegates' vote: carried or not under the council's rule",
)
def question_close(request: HttpRequest, slug: str, question_id: int) -> dict[str, Any]:
    question = _question(request, slug, question_id)
    closed = question_services.question_close(actor=request.user, question=question)
    return _question_detail(closed, question.council)


@router.post(
    "/{slug}/questions/{question_id}/ratify",
    response=CouncilQuestionOut,
    summary="Send a carried question to every assembly below for ratification",
)
def question_ratify(
    request: HttpRequest, slug: str, question_id: int, payload: CouncilRatifyIn
) -> dict[str, Any]:
    question = _question(request, slug, question_id)
    sent = question_services.ratification_send(
        actor=request.user, question=question, closes_at=_aware(payload.closes_at)
    )
    return _question_detail(sent, question.council)


@router.post(
    "/{slug}/questions/{question_id}/send-up",
    response={201: CouncilQuestionOut},
    summary="Send a carried question to the council this one sits in",
    description=(
        "Returns the new question before the higher council. Send `{}` for the delegates "
        "there to vote at once, or a `mandates_close_at` for the assemblies to mandate them."
    ),
)
def question_send_up(
    request: HttpRequest, slug: str, question_id: int, payload: CouncilSendUpIn
) -> Status[dict[str, Any]]:
    question = _question(request, slug, question_id)
    above = question_services.question_send_up(
        actor=request.user,
        question=question,
        mandates_close_at=_maybe_aware(payload.mandates_close_at),
    )
    above = Question.objects.select_related("council__chapter").get(pk=above.pk)
    return Status(201, _question_detail(above))


def _assembly(request: HttpRequest, slug: str, institution: str) -> tuple[Council, Institution]:
    return _council(request, slug), institution_get(slug=institution)


def _membership_vote(
    request: HttpRequest, slug: str, payload: CouncilJoinIn, service: Any
) -> Status[CouncilAssemblyVoteOut]:
    """Joining or leaving: the assembly's vote (``service``) and its answer."""
    council, institution = _assembly(request, slug, payload.institution)
    vote = service(
        actor=request.user,
        institution=institution,
        council=council,
        closes_at=_aware(payload.closes_at),
        opens_at=_maybe_aware(payload.opens_at),
    )
    return Status(201, CouncilAssemblyVoteOut(**_assembly_votes(pk=vote.pk)[0]))


@router.post(
    "/{slug}/join",
    response={201: CouncilAssemblyVoteOut},
    summary="Put joining the council to a vote of an assembly",
    description=(
        "An ordinary poll of the assembly (its facilitators or secretary set it up); the "
        "assembly is seated when it is adopted."
    ),
)
def council_join(
    request: HttpRequest, slug: str, payload: CouncilJoinIn
) -> Status[CouncilAssemblyVoteOut]:
    return _membership_vote(request, slug, payload, council_services.join_vote)


@router.post(
    "/{slug}/leave",
    response={201: CouncilAssemblyVoteOut},
    summary="Put leaving the council to a vote of an assembly",
)
def council_leave(
    request: HttpRequest, slug: str, payload: CouncilJoinIn
) -> Status[CouncilAssemblyVoteOut]:
    return _membership_vote(request, slug, payload, council_services.leave_vote)


@router.post(
    "/{slug}/elect",
    response={201: CouncilAssemblyVoteOut},
    summary="An assembly elects its delegates to the council",
    description=(
        "STV among the candidates when there are more of them than empty seats, else a "
        "yes/no vote on them."
    ),
)
def council_elect(
    request: HttpRequest, slug: str, payload: CouncilElectIn
) -> Status[CouncilAssemblyVoteOut]:
    council, institution = _assembly(request, slug, payload.institution)
    vote = council_services.election_vote(
        actor=request.user,
        institution=institution,
        council=council,
        candidates=payload.candidates,
        closes_at=_aware(payload.closes_at),
        opens_at=_maybe_aware(payload.opens_at),
    )
    return Status(201, CouncilAssemblyVoteOut(**_assembly_votes(pk=vote.pk)[0]))


@router.get(
    "/{slug}/delegates/{delegate_id}",
    response=CouncilDelegateRecordOut,
    auth=optional_auth,
    summary="A delegate's record: every vote beside its mandate, and recalls",
)
def delegate_record(request: HttpRequest, slug: str, delegate_id: int) -> dict[str, Any]:
    delegate = _delegate(request, slug, delegate_id)
    names = Names(load_tree(delegate.council.chapter_id), extra_nodes=[delegate.seat.node])
    member = names.member(delegate.seat.node)
    votes = [
        _vote_out(v, member)
        for v in DelegateVote.objects.filter(delegate=delegate)
        .select_related("question", "delegate__user")
        .order_by("cast_at", "pk")
    ]
    today = timezone.localdate()
    return {
        **_delegate_out(delegate, member),
        "council": delegate.council.slug,
        "sitting": delegate.ended_on is None and delegate.starts_on <= today < delegate.ends_on,
        "votes": votes,
        "deviations": sum(1 for v in votes if v["deviated"]),
        "recalls": _assembly_votes(delegate=delegate, kind=AssemblyVoteKind.RECALL),
    }


@router.post(
    "/{slug}/delegates/{delegate_id}/recall",
    response={201: CouncilAssemblyVoteOut},
    summary="Call a vote of the delegate's assembly to recall them",
    description=(
        "Any verified member of the assembly may; the recall takes effect as soon as the "
        "vote adopts it. Anyone else: 403."
    ),
)
def delegate_recall(
    request: HttpRequest, slug: str, delegate_id: int, payload: CouncilRecallIn
) -> Status[CouncilAssemblyVoteOut]:
    delegate = _delegate(request, slug, delegate_id)
    vote = council_services.recall_vote(
        actor=request.user,
        delegate=delegate,
        reason=payload.reason,
        closes_at=_aware(payload.closes_at),
        opens_at=_maybe_aware(payload.opens_at),
    )
    return Status(201, CouncilAssemblyVoteOut(**_assembly_votes(pk=vote.pk)[0]))
