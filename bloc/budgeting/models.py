"""Participatory budgets: the budget, its projects, their votes and their making.

Money is in whole units of the budget's currency (as Pabulib files have it).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bloc.institutions.models import Institution


class Source(models.TextChoices):
    DUES = "dues", _("Members' dues")
    FUND = "fund", _("A fund or grant")
    CITY = "city", _("A city allocation")
    OTHER = "other", pgettext_lazy("source of money", "Other")


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approval: tick the projects you support")
    KNAPSACK = "knapsack", _("Knapsack: choose projects that fit in the budget")
    CUMULATIVE = "cumulative", _("Cumulative: spread points over projects")
    ORDINAL = "ordinal", _("Ranking: put projects in order")


class Rule(models.TextChoices):
    MES = "mes", _("Method of Equal Shares")
    GREEDY = "greedy", _("Most votes first (greedy)")
    PHRAGMEN = "phragmen", _("Sequential Phragmén")


class Satisfaction(models.TextChoices):
    COST = "cost", _("Cost: a voter is as happy as the money spent on what they chose")
    CARD = "card", _("Count: a voter is as happy as the number of their projects funded")
    POINTS = "points", _("Points: as the points the voter gave (cumulative ballots)")


class Completion(models.TextChoices):
    NONE = "", _("None")
    ADD1 = "add1", _("Add1, stopping when no more projects fit")
    ADD1_OVERSPEND = "add1_overspend", _("Add1, without the exhaustiveness stop")
    ADD1_GREEDY = "add1_greedy", _("Add1, then most votes first with what is left")


class Budget(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="budgets")
    # A council's budget: hosted (run, and its pages kept) by ``institution``, which sits
    # under the council; the verified members of every assembly below the council
    # propose and vote. Null: the institution's own budget.
    council = models.ForeignKey(
        "confederation.Council",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budgets",
        verbose_name=_("council"),
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("where the money comes from"), max_length=16,
                              choices=Source.choices)  # fmt: skip
    source_detail = models.CharField(_("source, in a few words"), max_length=200, blank=True)
    amount = models.PositiveBigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    ballot_kind = models.CharField(_("ballot"), max_length=16, choices=BallotKind.choices,
                                   default=BallotKind.APPROVAL)  # fmt: skip
    min_projects = models.PositiveSmallIntegerField(_("fewest projects a voter must choose"),
                                                    default=0)  # fmt: skip
    max_projects = models.PositiveSmallIntegerField(
        _("most projects a voter may choose"), null=True, blank=True
    )
    max_points = models.PositiveSmallIntegerField(_("points each voter gives"), default=10)
    max_per_project = models.PositiveSmallIntegerField(
        _("most points on one project"), null=True, blank=True
    )
    min_votes = models.PositiveIntegerField(
        _("votes a project needs"), default=0,
        help_text=_("Projects with fewer votes are not funded (0: no threshold)."),
    )  # fmt: skip
    rule = models.CharField(_("counting rule"), max_length=16, choices=Rule.choices,
                            default=Rule.MES)  # fmt: skip
    sat = models.CharField(_("satisfaction"), max_length=8, choices=Satisfaction.choices,
                           default=Satisfaction.COST)  # fmt: skip
    completion = models.CharField(_("completion"), max_length=16, choices=Completion.choices,
                                  default=Completion.ADD1_GREEDY, blank=True)  # fmt: skip
    # The phases start at these moments; each ends when the next begins.
    ideas_open = models.DateTimeField(_("ideas from"))
    review_from = models.DateTimeField(_("feasibility review from"))
    voting_opens = models.DateTimeField(_("voting opens"))
    voting_closes = models.DateTimeField(_("voting closes"))
    implementation_from = models.DateTimeField(_("implementation from"))
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                       verbose_name=_("review team"))  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when counted: the core's result (bloc.core.budgeting.explain.to_json).
    counted_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    # Set when imported from a Pabulib file: its name and its META section.
    imported_from = models.CharField(max_length=200, blank=True)
    meta = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-voting_opens", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_from__gte=F("ideas_open"))
                & Q(voting_opens__gte=F("review_from"))
                & Q(voting_closes__gt=F("voting_opens"))
                & Q(implementation_from__gte=F("voting_closes")),
                name="budget_phases_in_order",
            ),
        ]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")

    def __str__(self) -> str:
        return self.title


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting review")
    FEASIBLE = "feasible", _("Feasible: on the ballot")
    INFEASIBLE = "infeasible", _("Not feasible")
    MERGED = "merged", _("Merged into another project")


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PLANNING = "planning", _("Planning")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("project progress", "Done")
    CANCELLED = "cancelled", pgettext_lazy("project progress", "Cancelled")


class Project(models.Model):
    """An idea a resident submitted; once found feasible, a project on the ballot."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=80, blank=True)
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost"))
    # The review team's cost; what the ballot and the count use once set.
    cost = models.PositiveBigIntegerField(_("revised cost"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=ProjectStatus.choices,
                              default=ProjectStatus.PROPOSED)  # fmt: skip
    review_reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Its id in a Pabulib file (imported budgets); others export their own pk.
    pb_id = models.CharField(max_length=64, blank=True)
    progress = models.CharField(_("progress"), max_length=16, choices=Progress.choices,
                                default=Progress.NOT_STARTED)  # fmt: skip
    spent = models.PositiveBigIntegerField(_("money spent"), default=0)

    class Meta:
        ordering = ["budget", "pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title

    @property
    def final_cost(self) -> int:
        return self.cost if self.cost is not None else self.estimated_cost

    @property
    def key(self) -> str:
        """Its id in counts and Pabulib files."""
        return self.pb_id or str(self.pk)


class ProjectUpdate(models.Model):
    """A public note on a funded project's making: progress, money spent, photos."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("update"))
    progress = models.CharField(max_length=16, choices=Progress.choices, blank=True)
    spent = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"update on project {self.project_id}"


class UpdatePhoto(models.Model):
    """A photo of the work, re-encoded on upload (metadata dropped), kept in the database."""

    update = models.ForeignKey(ProjectUpdate, on_delete=models.CASCADE, related_name="photos")
    data = models.BinaryField()
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    description = models.CharField(_("what it shows"), max_length=200, blank=True)

    def __str__(self) -> str:
        return f"photo of update {self.update_id}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper ballot")


class BudgetParticipation(models.Model):
    """That a member voted on a budget. Unique: one person one vote under any concurrency."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget", "user"], name="one_budget_vote_per_member"),
        ]

    def __str__(self) -> str:
        return f"participation in budget {self.budget_id}"


class BudgetBallot(models.Model):
    """What was voted, apart from who: no user, no timestamp, a random key.

    ``content`` is ``bloc.core.budgeting.ballot.encode`` over project pks. Imported
    ballots merge identical ones (``count``) and have no receipt.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots")
    content = models.TextField()
    count = models.PositiveIntegerField(default=1)
    paper = models.BooleanField(default=False)  # entered from the ballot box, no receipt
    nonce = models.CharField(max_length=32, blank=True)
    receipt = models.CharField(max_length=64, null=True, blank=True, unique=True)

    def __str__(self) -> str:
        return f"ballot in budget {self.budget_id}"
