"""What the council pages show, read in a bounded number of queries.

No page reads anything per member or per assembly: the councils and seats come from
``load_tree`` (two queries), the people represented from one ``member_counts``
GROUP BY, names from one ``in_bulk``; a page's own rows (its seats, delegates,
questions, votes) are one query each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc import permissions
from bloc.confederation import councils as council_services
from bloc.confederation.models import (
    AssemblyVote,
    AssemblyVoteKind,
    Council,
    Delegate,
    DelegateVote,
    Position,
    Question,
    QuestionState,
    RatificationRule,
    Seat,
)
from bloc.confederation.rollup import from_json, member_counts, question_roll_up, quorum_count
from bloc.confederation.svg import council_tree
from bloc.confederation.tree import Tree, load_tree
from bloc.core import confederation as core
from bloc.core import ranked_mandates as ranked
from bloc.institutions.models import Chapter, Institution
from bloc.membership.models import Membership

#: The tree page lists assemblies inside their councils up to this many in all;
#: above it, each council shows how many it has, with a link to its page.
INLINE_ASSEMBLIES = 200
#: A question's results list every assembly one by one when there are at most this
#: many in all; else only those of the council in focus (and of a council with at
#: most ``SHOWN_PER_COUNCIL`` assemblies when it is the question's own), the others
#: by their counts, with a link that shows them.
SHOWN_TOTAL = 200
SHOWN_PER_COUNCIL = 30
#: Former delegates listed on a council's page (the most recent first).
FORMER_SHOWN = 30


# --- small helpers -----------------------------------------------------------------


def node_weights(tree: Tree, counts: Mapping[int, int], nodes: Iterable[str]) -> dict[str, int]:
    """People represented by each of ``nodes``: an institution's verified members, a
    council's the sum over its members (every assembly below it counts)."""
    memo: dict[str, int] = {}

    def weight(node: str) -> int:
        if node in memo:
            return memo[node]
        if node[0] == "i":
            memo[node] = counts.get(int(node[1:]), 0)
        else:
            memo[node] = 0  # guards a (impossible) cycle
            memo[node] = sum(weight(child) for child in tree.children.get(node, []))
        return memo[node]

    return {node: weight(node) for node in nodes}


def nest(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark a depth-first list of items (each with ``depth``, from 1) so a template can
    write it as nested lists: ``opens`` (a list of its children follows) and
    ``closes`` (how many enclosing lists end after it)."""
    for index, item in enumerate(items):
        after = items[index + 1]["depth"] if index + 1 < len(items) else 1
        item["opens"] = after > item["depth"]
        item["closes"] = range(0 if item["opens"] else item["depth"] - after)
    return items


def council_url(council: Council) -> str:
    return reverse("councils:detail", args=[council.slug])


def position_label(position: str | None) -> str:
    if position is None:
        return _("no position")
    return str(dict(Position.choices).get(position, position))


def outcome_label(result: core.NodeResult) -> str:
    """A council's result in a few words."""
    if not result.quorum_met:
        return _("no quorum: nothing carried")
    if result.position == core.FOR:
        return _("carried")
    return _("not carried")


def rule_words(council: Council) -> str:
    return {
        RatificationRule.ASSEMBLIES: _(
            "Each member (an assembly or a lower council) counts once: carried when more "
            "of the members that take a position are for than against."
        ),
        RatificationRule.MEMBERS: _(
            "Each member counts by the people it represents: carried when the members for "
            "represent more people than the members against."
        ),
        RatificationRule.DOUBLE: _(
            "Carried only when both hold: more members are for than against, and the "
            "members for represent more people than the members against."
        ),
    }.get(council.rule, council.rule)


def quorum_words(council: Council, members: int) -> str:
    need = quorum_count(council, members)
    return ngettext(
        "%(percent)s%% of the members must take a position (for, against or abstain): "
        "with %(members)s member today, %(need)s. Below it nothing is carried.",
        "%(percent)s%% of the members must take a position (for, against or abstain): "
        "with %(members)s members today, %(need)s. Below it nothing is carried.",
        members,
    ) % {"percent": council.quorum_percent, "members": members, "need": need}


def explain(result: core.NodeResult, council: Council | None) -> list[str]:
    """A council's result in sentences: the counts, the quorum, the majorities, the
    outcome under its rule."""
    members = len(result.counted)
    took = result.assemblies_for + result.assemblies_against + result.assemblies_abstain
    lines = [
        ngettext(
            "Members: %(for)s for, %(against)s against, %(abstain)s abstaining, of "
            "%(members)s member.",
            "Members: %(for)s for, %(against)s against, %(abstain)s abstaining, of "
            "%(members)s members.",
            members,
        )
        % {
            "for": result.assemblies_for,
            "against": result.assemblies_against,
            "abstain": result.assemblies_abstain,
            "members": members,
        },
        _(
            "People represented: %(for)s by the members for, %(against)s by the members "
            "against, of %(total)s."
        )
        % {"for": result.weight_for, "against": result.weight_against, "total": result.weight},
    ]
    if council is not None:
        need = quorum_count(council, members)
        if result.quorum_met:
            lines.append(
                _("Quorum met: %(took)s of %(members)s members took a position; %(need)s needed.")
                % {"took": took, "members": members, "need": need}
            )
        else:
            lines.append(
                _(
                    "Quorum not met: %(took)s of %(members)s members took a position; "
                    "%(need)s needed."
                )
                % {"took": took, "members": members, "need": need}
            )
    lines.append(
        _("A majority of the members was for.")
        if result.majority_of_assemblies
        else _("A majority of the members was not for.")
    )
    lines.append(
        _("A majority of the people represented was for.")
        if result.majority_of_members
        else _("A majority of the people represented was not for.")
    )
    if council is not None:
        lines.append(
            _("Under its rule (%(rule)s): %(outcome)s.")
            % {"rule": council.get_rule_display(), "outcome": outcome_label(result)}
        )
    return lines


# --- ranked questions ------------------------------------------------------------------


Tiers = list[list[str]]


def ranking_names(ranking: Any, options: list[str]) -> Tiers | None:
    """A ranking (tiers of option indices, best first) as tiers of option names; None
    for no ranking. Options it leaves out are tied last."""
    if ranking is None:
        return None
    try:
        tiers = ranked.normal(ranking, len(options))
    except (ValueError, TypeError):
        return None
    return [[options[o] for o in tier] for tier in tiers]


def ranking_text(ranking: Any, options: list[str]) -> str:
    """A ranking in one line: "1. Library annex, 2. Church hall = Garage (tied)"."""
    tiers = ranking_names(ranking, options) or []
    return ", ".join(
        f"{place}. " + (" = ".join(tier) + " " + _("(tied)") if len(tier) > 1 else tier[0])
        for place, tier in enumerate(tiers, start=1)
    )


def ranked_outcome(result: ranked.RankedResult, options: list[str]) -> str:
    """A council's ranking in a few words: which option came first."""
    if not result.quorum_met:
        return _("no quorum: nothing ranked")
    first = ranked.winner(result.ranking)
    if result.ranking is None:
        return _("no ranking")
    if first is None:
        return _("no option came first alone")
    return _("%(option)s first") % {"option": options[first]}


def ranked_rule_words(council: Council) -> str:
    return {
        RatificationRule.ASSEMBLIES: _(
            "Each member's ranking counts once. The options are ordered by Schulze's "
            "method: an option beating every other head to head comes first."
        ),
        RatificationRule.MEMBERS: _(
            "Each member's ranking counts by the people it represents. The options are "
            "ordered by Schulze's method: an option beating every other head to head "
            "comes first."
        ),
        RatificationRule.DOUBLE: _(
            "Both counts are made (each member once, and each by the people it "
            "represents, both by Schulze's method); the council's order is the one they "
            "agree on. When they put different options first, no option is first alone."
        ),
    }.get(council.rule, council.rule)


def explain_ranked(result: ranked.RankedResult, council: Council | None) -> list[str]:
    """A council's ranking in sentences: who ranked, the quorum, the outcome."""
    members = len(result.counted)
    took = sum(1 for r in result.counted.values() if r is not None)
    lines = [
        ngettext(
            "%(took)s of %(members)s member gave a ranking.",
            "%(took)s of %(members)s members gave a ranking.",
            members,
        )
        % {"took": took, "members": members},
        ngettext(
            "%(n)s person represented.",
            "%(n)s people represented.",
            result.weight,
        )
        % {"n": result.weight},
    ]
    if council is not None:
        need = max(quorum_count(council, members), 1)
        if result.quorum_met:
            lines.append(_("Quorum met: %(need)s needed.") % {"need": need})
        else:
            lines.append(_("Quorum not met: %(need)s needed.") % {"need": need})
    return lines


def ranked_item(
    result: ranked.RankedResult, council: Council | None, options: list[str]
) -> dict[str, Any]:
    """What a page shows of a council's ranking: the order, both counts' orders under
    a double rule, the outcome and how it came about."""
    return {
        "ranked": True,
        "ranking": ranking_names(result.ranking, options),
        "double": council is not None and council.rule == RatificationRule.DOUBLE,
        "by_assemblies": ranking_names(result.by_assemblies, options),
        "by_members": ranking_names(result.by_members, options),
        "outcome": ranked_outcome(result, options),
        "explain": explain_ranked(result, council),
    }


def _names(institution_ids: Iterable[int]) -> dict[int, Institution]:
    ids = set(institution_ids)
    if not ids:
        return {}
    return Institution.objects.only("pk", "name", "slug", "kind").in_bulk(ids)


def _member_label(
    node: str, tree: Tree, institutions: Mapping[int, Institution]
) -> tuple[str, str]:
    """(name, url) of a node."""
    pk = int(node[1:])
    if node[0] == "c":
        council = tree.councils.get(pk)
        if council is None:
            return _("Council %(id)s") % {"id": pk}, ""
        return council.name, council_url(council)
    institution = institutions.get(pk)
    if institution is None:
        return _("Institution %(id)s") % {"id": pk}, ""
    return institution.name, reverse("institutions:detail", args=[institution.slug])


# --- the tree ----------------------------------------------------------------------


def _council_order(tree: Tree, nodes: Iterable[str]) -> list[str]:
    return sorted(
        nodes,
        key=lambda n: (-tree.councils[int(n[1:])].level, tree.councils[int(n[1:])].name.lower()),
    )


def roots(tree: Tree) -> list[str]:
    return _council_order(tree, [f"c{pk}" for pk in tree.councils if f"c{pk}" not in tree.parent])


def tree_page(*, institution_slug: str = "") -> dict[str, Any]:
    """Every council, nested, with the people each represents; the SVG's data."""
    tree = load_tree()
    assemblies = {int(n[1:]) for kids in tree.children.values() for n in kids if n[0] == "i"}
    counts = member_counts(assemblies)
    all_nodes = [f"c{pk}" for pk in tree.councils] + [f"i{pk}" for pk in assemblies]
    weights = node_weights(tree, counts, all_nodes)
    inline = len(assemblies) <= INLINE_ASSEMBLIES
    institutions = _names(assemblies) if inline else {}
    chapter_ids = {c.chapter_id for c in tree.councils.values()}
    chapters = dict(Chapter.objects.filter(pk__in=chapter_ids).values_list("pk", "name"))

    items: list[dict[str, Any]] = []

    def visit(node: str, depth: int, seen: frozenset[str]) -> None:
        council = tree.councils[int(node[1:])]
        children = tree.children.get(node, [])
        below_councils = _council_order(
            tree, [c for c in children if c[0] == "c" and c not in seen]
        )
        below_assemblies = [c for c in children if c[0] == "i"]
        items.append(
            {
                "depth": depth,
                "kind": "council",
                "council": council,
                "chapter": chapters.get(council.chapter_id, ""),
                "weight": weights.get(node, 0),
                "members": len(children),
                "assemblies": len(below_assemblies),
                "listed": inline,
            }
        )
        for child in below_councils:
            visit(child, depth + 1, seen | {child})
        if inline:
            ordered = sorted(
                below_assemblies,
                key=lambda n: _member_label(n, tree, institutions)[0].lower(),
            )
            for child in ordered:
                name, url = _member_label(child, tree, institutions)
                items.append(
                    {
                        "depth": depth + 1,
                        "kind": "institution",
                        "name": name,
                        "url": url,
                        "weight": weights.get(child, 0),
                    }
                )

    top = roots(tree)
    for node in top:
        visit(node, 1, frozenset({node}))

    sits_in: list[Council] = []
    chosen = None
    if institution_slug:
        chosen = (
            Institution.objects.filter(slug=institution_slug).only("pk", "name", "slug").first()
        )
        if chosen is not None:
            sits_in = _council_order_objects(
                tree, [s.council_id for s in tree.seats.get(f"i{chosen.pk}", [])]
            )
    drawing = council_tree(tree, weights, top)
    return {
        "items": nest(items),
        "councils": len(tree.councils),
        "assemblies": len(assemblies),
        "people": sum(counts.values()),
        "inline": inline,
        "inline_limit": INLINE_ASSEMBLIES,
        "drawing": drawing,
        "institution": chosen,
        "sits_in": sits_in,
    }


def _council_order_objects(tree: Tree, council_ids: Iterable[int]) -> list[Council]:
    return [tree.councils[int(n[1:])] for n in _council_order(tree, {f"c{i}" for i in council_ids})]


# --- one council -------------------------------------------------------------------


@dataclass
class Member:
    seat: Seat
    node: str
    name: str
    url: str
    kind: str
    weight: int
    delegates: list[Delegate] = field(default_factory=list)


def sitting_delegates(council: Council) -> list[Delegate]:
    today = timezone.localdate()
    return list(
        Delegate.objects.filter(
            council=council, ended_on=None, starts_on__lte=today, ends_on__gt=today
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def council_page(*, council: Council, viewer: Any) -> dict[str, Any]:
    tree = load_tree(council.chapter_id)
    node = f"c{council.pk}"
    above = [tree.councils[int(n[1:])] for n in tree.path_up(node)]
    counts = member_counts(tree.assemblies_below(council.pk))
    seats = list(
        Seat.objects.filter(council=council, left_at=None)
        .select_related("institution", "member_council")
        .order_by("joined_at", "pk")
    )
    weights = node_weights(tree, counts, [node, *(s.node for s in seats)])
    delegates = sitting_delegates(council)
    by_seat: dict[int, list[Delegate]] = defaultdict(list)
    for delegate in delegates:
        by_seat[delegate.seat_id].append(delegate)
    members = []
    for seat in seats:
        if seat.institution is not None:
            name = seat.institution.name
            url = reverse("institutions:detail", args=[seat.institution.slug])
            kind = seat.institution.get_kind_display()
        else:
            name = seat.member_council.name  # type: ignore[union-attr]
            url = council_url(seat.member_council)  # type: ignore[arg-type]
            kind = _("Council of level %(level)s") % {"level": seat.member_council.level}  # type: ignore[union-attr]
        members.append(
            Member(seat, seat.node, name, url, kind, weights.get(seat.node, 0), by_seat[seat.pk])
        )
    today = timezone.localdate()
    former = list(
        Delegate.objects.filter(council=council)
        .filter(Q(ended_on__isnull=False) | Q(ends_on__lte=today))
        .select_related("user", "seat__institution", "seat__member_council")
        .order_by("-ends_on", "-pk")[:FORMER_SHOWN]
    )
    questions = list(
        Question.objects.filter(council=council).only(
            "pk", "title", "state", "created_at", "council_id"
        )
    )
    by_state: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_state[question.state].append(question)
    question_groups = [
        (state, label, by_state[state]) for state, label in QuestionState.choices if by_state[state]
    ]
    open_votes = list(
        AssemblyVote.objects.filter(
            council=council, question=None, poll__closed_at=None, poll__cancelled_at=None
        )
        .select_related("poll", "institution", "delegate__user")
        .order_by("poll__closes_at", "pk")
    )
    return {
        "council": council,
        "above": above,
        "weight": weights.get(node, 0),
        "members": members,
        "member_count": len(members),
        "delegate_count": len(delegates),
        "former": former,
        "question_groups": question_groups,
        "question_count": len(questions),
        "open_votes": open_votes,
        # Its participatory budgets, each run by an institution below it.
        "budgets": list(council.budgets.select_related("institution").order_by("-voting_opens")),
        "rule_words": rule_words(council),
        "quorum_words": quorum_words(council, len(members)),
        "tree": tree,
        "seats": {s.institution_id: s for s in seats if s.institution_id},
        "vacancies": {s.pk: council.delegates_per_member - len(by_seat[s.pk]) for s in seats},
    }


def viewer_assemblies(*, council: Council, viewer: Any) -> list[Institution]:
    """The viewer's assemblies in the council's chapter for which they may put a
    joining, a leaving or an election to the vote (a query or two per assembly the
    viewer belongs to, never per member of the council)."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    mine = (
        Institution.objects.filter(
            chapter_id=council.chapter_id,
            memberships__user_id=viewer.pk,
            memberships__left_at__isnull=True,
        )
        .select_related("chapter")
        .order_by("name")
    )
    return [i for i in mine if permissions.check(viewer, "council.assembly_vote", i)]


def candidates(institution: Institution) -> list[tuple[int, str]]:
    return list(
        Membership.objects.filter(
            institution=institution, left_at__isnull=True, verified_at__isnull=False
        )
        .order_by("user__full_name", "user_id")
        .values_list("user_id", "user__full_name")
    )


def join_refusal(tree: Tree, council: Council, institution: Institution) -> str:
    problem = council_services.join_problem(tree, council, institution)
    return problem.message if problem is not None else ""


# --- one question ------------------------------------------------------------------


def _results(question: Question, stored: str, kind: str, live: bool, tree: Tree) -> dict[str, Any]:
    """The mandates' or the ratification's results at every node: counted live while
    the assemblies vote, else as recorded."""
    if live:
        return question_roll_up(question, kind, tree)
    recorded = (question.ratification or {}).get(stored)
    return from_json(recorded) if recorded else {}


def expanded(results: Mapping[str, Any], root: str, focus: str) -> set[str]:
    """The council nodes whose assemblies a question's page lists one by one."""
    councils = {n: r for n, r in results.items() if n[0] == "c"}
    total = sum(sum(1 for m in r.counted if m[0] == "i") for r in councils.values())
    if total <= SHOWN_TOTAL:
        return set(councils)
    shown = {focus} & set(councils)
    if root in councils and sum(1 for m in councils[root].counted if m[0] == "i") <= (
        SHOWN_PER_COUNCIL
    ):
        shown.add(root)
    return shown


def result_items(
    results: Mapping[str, Any],
    root: str,
    tree: Tree,
    institutions: Mapping[int, Institution],
    polls: Mapping[int, AssemblyVote],
    shown: set[str],
    options: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Every council node of a roll-up, depth first, with its counted members (its
    assemblies one by one only for the council nodes in ``shown``). With ``options``
    (a ranked question's mandates) each node shows a ranking instead of a position."""
    items: list[dict[str, Any]] = []

    def position_of(position: Any) -> dict[str, Any]:
        if options:
            return {"ranked": True, "ranking": ranking_names(position, options)}
        return {"position": position_label(position)}

    def visit(node: str, depth: int, seen: frozenset[str]) -> None:
        result = results[node]
        council = tree.councils.get(int(node[1:]))
        name, url = _member_label(node, tree, institutions)
        counted = list(result.counted.items())
        assemblies = [(n, p) for n, p in counted if n[0] == "i"]
        show_all = node in shown
        item = {
            "depth": depth,
            "kind": "council",
            "node": node,
            "name": name,
            "url": url,
            "council": council,
            "result": result,
            "assemblies": len(assemblies),
            "collapsed": bool(assemblies) and not show_all,
        }
        if isinstance(result, ranked.RankedResult):
            item.update(ranked_item(result, council, options or []))
        else:
            item.update({"outcome": outcome_label(result), "explain": explain(result, council)})
        items.append(item)
        for child, position in counted:
            if child[0] == "c" and child in results and child not in seen:
                visit(child, depth + 1, seen | {child})
            elif child[0] == "c":
                cname, curl = _member_label(child, tree, institutions)
                items.append(
                    {
                        "depth": depth + 1,
                        "kind": "institution",
                        "name": cname,
                        "url": curl,
                        "weight": 0,
                        **position_of(position),
                    }
                )
            elif show_all:
                iname, iurl = _member_label(child, tree, institutions)
                vote = polls.get(int(child[1:]))
                leaf = results.get(child)
                items.append(
                    {
                        "depth": depth + 1,
                        "kind": "institution",
                        "name": iname,
                        "url": iurl,
                        "weight": leaf.weight if leaf else 0,
                        "vote": vote,
                        **position_of(position),
                    }
                )

    if root in results:
        visit(root, 1, frozenset({root}))
    return nest(items)


def _listed(results: Mapping[str, Any], shown: set[str]) -> set[int]:
    return {
        int(n[1:])
        for node in shown
        if node in results
        for n in results[node].counted
        if n[0] == "i"
    }


def question_page(*, question: Question, viewer: Any, focus: str = "") -> dict[str, Any]:
    council = question.council
    tree = load_tree(council.chapter_id)
    root = f"c{council.pk}"
    state = question.state
    options: list[str] = list(question.options or [])
    mandates = _results(
        question, "mandates", AssemblyVoteKind.MANDATE, state == QuestionState.MANDATING, tree
    )
    ratify = _results(
        question, "ratify", AssemblyVoteKind.RATIFY, state == QuestionState.RATIFYING, tree
    )
    mandates_shown = expanded(mandates, root, focus)
    ratify_shown = expanded(ratify, root, focus)
    shown = _listed(mandates, mandates_shown) | _listed(ratify, ratify_shown)
    # The council's own members, named in the mandates and votes tables.
    shown.update(int(n[1:]) for n in (question.mandates or {}) if n[0] == "i")
    shown.update(int(n[1:]) for n in tree.children.get(root, []) if n[0] == "i")
    institutions = _names(shown)
    polls: dict[str, dict[int, AssemblyVote]] = {"mandate": {}, "ratify": {}}
    for vote in AssemblyVote.objects.filter(
        question=question, institution_id__in=shown
    ).select_related("poll", "institution"):
        polls.setdefault(vote.kind, {})[vote.institution_id] = vote
    votes = list(
        DelegateVote.objects.filter(question=question)
        .select_related(
            "delegate__user", "delegate__seat__institution", "delegate__seat__member_council"
        )
        .order_by("delegate__user__full_name", "pk")
    )
    tally = {p: 0 for p, _label in Position.choices}
    for vote in votes:
        _label_vote(vote, options)
        tally[vote.position] = tally.get(vote.position, 0) + 1
    # Each member's mandate, and for a member council how its assemblies rolled it up.
    mandate_rows = []
    mandate_source = question.mandates
    if mandate_source is None and root in mandates:
        mandate_source = dict(mandates[root].counted)
    for node, position in (mandate_source or {}).items():
        name, url = _member_label(node, tree, institutions)
        rolled = mandates.get(node) if node[0] == "c" else None
        row: dict[str, Any] = {
            "node": node,
            "name": name,
            "url": url,
            "rolled": rolled,
            "vote": polls["mandate"].get(int(node[1:])) if node[0] == "i" else None,
        }
        if options:
            row["ranking"] = ranking_names(position, options)
            row["rolled_outcome"] = ranked_outcome(rolled, options) if rolled else ""
        else:
            row["position"] = position_label(position)
            row["rolled_outcome"] = outcome_label(rolled) if rolled else ""
        mandate_rows.append(row)
    decision: Any = None
    decision_view: dict[str, Any] = {}
    if question.decision and options:
        decision = from_json({root: question.decision})[root]
        decision_view = ranked_item(decision, council, options)
        first = ranked.winner(decision.ranking)
        decision_view["winner"] = options[first] if first is not None else ""
    elif question.decision:
        decision = core.NodeResult(**question.decision)
        decision_view = {"explain": explain(decision, council)}
    tree_node_above = tree.parent.get(root)
    viewer_delegate = None
    my_vote = None
    if question.state == QuestionState.VOTING and getattr(viewer, "is_authenticated", False):
        today = timezone.localdate()
        viewer_delegate = (
            Delegate.objects.filter(
                council=council,
                user_id=viewer.pk,
                ended_on=None,
                starts_on__lte=today,
                ends_on__gt=today,
            )
            .select_related("seat")
            .first()
        )
        if viewer_delegate is not None:
            my_vote = next((v for v in votes if v.delegate_id == viewer_delegate.pk), None)
    viewer_mandate = None
    if viewer_delegate is not None:
        viewer_mandate = (question.mandates or {}).get(viewer_delegate.seat.node)
    sent_up = list(question.sent_up.select_related("council"))
    return {
        "question": question,
        "council": council,
        "options": options,
        "effect_words": effect_words(question, tree),
        "mandate_rows": mandate_rows,
        "mandate_items": result_items(
            mandates, root, tree, institutions, polls["mandate"], mandates_shown, options
        ),
        "ratify_items": result_items(
            ratify, root, tree, institutions, polls["ratify"], ratify_shown
        ),
        "ratify_root": ratify.get(root),
        "votes": votes,
        "tally": tally,
        "deviations": sum(1 for v in votes if v.deviated),
        "decision": decision,
        "decision_view": decision_view,
        "decision_explained": decision_view.get("explain", []),
        "rule_words": ranked_rule_words(council) if options else rule_words(council),
        "parent": tree.councils.get(int(tree_node_above[1:])) if tree_node_above else None,
        "viewer_delegate": viewer_delegate,
        "viewer_mandate": viewer_mandate,
        "my_vote": my_vote,
        "sent_up": sent_up,
        "focus": focus,
    }


def _label_vote(vote: DelegateVote, options: list[str]) -> None:
    """What a page shows of a delegate's vote: the mandate in words, or for a ranked
    question both rankings as names."""
    vote.mandate_label = position_label(vote.mandate) if vote.mandate else ""  # type: ignore[attr-defined]
    if options and vote.ranking is not None:
        vote.ranking_names = ranking_names(vote.ranking, options)  # type: ignore[attr-defined]
        vote.mandate_names = ranking_names(vote.mandate_ranking, options)  # type: ignore[attr-defined]


def effect_words(question: Question, tree: Tree | None = None) -> str:
    """What carrying a question does to its council, in words ("" for nothing)."""
    effect = question.effect or {}
    if not effect:
        return ""
    council = question.council
    ((kind, value),) = list(effect.items())[:1]
    return effect_label(council, kind, value, tree)


def effect_label(council: Council, kind: str, value: Any, tree: Tree | None = None) -> str:
    """ "Join City", "Send Person A1 to City"… for an effect on ``council``."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = 0
    councils = tree.councils if tree is not None else {}
    if kind in ("join", "leave"):
        target = councils.get(pk) or Council.objects.filter(pk=pk).only("name").first()
        name = target.name if target else _("Council %(id)s") % {"id": pk}
        if kind == "join":
            return _("%(council)s joins %(above)s") % {"council": council.name, "above": name}
        return _("%(council)s leaves %(above)s") % {"council": council.name, "above": name}
    above = Seat.objects.filter(member_council=council, left_at=None).select_related("council")
    above_seat = above.first()
    above_name = above_seat.council.name if above_seat else _("the council above")
    if kind == "send":
        person = get_user_model().objects.filter(pk=pk).only("full_name").first()
        return _("%(council)s sends %(person)s to %(above)s") % {
            "council": council.name,
            "person": person.full_name if person else _("a delegate"),
            "above": above_name,
        }
    if kind == "recall":
        delegate = Delegate.objects.filter(pk=pk).select_related("user", "council").first()
        return _("%(council)s recalls %(person)s from %(above)s") % {
            "council": council.name,
            "person": delegate.user.full_name if delegate else _("a delegate"),
            "above": delegate.council.name if delegate else above_name,
        }
    return ""


def effect_choices(council: Council, tree: Tree) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a council's conveners can put to its vote about the council itself, as
    groups of (value, label) for a select: ``join:<council id>``, ``leave:<id>``,
    ``send:<user id>``, ``recall:<delegate id>``."""
    node = f"c{council.pk}"
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    above_node = tree.parent.get(node)
    if above_node is None:
        higher = sorted(
            (c for c in tree.councils.values() if c.level > council.level),
            key=lambda c: (c.level, c.name.lower(), c.pk),
        )
        if higher:
            groups.append(
                (
                    _("Join a higher council"),
                    [
                        (
                            f"join:{c.pk}",
                            _("Join %(name)s (level %(level)s)")
                            % {"name": c.name, "level": c.level},
                        )
                        for c in higher
                    ],
                )
            )
        return groups
    above = tree.councils[int(above_node[1:])]
    groups.append(
        (
            _("Leave the council it sits in"),
            [(f"leave:{above.pk}", _("Leave %(name)s") % {"name": above.name})],
        )
    )
    today = timezone.localdate()
    sent = list(
        Delegate.objects.filter(
            council=above, seat__member_council=council, seat__left_at=None, ended_on=None
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    sent_users = {d.user_id for d in sent if d.ends_on > today}
    own = [d for d in sitting_delegates(council) if d.user_id not in sent_users]
    mine = {}
    for delegate in own:  # one entry per person, however many seats they sit for
        mine.setdefault(delegate.user_id, delegate.user.full_name)
    if mine:
        groups.append(
            (
                _("Send one of its delegates to %(name)s") % {"name": above.name},
                [
                    (
                        f"send:{pk}",
                        _("Send %(person)s to %(name)s") % {"person": name, "name": above.name},
                    )
                    for pk, name in mine.items()
                ],
            )
        )
    if sent:
        groups.append(
            (
                _("Recall a delegate it sent to %(name)s") % {"name": above.name},
                [
                    (
                        f"recall:{d.pk}",
                        _("Recall %(person)s from %(name)s")
                        % {"person": d.user.full_name, "name": above.name},
                    )
                    for d in sent
                ],
            )
        )
    return groups


# --- one delegate ------------------------------------------------------------------


def delegate_page(*, delegate: Delegate) -> dict[str, Any]:
    votes = list(
        DelegateVote.objects.filter(delegate=delegate)
        .select_related("question")
        .order_by("-cast_at", "-pk")
    )
    for vote in votes:
        _label_vote(vote, list(vote.question.options or []))
    recalls = list(
        AssemblyVote.objects.filter(delegate=delegate, kind=AssemblyVoteKind.RECALL)
        .select_related("poll", "institution")
        .order_by("-pk")
    )
    today = timezone.localdate()
    seat = delegate.seat
    member = seat.institution or seat.member_council
    if seat.institution is not None:
        member_url = reverse("institutions:detail", args=[seat.institution.slug])
    else:
        member_url = council_url(seat.member_council)  # type: ignore[arg-type]
    return {
        "delegate": delegate,
        "council": delegate.council,
        "member": member,
        "member_url": member_url,
        "sitting": delegate.ended_on is None and delegate.starts_on <= today < delegate.ends_on,
        "expired": delegate.ended_on is None and delegate.ends_on <= today,
        "votes": votes,
        "deviations": sum(1 for v in votes if v.deviated),
        "recalls": recalls,
    }


def get_delegate(council: Council, pk: int) -> Delegate | None:
    return (
        Delegate.objects.select_related("user", "seat__institution", "seat__member_council")
        .filter(council=council, pk=pk)
        .first()
    )


def get_question(council: Council, pk: int) -> Question | None:
    return (
        Question.objects.select_related(
            "council__chapter",
            "origin_proposal__institution",
            "origin_question__council",
        )
        .filter(council=council, pk=pk)
        .first()
    )


def creatable_chapters(viewer: Any) -> list[tuple[int, str]]:
    """The chapters the viewer may set up a council in."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    return [
        (chapter.pk, chapter.name)
        for chapter in Chapter.objects.order_by("name")
        if permissions.check(viewer, "council.create", chapter)
    ]
