"""Proposals, their deliberation and follow-up, and the polls that decide them.

Secret ballots: ``Participation`` (who voted) and ``SecretBallot`` (what was voted)
share nothing but the poll. Both have random UUID keys and no timestamp; on SQLite
both tables are ``WITHOUT ROWID`` (migration 0002) so rows are stored in key order,
not in the order they were cast; on PostgreSQL ``poll_close`` rewrites both tables in
key order (``CLUSTER``). See "Secret ballots" in the README for what this protects
against and what it does not.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bloc.core import proposals as rules
from bloc.institutions.models import Institution


class Stance(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    QUESTION = "question", _("Question")
    CONCERN = "concern", _("Concern")


class ProposalState(models.TextChoices):
    DRAFT = rules.DRAFT, _("Draft")
    DISCUSSION = rules.DISCUSSION, _("In discussion")
    VOTE = rules.VOTE, _("Being voted on")
    ADOPTED = rules.ADOPTED, _("Adopted")
    REJECTED = rules.REJECTED, _("Rejected")
    CARRIED_OUT = rules.CARRIED_OUT, _("Carried out")
    WITHDRAWN = rules.WITHDRAWN, _("Withdrawn")


class Proposal(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown: *emphasis*, lists, links."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    # A rule name of bloc.core.tally.rules; options are asked only of non-motion rules.
    rule = models.CharField(_("decided by"), max_length=32)
    options = models.JSONField(default=list, blank=True)
    seats = models.PositiveSmallIntegerField(default=1)
    secret = models.BooleanField(_("secret ballot"), default=True)
    state = models.CharField(
        max_length=16, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    discussion_since = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    carried_out_at = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("stance"), max_length=16, choices=Stance.choices)
    body = models.TextField(_("comment"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moderation hides, never deletes: who, when and why stay on record.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.proposal_id}"


class AmendmentState(models.TextChoices):
    PENDING = "pending", _("Proposed")
    ACCEPTED = "accepted", _("Accepted as friendly")
    VOTE = "vote", _("Being voted on")
    ADOPTED = "adopted", _("Adopted by vote")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Amendment(models.Model):
    """Strike ``passage`` from the text and insert ``replacement`` (empty passage: append)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passage = models.TextField(_("passage to change"), blank=True)
    replacement = models.TextField(_("new wording"), blank=True)
    reason = models.TextField(_("why"), blank=True)
    state = models.CharField(
        max_length=16, choices=AmendmentState.choices, default=AmendmentState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The proposal's text just before this amendment was applied (for the history).
    text_before = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"amendment {self.pk} to {self.proposal_id}"


class Task(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decision_tasks"
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Poll(models.Model):
    """One vote: a proposal's, an amendment's, a recall's, or an election on its own."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="polls")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="polls"
    )
    amendment = models.OneToOneField(
        Amendment, on_delete=models.CASCADE, null=True, blank=True, related_name="poll"
    )
    recall = models.OneToOneField(
        "membership.RecallPetition",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="poll",
    )
    title = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rule = models.CharField(_("counting rule"), max_length=32)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    secret = models.BooleanField(_("secret ballot"), default=True)
    # Rule parameters (see bloc.decisions.counting.ballot_form / options).
    parameters = models.JSONField(default=dict, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the voters were snapshotted (at or after opens_at).
    opened_at = models.DateTimeField(null=True, blank=True)
    electorate = models.PositiveIntegerField(null=True, blank=True)
    quorum = models.PositiveIntegerField(default=0)  # ballots needed, from the bylaws
    # Set when the "vote open" emails were sent (by whoever claims it first).
    announced_at = models.DateTimeField(null=True, blank=True)
    # False: the emails go out with the next ``bloc polls tick``, not in the request
    # that opened it (a council's question opens a poll in every assembly below it).
    announce_at_once = models.BooleanField(default=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Set when counted: the Result as JSON and the published ballot file.
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    outcome = models.CharField(
        max_length=16, blank=True
    )  # adopted | rejected | elected | no_quorum
    ballots_file = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="poll_closes_after_it_opens",
            ),
        ]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.title


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()  # 0-based: the index ballots refer to
    # What the published ballot file calls it: "for"/"against"/"abstain" for motions.
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="one_option_per_position"),
            models.UniqueConstraint(fields=["poll", "name"], name="distinct_option_names"),
        ]

    def __str__(self) -> str:
        return self.name


class EligibleVoter(models.Model):
    """The electorate, snapshotted when the poll opens: verified members at opens_at."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="eligible")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="eligible_once"),
        ]

    def __str__(self) -> str:
        return f"voter {self.user_id} in poll {self.poll_id}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person (paper or show of hands)")


class Participation(models.Model):
    """That a member voted in a poll: one row per member and poll, whatever the channel.

    The unique constraint is what makes one person one vote hold under any
    concurrency. No timestamp and a random key: nothing orders it against ballots.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="one_vote_per_member"),
        ]

    def __str__(self) -> str:
        return f"participation in poll {self.poll_id}"


class SecretBallot(models.Model):
    """What was voted, apart from who: no user, no timestamp, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="secret_ballots")
    content = models.TextField()  # bloc.core.ballot_entry.encode
    nonce = models.CharField(max_length=32)  # hex, mixed into the receipt
    receipt = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"secret ballot in poll {self.poll_id}"


class OpenBallot(models.Model):
    """A ballot in an open (roll-call) poll: who voted what, public after close."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="open_ballots")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.TextField()
    nonce = models.CharField(max_length=32)
    receipt = models.CharField(max_length=64, unique=True)
    cast_at = models.DateTimeField()
    changes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="one_open_ballot_per_member"),
        ]

    def __str__(self) -> str:
        return f"ballot of {self.user_id} in poll {self.poll_id}"


class PaperBatch(models.Model):
    """A stack of paper ballots, entered twice by two people; counted once both match.

    Each entry is a list of ``[content, count]`` (canonical ballot text, how many
    papers carried it), sorted, so two entries match when they are equal.
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="paper_batches")
    label = models.CharField(_("batch"), max_length=80)
    first_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_entry = models.JSONField()
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_entry = models.JSONField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "label"], name="paper_batch_label_once"),
        ]

    def __str__(self) -> str:
        return self.label


class HandCount(models.Model):
    """A show of hands: totals per option, recorded by a facilitator."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="hand_counts")
    counts = models.JSONField()  # one whole number per option position
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"show of hands in poll {self.poll_id}"


class PollEmailOptOut(models.Model):
    """A person who asked not to be emailed when votes open or are about to close."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_email_opt_out"
    )
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"no poll emails for {self.user_id}"
