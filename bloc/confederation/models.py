"""Councils of assemblies, their delegates, the questions before them and the votes on them.

A council's members (``Seat``) are institutions or lower councils; a council of level
*n* seats only councils of lower levels, so the councils form a tree (forest) that
``bloc.core.confederation`` rolls up. Joining, leaving, electing and recalling
delegates, mandates and ratifications are each an ``AssemblyVote``: an ordinary poll of
the assembly (``bloc.decisions``) whose outcome ``bloc.confederation.outcomes``
applies when it is counted. A lower council decides the same things by a ``Question``
that carries an ``effect``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bloc.core import confederation as core
from bloc.institutions.models import Chapter, Institution


class RatificationRule(models.TextChoices):
    ASSEMBLIES = core.ASSEMBLIES, _("One assembly, one vote")
    MEMBERS = core.MEMBERS, _("Weighted by membership")
    DOUBLE = core.DOUBLE, _("Double majority (assemblies and members)")


class Position(models.TextChoices):
    FOR = core.FOR, _("For")
    AGAINST = core.AGAINST, _("Against")
    ABSTAIN = core.ABSTAIN, _("Abstain")


class Council(models.Model):
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="councils")
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    # 1: a council of assemblies (e.g. a neighborhood); 2: of level-1 councils (a city)...
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    rule = models.CharField(
        _("ratification rule"),
        max_length=16,
        choices=RatificationRule.choices,
        default=RatificationRule.ASSEMBLIES,
    )
    # Share of the members that must take a position for anything to be carried.
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (% of members)"), default=50)
    delegates_per_member = models.PositiveSmallIntegerField(_("delegates per member"), default=1)
    term_months = models.PositiveSmallIntegerField(_("delegates' term (months)"), default=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-level", "name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self) -> str:
        return self.name


class Seat(models.Model):
    """A member of a council (an institution or a lower council), from joining to leaving."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="seats")
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="council_seats"
    )
    member_council = models.ForeignKey(
        Council, on_delete=models.CASCADE, null=True, blank=True, related_name="seats_above"
    )
    level = models.PositiveSmallIntegerField()  # the council's: one council per level
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["council", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(institution__isnull=False, member_council__isnull=True)
                    | models.Q(institution__isnull=True, member_council__isnull=False)
                ),
                name="seat_is_institution_or_council",
            ),
            models.UniqueConstraint(
                fields=["institution", "level"],
                condition=models.Q(left_at=None, institution__isnull=False),
                name="one_council_per_level",
            ),
            models.UniqueConstraint(
                fields=["member_council"],
                condition=models.Q(left_at=None, member_council__isnull=False),
                name="one_council_above",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.council_id}"

    @property
    def member(self) -> Institution | Council:
        return self.institution or self.member_council  # type: ignore[return-value]

    @property
    def node(self) -> str:
        return node_id(self.institution_id, self.member_council_id)


def node_id(institution_id: int | None, council_id: int | None) -> str:
    """The id of an institution or a council in the roll-up tree."""
    return f"i{institution_id}" if institution_id is not None else f"c{council_id}"


class Delegate(models.Model):
    """A person a member of the council sends to it, for a term, until recalled."""

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="delegates")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="delegates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, blank=True)  # recalled | left | replaced

    class Meta:
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return f"delegate {self.user_id} to {self.council_id}"


class QuestionState(models.TextChoices):
    MANDATING = "mandating", _("Assemblies deciding their mandates")
    VOTING = "voting", _("Delegates voting")
    CARRIED = "carried", _("Carried by the council")
    NOT_CARRIED = "not_carried", _("Not carried")
    RATIFYING = "ratifying", _("Sent to the assemblies for ratification")
    RATIFIED = "ratified", _("Ratified")
    NOT_RATIFIED = "not_ratified", _("Not ratified")


class Question(models.Model):
    """A question before a council: mandated by its members, voted by their delegates."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="questions")
    title = models.CharField(_("question"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # A ranked question's options (the council ranks them); empty: a motion (for/against).
    options = models.JSONField(default=list, blank=True)
    # Where it came from: an assembly's adopted proposal, or a lower council's question.
    origin_proposal = models.ForeignKey(
        "decisions.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_questions",
    )
    origin_question = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="sent_up"
    )
    # What carrying it does to the council itself: {"join": id} | {"leave": id} |
    # {"send": user id, "to": council id} | {"recall": delegate id}; {} for none.
    effect = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=QuestionState.choices)
    mandates_close_at = models.DateTimeField(null=True, blank=True)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    # Each member's mandate (node id -> position or None), fixed when the vote opens.
    mandates = models.JSONField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.JSONField(null=True, blank=True)  # the council's NodeResult
    # A carried effect that could not be applied (the councils changed meanwhile): why.
    effect_refused = models.CharField(max_length=500, blank=True)
    ratify_closes_at = models.DateTimeField(null=True, blank=True)
    ratified_at = models.DateTimeField(null=True, blank=True)
    # Assemblies still to get their poll when the question went down to more than a
    # request can open at once: {"kind", "closes_at", "left": [institution ids],
    # "total"}; ``bloc polls tick`` continues (bloc.confederation.fanout). None: done.
    fanout = models.JSONField(null=True, blank=True)
    ratification = models.JSONField(null=True, blank=True)  # every node's NodeResult
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("council question")
        verbose_name_plural = _("council questions")

    def __str__(self) -> str:
        return self.title


class DelegateVote(models.Model):
    """How a delegate voted in the council, beside the mandate they carried (public)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    delegate = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="votes")
    position = models.CharField(max_length=8, choices=Position.choices, blank=True)
    # The mandate when the vote was cast ("" when the assembly decided none).
    mandate = models.CharField(max_length=8, blank=True)
    # A ranked question: the delegate's ranking and their mandate's (tiers of option
    # indices, best first; bloc.core.ranked_mandates); position and mandate stay "".
    ranking = models.JSONField(null=True, blank=True)
    mandate_ranking = models.JSONField(null=True, blank=True)
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "delegate"], name="delegate_votes_once"),
        ]

    def __str__(self) -> str:
        return f"{self.delegate_id} votes {self.position}"

    @property
    def deviated(self) -> bool:
        if self.mandate_ranking:
            return self.ranking != self.mandate_ranking
        return bool(self.mandate) and self.position != self.mandate


class AssemblyVoteKind(models.TextChoices):
    JOIN = "join", _("Join the council")
    LEAVE = "leave", _("Leave the council")
    ELECT = "elect", _("Elect delegates")
    RECALL = "recall", _("Recall a delegate")
    MANDATE = "mandate", _("Mandate")
    RATIFY = "ratify", _("Ratification")


class AssemblyVote(models.Model):
    """An assembly's poll about a council; its outcome is applied when it is counted."""

    kind = models.CharField(max_length=8, choices=AssemblyVoteKind.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="council_votes"
    )
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="assembly_votes")
    poll = models.OneToOneField(
        "decisions.Poll", on_delete=models.CASCADE, related_name="assembly_vote"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="assembly_votes"
    )
    delegate = models.ForeignKey(
        Delegate, on_delete=models.CASCADE, null=True, blank=True, related_name="recalls"
    )
    # An election's candidates: user ids in the order of the poll's options.
    candidates = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=16, blank=True)  # what applying it did

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "institution", "kind"],
                condition=models.Q(question__isnull=False),
                name="one_assembly_vote_per_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} vote of {self.institution_id} for {self.council_id}"
