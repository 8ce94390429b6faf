"""Listening: surveys, door-to-door conversations about needs, and opinion mapping.

- Surveys: an institution's officers build a ``Survey`` of ``SurveyQuestion`` rows
  (single choice, multiple choice, scale, free text; English and Spanish), sent to the
  institution's members or opened by a public link whose secret is stored only as its
  SHA-256. Each respondent leaves one ``SurveyResponse`` with its ``SurveyAnswer``
  rows: one per member, or one per link holder (a random token kept in a cookie, of
  which only the hash is stored). The database refuses a second one.
- Door-to-door: a canvasser records a ``NeedsConversation``: what a resident needs,
  in which categories, whether they want a follow-up and consent to be contacted
  (their name and phone only then). Needs roll up by address and category and can
  become a concern or a draft proposal.
- Opinion mapping (Polis-style): an ``OpinionConversation`` asks a question;
  participants submit short ``Statement`` rows (moderated; one text per conversation
  after normalisation) and vote on them (``StatementVote``: agree +1, disagree -1,
  pass 0). ``OpinionAnalysis`` keeps each computed map (``bloc.core.opinion``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bloc.institutions.models import AreaAddress, Institution

STATEMENT_MAX = 280  # characters of a statement: room for one clear sentence or two


# --- surveys -----------------------------------------------------------------------


class Audience(models.TextChoices):
    MEMBERS = "members", _("Members of the institution")
    PUBLIC = "public", _("Anyone with the link")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    SCALE = "scale", _("Scale from 1 to 5")
    TEXT = "text", _("Free text")


class Survey(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("who answers"), max_length=16, choices=Audience.choices, default=Audience.MEMBERS
    )
    # SHA-256 of the public link's secret; empty for a members-only survey.
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=False)
    text_en = models.CharField(_("question in English"), max_length=500)
    text_es = models.CharField(_("question in Spanish"), max_length=500, blank=True)
    # [{"en": "...", "es": "..."}, ...] for the choice kinds; [] otherwise.
    options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"], name="unique_survey_question_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text_en


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # The member who answered; null for an answer by a public link.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # SHA-256 of the link holder's random token (a cookie); empty for a member's answer.
    respondent_token = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"],
                condition=Q(member__isnull=False),
                name="one_survey_response_per_member",
            ),
            models.UniqueConstraint(
                fields=["survey", "respondent_token"],
                condition=~Q(respondent_token=""),
                name="one_survey_response_per_link_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk} to survey {self.survey_id}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    choices = models.JSONField(default=list, blank=True)  # option indexes, 0-based
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_survey_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"answer to question {self.question_id}"


# --- door-to-door ----------------------------------------------------------------------


class NeedCategory(models.TextChoices):
    HOUSING = "housing", _("Housing")
    SAFETY = "safety", _("Safety")
    INFRASTRUCTURE = "infrastructure", _("Streets and infrastructure")
    ENVIRONMENT = "environment", _("Environment")
    HEALTH = "health", _("Health")
    COST_OF_LIVING = "cost_of_living", _("Cost of living")
    OTHER = "other", _("Other")


class NeedsConversation(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="needs_conversations"
    )
    canvasser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    address = models.ForeignKey(
        AreaAddress, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    categories = models.JSONField(default=list)  # NeedCategory values
    need = models.TextField(_("what they need"))
    follow_up = models.BooleanField(_("wants a follow-up"), default=False)
    consent = models.BooleanField(_("agrees to be contacted"), default=False)
    # Only with consent; seen only by the institution's officers.
    contact_name = models.CharField(_("name"), max_length=120, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    concern = models.ForeignKey(
        "concerns.Concern", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposal = models.ForeignKey(
        "decisions.Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True) | (Q(contact_name="") & Q(contact_phone="")),
                name="needs_contact_only_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"needs conversation {self.pk}"


# --- opinion mapping ---------------------------------------------------------------------


class OpinionConversation(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="opinion_conversations"
    )
    topic = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    # Whether participants may submit statements (else only the seed statements).
    participants_submit = models.BooleanField(_("participants submit statements"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.topic


class Moderation(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Statement(models.Model):
    conversation = models.ForeignKey(
        OpinionConversation, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.CharField(_("statement"), max_length=STATEMENT_MAX)
    # Case, accents, punctuation and spacing folded: what duplicates are found by.
    key = models.CharField(max_length=STATEMENT_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_seed = models.BooleanField(default=False)
    moderation = models.CharField(
        max_length=16, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "key"], name="unique_statement_per_conversation"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class StatementVote(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # +1 agree, -1 disagree, 0 pass (Polis's signs are the other way round).
    vote = models.SmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "participant"], name="one_vote_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(vote__in=[-1, 0, 1]), name="statement_vote_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote:+d} on statement {self.statement_id}"


class OpinionAnalysis(models.Model):
    conversation = models.ForeignKey(
        OpinionConversation, on_delete=models.CASCADE, related_name="analyses"
    )
    computed_at = models.DateTimeField(auto_now_add=True)
    votes_count = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"analysis of conversation {self.conversation_id}"
