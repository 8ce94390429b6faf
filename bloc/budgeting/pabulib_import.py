"""Open data both ways: import a Pabulib file as a closed budget, export a closed budget.

An import replays a real city's vote: the projects (all on the ballot, with their
cost, name and category), every ballot (identical ones merged, voter ids dropped)
and the META kept for the export. The budget is counted again by bloc's engine
under the rule the file names (or the one asked for), and the result notes whether
it equals the selection the city recorded.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.budgeting import selectors as sel
from bloc.budgeting.models import (
    BallotKind,
    Budget,
    BudgetBallot,
    Completion,
    Project,
    ProjectStatus,
    Rule,
    Satisfaction,
    Source,
)
from bloc.budgeting.services import count
from bloc.core.budgeting import ballot as ballot_rules
from bloc.core.budgeting.election import CUMULATIVE, ORDINAL
from bloc.core.budgeting.pabulib import format_pb, parse_pb, to_election
from bloc.core.errors import ValidationFailed
from bloc.core.formats.errors import BallotFormatError
from bloc.institutions.models import Institution
from bloc.permissions import is_person

#: META ``rule`` -> (rule, satisfaction, completion) as bloc counts it.
FILE_RULES = {
    "greedy": (Rule.GREEDY, Satisfaction.COST, Completion.NONE),
    "greedy-threshold": (Rule.GREEDY, Satisfaction.COST, Completion.NONE),  # + min_votes
    "equalshares": (Rule.MES, Satisfaction.COST, Completion.NONE),
    "equalshares/add1": (Rule.MES, Satisfaction.COST, Completion.ADD1),
}
#: ``--rule`` names (as in ``bloc tally``) -> the same.
RULE_NAMES = {
    "greedy": (Rule.GREEDY, Satisfaction.COST, Completion.NONE),
    "mes": (Rule.MES, Satisfaction.COST, Completion.NONE),
    "mes_add1": (Rule.MES, Satisfaction.COST, Completion.ADD1),
    "mes_add1_greedy": (Rule.MES, Satisfaction.COST, Completion.ADD1_GREEDY),
    "phragmen": (Rule.PHRAGMEN, Satisfaction.COST, Completion.NONE),
}


def _date(text: str | None, default: dt.datetime) -> dt.datetime:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime((text or "").strip(), pattern).date()  # noqa: DTZ007 - a day
        except ValueError:
            continue
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return default


def budget_import(
    *, actor: Any, institution: Institution, text: str, name: str, rule: str | None = None
) -> Budget:
    """A closed budget holding the file's projects and votes, counted by bloc.

    A malformed file raises ``ValidationFailed`` naming the line; nothing is written.
    """
    permissions.require(actor, "budget.manage", institution)
    try:
        pb = parse_pb(text, source=name)
        election = to_election(pb)
    except BallotFormatError as error:
        message = _("%(name)s, line %(line)s: %(problem)s") % {
            "name": name,
            "line": error.line,
            "problem": error.message,  # the reader's words, in English
        }
        raise ValidationFailed.for_field("file", message, code="bad_file") from None
    meta = pb.meta_dict()
    kind = {CUMULATIVE: BallotKind.CUMULATIVE, ORDINAL: BallotKind.ORDINAL}.get(
        election.kind, BallotKind.APPROVAL
    )
    limits = election.limits
    if kind == BallotKind.APPROVAL and "max_sum_cost" in limits:
        kind = BallotKind.KNAPSACK
    if rule is not None:
        if rule not in RULE_NAMES:
            raise ValidationFailed.for_field(
                "rule", _("Choose a rule: %(rules)s.") % {"rules": ", ".join(RULE_NAMES)}
            )
        chosen = RULE_NAMES[rule]
    else:
        chosen = FILE_RULES.get(meta.get("rule", "").strip(), RULE_NAMES["greedy"])
    if chosen[0] == Rule.PHRAGMEN and kind not in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        raise ValidationFailed.for_field(
            "rule", _("Sequential Phragmén counts approval ballots only.")
        )
    now = timezone.now()
    # The vote is over: a file without dates (or with future ones) closes it now.
    closes = min(_date(meta.get("date_end"), now) + dt.timedelta(days=1), now)
    opens = min(_date(meta.get("date_begin"), closes - dt.timedelta(days=14)),
                closes - dt.timedelta(days=1))  # fmt: skip
    names = {row["project_id"].strip(): row for row in pb.project_dicts()}
    title = meta.get("description") or name
    with transaction.atomic():
        budget = Budget.objects.create(
            institution=institution,
            title=title[:160],
            description=_("Imported from the Pabulib file %(name)s.") % {"name": name},
            source=Source.CITY,
            source_detail=", ".join(v for v in (meta.get("unit"), meta.get("subunit")) if v)[:200],
            amount=election.budget,
            currency=(meta.get("currency") or "EUR")[:3].upper(),
            ballot_kind=kind,
            min_projects=limits.get("min_length", 0),
            max_projects=limits.get("max_length"),
            max_points=limits.get("max_sum_points", 10),
            max_per_project=limits.get("max_points"),
            min_votes=limits.get("min_project_score_threshold", 0),
            rule=chosen[0],
            sat=chosen[1],
            completion=chosen[2],
            ideas_open=opens,
            review_from=opens,
            voting_opens=opens,
            voting_closes=closes,
            implementation_from=closes,
            created_by=actor if is_person(actor) else None,
            imported_from=name[:200],
            meta=meta,
        )
        projects = Project.objects.bulk_create(
            Project(
                budget=budget,
                title=(names[pid].get("name") or pid)[:200],
                description=names[pid].get("description", ""),
                category=names[pid].get("category", "")[:80],
                estimated_cost=cost,
                cost=cost,
                status=ProjectStatus.FEASIBLE,
                pb_id=pid,
            )
            for pid, cost in zip(election.ids, election.costs, strict=True)
        )
        if any(p.pk is None for p in projects):  # databases that do not return keys
            projects = list(Project.objects.filter(budget=budget).order_by("pk"))
        pk = [p.pk for p in projects]
        contents: Counter[str] = Counter()
        for i, (ballot, n) in enumerate(zip(election.ballots, election.counts, strict=True)):
            if election.points is not None:
                pairs = tuple(sorted((pk[p], x) for p, x in zip(ballot, election.points[i],
                                                                 strict=True)))  # fmt: skip
                contents[ballot_rules.encode(pairs)] += n
            elif kind == BallotKind.ORDINAL:
                contents[ballot_rules.encode(tuple(pk[p] for p in ballot))] += n
            else:
                contents[ballot_rules.encode(tuple(sorted(pk[p] for p in ballot)))] += n
        BudgetBallot.objects.bulk_create(
            (BudgetBallot(budget=budget, content=c, count=n) for c, n in contents.items()),
            batch_size=2000,
        )
        result = count(budget)
        recorded = sorted(row["project_id"].strip() for row in pb.project_dicts()
                          if row.get("selected", "").strip() == "1")  # fmt: skip
        if recorded:
            same = sorted(result["selected"]) == recorded
            result["notes"].append(
                "bloc's count funds the same projects the city recorded."
                if same
                else "bloc's count differs from the projects the city recorded "
                f"({', '.join(recorded)}): the city's rule is not exactly this one "
                f"(the file says {meta.get('rule', 'nothing')!r})."
            )
            result["recorded"] = recorded
        budget.result = result
        budget.counted_at = now
        budget.save(update_fields=["result", "counted_at"])
        audit_append(
            actor=actor,
            action="budget.import",
            subject=budget,
            data={"file": name, "projects": len(projects), "voters": election.voters},
        )
    return budget


def budget_export(*, budget: Budget) -> str:
    """The counted budget as Pabulib text."""
    return format_pb(sel.to_pabulib(budget=budget))
