"""Every write about participatory budgets: one function per use case.

Each checks permission, validates, writes and appends to the audit log in one
transaction; a refusal writes nothing.

Voting is as in decisions: ``BudgetParticipation`` is unique per budget and member,
so of any number of simultaneous submissions exactly one is stored; the ballot goes
to a separate table with nothing linking it to the voter, and the receipt (a hash
of the ballot and a random nonce) is shown once and never stored beside a name.
Who may vote: verified members who had joined before voting opened (joining
mid-vote cannot add voters), online or on paper, once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.accounts.services import vote_check_rate, vote_record_rate
from bloc.actors import SYSTEM
from bloc.audit.services import audit_append
from bloc.budgeting import selectors as sel
from bloc.budgeting.messages import ballot_problem
from bloc.budgeting.models import (
    BallotKind,
    Budget,
    BudgetBallot,
    BudgetParticipation,
    Channel,
    Completion,
    Progress,
    Project,
    ProjectStatus,
    ProjectUpdate,
    Rule,
    Satisfaction,
    Source,
    UpdatePhoto,
)
from bloc.concerns.services import clean_photos
from bloc.core import ballot_entry
from bloc.core.budgeting import ballot as ballot_rules
from bloc.core.budgeting import threshold
from bloc.core.budgeting.explain import to_json
from bloc.core.budgeting.greedy import greedy
from bloc.core.budgeting.mes import mes
from bloc.core.budgeting.phragmen import phragmen
from bloc.core.budgeting.result import BudgetResult
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from bloc.institutions.models import Institution
from bloc.permissions import is_person
from bloc.validation import clean_text

TITLE_MAX = 160
PROJECT_TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
PLACE_MAX = 200
CATEGORY_MAX = 80
REASON_MAX = 2_000
UPDATE_MAX = 5_000
MONEY_MAX = 10**15  # far above any budget, far below what the database column holds


def _money(field: str, value: Any, *, allow_zero: bool = True) -> int:
    """A whole amount of money, or a field error saying what is wrong with it."""
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip()) if value is not None else None
    except ValueError:
        number = None
    if number is None:
        raise ValidationFailed.for_field(
            field, _("Give a whole amount of money, in digits."), code="bad_money"
        )
    if number < 0:
        raise ValidationFailed.for_field(
            field, _("An amount of money cannot be negative."), code="negative_money"
        )
    if number == 0 and not allow_zero:
        raise ValidationFailed.for_field(field, _("Give an amount above zero."), code="bad_money")
    if number > MONEY_MAX:
        raise ValidationFailed.for_field(field, _("That amount is too large."), code="bad_money")
    return number


# --- budgets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetSettings:
    """Everything a facilitator sets on a budget (the pages' and the API's form)."""

    title: str
    amount: Any
    source: str
    ideas_open: datetime
    review_from: datetime
    voting_opens: datetime
    voting_closes: datetime
    implementation_from: datetime
    description: str = ""
    source_detail: str = ""
    currency: str = "USD"
    ballot_kind: str = BallotKind.APPROVAL
    min_projects: int = 0
    max_projects: int | None = None
    max_points: int = 10
    max_per_project: int | None = None
    min_votes: int = 0
    rule: str = Rule.MES
    sat: str = Satisfaction.COST
    completion: str = Completion.ADD1_GREEDY
    council_id: int | None = None  # a council's budget (see models.Budget.council)


def _checked(settings: BudgetSettings) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    values: dict[str, Any] = {}
    for field, most, required in (
        ("title", TITLE_MAX, _("Give the budget a title.")),
        ("description", DESCRIPTION_MAX, ""),
        ("source_detail", 200, ""),
    ):
        try:
            values[field] = clean_text(field, getattr(settings, field), most, required=required)
        except ValidationFailed as error:
            errors.update(error.fields)
    try:
        values["amount"] = _money("amount", settings.amount, allow_zero=False)
    except ValidationFailed as error:
        errors.update(error.fields)
    currency = (settings.currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        fail("currency", _("Give the currency as its three-letter code, e.g. USD or EUR."))
    values["currency"] = currency
    choices = (
        ("source", Source),
        ("ballot_kind", BallotKind),
        ("rule", Rule),
        ("sat", Satisfaction),
        ("completion", Completion),
    )
    for field, enum in choices:
        value = getattr(settings, field) or ""
        if value not in enum.values:
            fail(field, _("Choose one of the options."))
        values[field] = value
    kind, rule, sat = settings.ballot_kind, settings.rule, settings.sat
    if sat == Satisfaction.POINTS and kind != BallotKind.CUMULATIVE:
        fail("sat", _("Points satisfaction needs a cumulative ballot."))
    if rule == Rule.PHRAGMEN and kind not in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        fail("rule", _("Sequential Phragmén counts approval ballots only."))
    if settings.completion and rule != Rule.MES:
        fail("completion", _("A completion applies to the Method of Equal Shares only."))
    low, high = settings.min_projects or 0, settings.max_projects
    if low < 0 or (high is not None and high < max(low, 1)):
        fail("max_projects", _("The most projects must be at least one and at least the fewest."))
    if kind == BallotKind.CUMULATIVE and (settings.max_points or 0) < 1:
        fail("max_points", _("Give each voter at least one point."))
    if (settings.min_votes or 0) < 0:
        fail("min_votes", _("The votes a project needs cannot be negative."))
    if settings.max_per_project is not None and settings.max_per_project < 1:
        fail("max_per_project", _("Allow at least one point on a project."))
    values.update(
        min_projects=low,
        max_projects=high,
        max_points=settings.max_points or 10,
        max_per_project=settings.max_per_project,
        min_votes=settings.min_votes or 0,
    )
    order = ("ideas_open", "review_from", "voting_opens", "voting_closes", "implementation_from")
    dates = [getattr(settings, f) for f in order]
    if any(d is None for d in dates):
        fail("ideas_open", _("Give every phase a start."))
    else:
        for i in range(1, len(order)):
            name, start, before = order[i], dates[i], dates[i - 1]
            if start < before or (name == "voting_closes" and start == before):
                fail(name, _("Each phase must start after the one before it."))
        values.update(zip(order, dates, strict=True))
    values["council_id"] = settings.council_id or None
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields=errors)
    return values


def _council_above(institution: Institution, council_id: int | None) -> None:
    """A council's budget is hosted by an institution that sits under the council."""
    if council_id is not None and council_id not in sel.councils_above(institution):
        raise ValidationFailed.for_field(
            "council_id",
            _("Choose a council %(name)s sits in, directly or through a lower council.")
            % {"name": institution.name},
        )


def budget_create(*, actor: Any, institution: Institution, settings: BudgetSettings) -> Budget:
    permissions.require(actor, "budget.manage", institution)
    values = _checked(settings)
    _council_above(institution, values["council_id"])
    with transaction.atomic():
        budget = Budget.objects.create(
            institution=institution, created_by=actor if is_person(actor) else None, **values
        )
        audit_append(
            actor=actor,
            action="budget.create",
            subject=budget,
            data={
                "institution": institution.slug,
                "council": values["council_id"],
                "amount": budget.amount,
                "currency": budget.currency,
            },  # fmt: skip
        )
    return budget


#: Settings that change what voters see or how they are counted: fixed once voting opens.
BALLOT_FIELDS = (
    "amount",
    "currency",
    "ballot_kind",
    "min_projects",
    "max_projects",
    "max_points",
    "max_per_project",
    "min_votes",
    "rule",
    "sat",
    "completion",
    "voting_opens",
    "council_id",  # who may vote
)


def budget_update(*, actor: Any, budget: Budget, settings: BudgetSettings) -> Budget:
    permissions.require(actor, "budget.manage", budget.institution)
    values = _checked(settings)
    if values["council_id"] != budget.council_id:
        _council_above(budget.institution, values["council_id"])
    with transaction.atomic():
        locked = Budget.objects.select_for_update().get(pk=budget.pk)
        if locked.imported_from:
            raise Conflict(_("An imported budget is a record; it cannot be changed."),
                           code="imported")  # fmt: skip
        if sel.phase_index(sel.phase(locked)) >= sel.phase_index(sel.VOTING):
            changed = [f for f in BALLOT_FIELDS if getattr(locked, f) != values[f]]
            if changed:
                raise Conflict(
                    _(
                        "Voting has opened: the money, the ballot and the rule can no longer change."
                    ),
                    code="voting_started",
                )
            if locked.counted_at is not None and locked.voting_closes != values["voting_closes"]:
                raise Conflict(_("The votes are counted: voting cannot reopen."),
                               code="counted")  # fmt: skip
        for field, value in values.items():
            setattr(locked, field, value)
        locked.save()
        audit_append(actor=actor, action="budget.update", subject=locked,
                     data={"fields": sorted(values)})  # fmt: skip
    return locked


def reviewers_set(*, actor: Any, budget: Budget, users: Sequence[Any]) -> None:
    permissions.require(actor, "budget.manage", budget.institution)
    with transaction.atomic():
        budget.reviewers.set(users)
        audit_append(actor=actor, action="budget.reviewers", subject=budget,
                     data={"reviewers": sorted(u.pk for u in users)})  # fmt: skip


# --- ideas and their review -----------------------------------------------------------


def idea_submit(
    *,
    actor: Any,
    budget: Budget,
    title: str,
    description: str,
    estimated_cost: Any,
    place: str = "",
    category: str = "",
) -> Project:
    permissions.require(actor, "budget.propose", budget)
    if sel.phase(budget) != sel.IDEAS:
        raise Conflict(_("This budget is not taking ideas now."), code="not_taking_ideas")
    values = {
        "title": clean_text(
            "title", title, PROJECT_TITLE_MAX, required=_("Give your idea a title.")
        ),
        "description": clean_text(
            "description", description, DESCRIPTION_MAX, required=_("Describe your idea.")
        ),  # fmt: skip
        "place": clean_text("place", place, PLACE_MAX),
        "category": clean_text("category", category, CATEGORY_MAX),
        "estimated_cost": _money("estimated_cost", estimated_cost),
    }
    with transaction.atomic():
        project = Project.objects.create(budget=budget, submitted_by=actor, **values)
        audit_append(actor=actor, action="budget.idea", subject=project,
                     data={"budget": budget.pk, "cost": project.estimated_cost})  # fmt: skip
    return project


def _before_voting(budget: Budget) -> None:
    if sel.phase_index(sel.phase(budget)) >= sel.phase_index(sel.VOTING):
        raise Conflict(_("Voting has opened: the ballot can no longer change."),
                       code="voting_started")  # fmt: skip


def idea_review(
    *, actor: Any, project: Project, feasible: bool, reason: str, cost: Any = None
) -> Project:
    """Feasible (on the ballot, at the revised cost if given) or not, with a public reason."""
    budget = project.budget
    permissions.require(actor, "budget.review", budget)
    reason = clean_text("reason", reason, REASON_MAX,
                   required=_("Say why, for everyone to read."))  # fmt: skip
    revised = None if cost is None or str(cost).strip() == "" else _money("cost", cost)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _before_voting(budget)
        if locked.status == ProjectStatus.MERGED:
            raise Conflict(_("This idea was merged into another; review that one."),
                           code="merged")  # fmt: skip
        locked.status = ProjectStatus.FEASIBLE if feasible else ProjectStatus.INFEASIBLE
        locked.review_reason = reason
        locked.cost = revised
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save()
        audit_append(actor=actor, action="budget.review", subject=locked,
                     data={"feasible": feasible, "cost": locked.final_cost})  # fmt: skip
    return locked


def ideas_merge(*, actor: Any, into: Project, others: Sequence[Project], reason: str) -> Project:
    """Fold similar ideas into one: the others show where they went and why."""
    budget = into.budget
    permissions.require(actor, "budget.review", budget)
    reason = clean_text("reason", reason, REASON_MAX,
                   required=_("Say why these ideas belong together."))  # fmt: skip
    others = [o for o in others if o.pk != into.pk]
    if not others:
        raise ValidationFailed.for_field("others", _("Choose at least one idea to merge."))
    if any(o.budget_id != budget.pk for o in others):
        raise ValidationFailed.for_field("others", _("Only ideas of the same budget merge."))
    with transaction.atomic():
        _before_voting(budget)
        locked = list(Project.objects.select_for_update().filter(pk__in=[o.pk for o in others]))
        target = Project.objects.select_for_update().get(pk=into.pk)
        if target.status == ProjectStatus.MERGED:
            raise Conflict(_("That idea was itself merged into another."), code="merged")
        for other in locked:
            other.status = ProjectStatus.MERGED
            other.merged_into = target
            other.review_reason = reason
            other.reviewed_by = actor
            other.reviewed_at = timezone.now()
            other.save()
        # Ideas merged into those follow them to the new home.
        Project.objects.filter(merged_into__in=locked).update(merged_into=target)
        audit_append(actor=actor, action="budget.merge", subject=target,
                     data={"merged": sorted(o.pk for o in locked)})  # fmt: skip
    return target


# --- voting ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    receipt: str
    content: str


def eligible(*, budget: Budget, user: Any) -> bool:
    return sel.roster(budget=budget).filter(user_id=user.pk).exists()


def voting_refusal(*, budget: Budget, actor: Any) -> PermissionDenied | Conflict | None:
    """Why ``actor`` cannot vote online now, or ``None`` if they can."""
    if not is_person(actor):
        return PermissionDenied(_("Log in to vote."), code="login_required")
    if budget.imported_from:
        return Conflict(_("This budget was imported: its vote took place elsewhere."),
                        code="imported")  # fmt: skip
    now = sel.phase(budget)
    if now in (sel.DRAFT, sel.IDEAS, sel.REVIEW):
        return Conflict(
            _("Voting has not opened yet; it opens %(when)s.")
            % {"when": timezone.localtime(budget.voting_opens).strftime("%Y-%m-%d %H:%M")},
            code="not_open_yet",
        )
    if now != sel.VOTING:
        return Conflict(_("Voting has closed."), code="voting_closed")
    if not eligible(budget=budget, user=actor):
        return PermissionDenied(
            _("Only verified members who had joined before voting opened can vote."),
            code="not_eligible",
        )
    if sel.has_voted(budget=budget, actor=actor):
        return _already_voted(budget, actor.pk)
    return None


def _already_voted(budget: Budget, user_id: int) -> Conflict:
    channel = (
        BudgetParticipation.objects.filter(budget=budget, user_id=user_id)
        .values_list("channel", flat=True)
        .first()
    )
    if channel == Channel.PAPER:
        return Conflict(
            _("You voted on paper: you are checked off on the roster."), code="voted_on_paper"
        )
    return Conflict(_("You have already voted on this budget."), code="already_voted")


def check_ballot(*, budget: Budget, data: Any) -> str:
    """The canonical text of a submitted ballot, or ``ValidationFailed`` saying why."""
    form = sel.ballot_form(budget=budget)
    try:
        return ballot_rules.encode(ballot_rules.check(form, data))
    except ballot_rules.BudgetBallotProblem as problem:
        raise ballot_problem(problem, currency=budget.currency) from None


def _store(budget: Budget, user_id: int, channel: str, content: str) -> str:
    nonce = secrets.token_bytes(16)
    receipt = ballot_entry.receipt(content, nonce)
    # Lock the budget's row and check the time again: counting takes the same lock,
    # so a ballot is either stored before the count or refused, never lost.
    locked = Budget.objects.select_for_update().get(pk=budget.pk)
    if sel.phase(locked) != sel.VOTING or locked.imported_from:
        raise Conflict(_("Voting has closed."), code="voting_closed")
    try:
        with transaction.atomic():
            BudgetParticipation.objects.create(budget=budget, user_id=user_id, channel=channel)
    except IntegrityError:
        raise _already_voted(budget, user_id) from None
    BudgetBallot.objects.create(budget=budget, content=content, nonce=nonce.hex(),
                                receipt=receipt)  # fmt: skip
    return receipt


def vote(*, actor: Any, budget: Budget, data: Any, limit_rate: bool = False) -> Cast:
    """Cast ``actor``'s ballot; returns its receipt (shown once).

    ``limit_rate`` as in ``bloc.decisions.voting.vote``: pages and API count the vote
    against the account's limit, shared with polls.
    """
    refusal = voting_refusal(budget=budget, actor=actor)
    if refusal is not None:
        raise refusal
    if limit_rate:
        vote_check_rate(actor=actor)
    content = check_ballot(budget=budget, data=data)
    with transaction.atomic():
        receipt = _store(budget, actor.pk, Channel.ONLINE, content)
        if limit_rate:
            vote_record_rate(actor=actor)
        # Who voted is recorded; what they voted, and their receipt, never with it.
        audit_append(actor=actor, action="budget.vote", subject=budget, data={"channel": "online"})
    return Cast(receipt, content)


def paper_checkoff(*, actor: Any, budget: Budget, voter: Any) -> None:
    """A member handed in a paper ballot at the polling table: check them off the roster,
    so they cannot also vote online. Their ballot goes into the box, unnamed, and is
    entered later with ``paper_ballot_add`` — so whoever enters ballots never learns
    whose each one is."""
    permissions.require(actor, "budget.paper", budget.institution)
    if voter is None or not eligible(budget=budget, user=voter):
        raise ValidationFailed.for_field(
            "voter",
            _("That person is not on the roster: verified members who had joined before "
              "voting opened."),
            code="not_eligible",
        )  # fmt: skip
    with transaction.atomic():
        locked = Budget.objects.select_for_update().get(pk=budget.pk)
        if sel.phase(locked) != sel.VOTING or locked.imported_from:
            raise Conflict(_("Paper ballots are taken while voting is open."),
                           code="voting_closed")  # fmt: skip
        try:
            with transaction.atomic():
                BudgetParticipation.objects.create(budget=budget, user_id=voter.pk,
                                                   channel=Channel.PAPER)  # fmt: skip
        except IntegrityError:
            raise _already_voted(budget, voter.pk) from None
        audit_append(actor=actor, action="budget.paper_checkoff", subject=budget,
                     data={"voter": voter.pk})  # fmt: skip


def paper_ballot_add(*, actor: Any, budget: Budget, data: Any) -> str:
    """One paper ballot from the box, entered with no name. There can never be more
    paper ballots than members checked off as having handed one in."""
    permissions.require(actor, "budget.paper", budget.institution)
    content = check_ballot(budget=budget, data=data)
    with transaction.atomic():
        locked = Budget.objects.select_for_update().get(pk=budget.pk)
        if sel.phase(locked) != sel.VOTING or locked.imported_from:
            raise Conflict(_("Paper ballots are entered while voting is open."),
                           code="voting_closed")  # fmt: skip
        handed_in, entered = sel.paper_counts(budget=locked)
        if entered >= handed_in:
            raise Conflict(
                _("Every paper ballot handed in is already entered (%(count)s). Check off "
                  "the voter on the roster first.") % {"count": entered},
                code="no_paper_ballot_left",
            )  # fmt: skip
        BudgetBallot.objects.create(budget=budget, content=content, paper=True)
        audit_append(actor=actor, action="budget.paper_ballot", subject=budget,
                     data={"entered": entered + 1})  # fmt: skip
    return content


# --- counting ----------------------------------------------------------------------


def run_rule(budget: Budget, e: Any) -> BudgetResult:
    if budget.rule == Rule.GREEDY:
        return greedy(e, sat=budget.sat)
    if budget.rule == Rule.PHRAGMEN:
        return phragmen(e)
    return mes(e, sat=budget.sat, completion=budget.completion or None)


def count(budget: Budget) -> dict[str, Any]:
    """The rule's result as stored, with each project's votes and the number of voters."""
    e, projects = sel.election(budget=budget)
    votes = sel.tally_votes(e, projects)
    eligible, left_out = threshold.eligible(e, budget.min_votes)
    result = to_json(run_rule(budget, eligible))
    for p in left_out:  # below the threshold: the rule never saw them
        result["steps"].append({"project": e.ids[p], "cost": e.costs[p],
                                "outcome": "not_funded", "reason": "below_threshold",
                                "votes": votes[e.ids[p]], "threshold": budget.min_votes})  # fmt: skip
    result["votes"] = votes
    result["voters"] = e.voters
    return result


def budget_sync(budget: Budget) -> Budget:
    """Count the votes once voting has closed (exactly once, whoever asks first)."""
    if budget.counted_at is not None or sel.phase_index(sel.phase(budget)) < sel.phase_index(
        sel.RESULTS
    ):
        return budget
    with transaction.atomic():
        locked = Budget.objects.select_for_update().get(pk=budget.pk)
        if locked.counted_at is None:
            locked.result = count(locked)
            locked.counted_at = timezone.now()
            locked.save(update_fields=["result", "counted_at"])
            audit_append(actor=SYSTEM, action="budget.count", subject=locked,
                         data={"funded": locked.result["selected"],
                               "voters": locked.result["voters"]})  # fmt: skip
        budget.result, budget.counted_at = locked.result, locked.counted_at
    return budget


# --- implementation ----------------------------------------------------------------


def project_update(
    *,
    actor: Any,
    project: Project,
    text: str,
    progress: str = "",
    spent: Any = None,
    photos: Sequence[Any] = (),
    photo_description: str = "",
) -> ProjectUpdate:
    """A public note on a funded project's making, with its progress, spending and photos."""
    permissions.require(actor, "budget.track", project.budget)
    text = clean_text("text", text, UPDATE_MAX, required=_("Say what happened."))
    if progress and progress not in Progress.values:
        raise ValidationFailed.for_field("progress", _("Choose one of the options."))
    amount = None if spent is None or str(spent).strip() == "" else _money("spent", spent)
    photo_description = clean_text("photo_description", photo_description, 200)
    cleaned = clean_photos(photos)
    budget = sel.budget_get(institution=project.budget.institution, budget_id=project.budget_id)
    budget_sync(budget)
    if project.key not in sel.funded_keys(budget=budget):
        raise Conflict(_("Only funded projects have an implementation to follow."),
                       code="not_funded")  # fmt: skip
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        update = ProjectUpdate.objects.create(project=locked, author=actor, text=text,
                                              progress=progress, spent=amount)  # fmt: skip
        UpdatePhoto.objects.bulk_create(
            UpdatePhoto(
                update=update,
                data=p.data,
                content_type=p.content_type,
                width=p.width,
                height=p.height,
                description=photo_description,
            )  # fmt: skip
            for p in cleaned
        )
        if progress:
            locked.progress = progress
        if amount is not None:
            locked.spent = amount
        locked.save(update_fields=["progress", "spent"])
        audit_append(actor=actor, action="budget.project_update", subject=locked,
                     data={"progress": locked.progress, "spent": locked.spent,
                           "photos": len(cleaned)})  # fmt: skip
    return update
