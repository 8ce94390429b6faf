"""Electoral accountability: the chapter's platform, candidates from the base, their
endorsement, pledges and scorecards, the campaigns the institutions staff, petitions.

- Platform: assemblies propose ``Priority`` rows; the chapter's organizers put a
  ``Platform`` to the assemblies, each of which ranks its priorities by its own Schulze
  poll (``PlatformBallot``); the rankings are combined by the platform's method and
  weighting (``bloc.core.electoral.platform``) and the result published.
- Endorsement: a ``Cycle`` (say, the 2027 city elections) sets the stages and their
  thresholds. A ``Candidate`` is nominated by assemblies (``Nomination``) or applies,
  answers the cycle's ``Question`` rows by a private link (``Answer``), signs
  ``Pledge`` rows to platform priorities, is voted on by every assembly
  (``EndorsementBallot``: its own poll) and finally by the chapter's council
  (``ChapterVote``: a confederation question its delegates vote on). A member assembly
  can start the recall of an endorsement: another ``ChapterVote``.
- Scorecards: organizers enter an officeholder's ``Action`` rows with a source and
  match them to pledges (``ActionMatch``: kept, partial, broken).
- Campaigns: a ``Campaign`` has roles (``CampaignRole``), shifts offered by the
  institutions (their events), ``Turf`` rows built from the institutions' address
  lists, and the canvassers' ``Contact`` log.
- Petitions: a ``Petition`` has ``PetitionSheet`` rows per circulator, with the
  ``PetitionSignature`` rows entered for the validity check.

Pure rules are in ``bloc.core.electoral``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bloc.core.electoral import platform as rules
from bloc.institutions.models import AreaAddress, Chapter, Institution


class Category(models.TextChoices):
    DIRECT_DEMOCRACY = (
        "direct_democracy",
        _("Direct democracy (ballot initiatives, participatory budgeting, recall of officials)"),
    )
    HOA_REFORM = "hoa_reform", _("HOA reform")
    LABOR = "labor", _("Unions and worker ownership")
    LAND_TRUSTS = "land_trusts", _("Community land trusts")
    ECOLOGY = "ecology", _("Local ecology")
    POLICE = "police", _("Police accountability")
    PRISONS = "prisons", _("Prison abolition")
    OTHER = "other", _("Other (added by the assemblies)")


class Priority(models.Model):
    """A legislative priority an assembly proposes for the chapter's platform."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(_("priority"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("what it asks for"), blank=True)
    proposed_by = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="priorities_proposed"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return self.title


class PlatformMethod(models.TextChoices):
    SCHULZE = rules.SCHULZE, _("Schulze (head to head)")
    BORDA = rules.BORDA, _("Borda (points by place)")


class PlatformWeighting(models.TextChoices):
    ASSEMBLIES = rules.ASSEMBLIES, _("One assembly, one vote")
    MEMBERS = rules.MEMBERS, _("Weighted by membership")


class Platform(models.Model):
    """The chapter's platform: its priorities, ranked by the assemblies."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="platforms")
    title = models.CharField(_("title"), max_length=200)
    priorities = models.ManyToManyField(Priority, related_name="platforms")
    method = models.CharField(
        _("how rankings are combined"), max_length=16, choices=PlatformMethod.choices
    )
    weighting = models.CharField(
        _("how assemblies count"), max_length=16, choices=PlatformWeighting.choices
    )
    # Set when sent to the assemblies; the ranking polls close then.
    closes_at = models.DateTimeField(null=True, blank=True)
    # The order of the priorities (their ids), as ``priorities`` is unordered.
    order = models.JSONField(default=list, blank=True)
    result = models.JSONField(null=True, blank=True)  # PlatformResult as JSON
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.title


class PlatformBallot(models.Model):
    """One assembly's ranking of a platform's priorities: its own Schulze poll."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="ballots")
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="platform_ballots"
    )
    poll = models.OneToOneField(
        "decisions.Poll", on_delete=models.CASCADE, related_name="platform_ballot"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "institution"], name="one_platform_ballot_per_assembly"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} ranks {self.platform_id}"


# --- Candidates and endorsement -------------------------------------------------------


class Level(models.TextChoices):
    LOCAL = "local", _("Local")
    STATE = "state", _("State")
    NATIONAL = "national", _("National")


DEFAULT_RUBRIC = [
    "Reach: how many people the campaign will talk to",
    "Platform: how much of the platform the campaign carries",
    "Movement: what the campaign builds that lasts after election day",
]


class Cycle(models.Model):
    """An endorsement cycle: the races of one election, the stages a candidate goes
    through and the threshold of each, the questionnaire, and the pledges required."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="cycles")
    title = models.CharField(_("title"), max_length=200)
    election_date = models.DateField(_("election date"))
    # Pledges are to this platform's priorities.
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="cycles", null=True, blank=True
    )
    # The chapter's vote is held in this council (its delegates vote).
    council = models.ForeignKey(
        "confederation.Council", on_delete=models.PROTECT, related_name="cycles"
    )
    # Stage 1: nominations from this many assemblies (an application needs them too).
    nominations_needed = models.PositiveSmallIntegerField(
        _("assemblies' nominations needed"), default=1
    )
    # Stage 2 (optional): answer at least this % of the questions.
    questionnaire = models.BooleanField(_("questionnaire stage"), default=True)
    answered_percent = models.PositiveSmallIntegerField(_("questions answered, %"), default=100)
    answers_public_at = models.DateTimeField(_("answers public from"), null=True, blank=True)
    # Stage 3 (optional): at least this % of the assemblies that decided are for.
    assembly_votes = models.BooleanField(_("assembly votes stage"), default=True)
    assembly_percent = models.PositiveSmallIntegerField(_("assemblies for, %"), default=50)
    # Stage 4: carried in the council and at least this % of the delegates' votes for.
    chapter_percent = models.PositiveSmallIntegerField(_("delegates for, %"), default=60)
    # Endorsement requires signed pledges to at least this many platform priorities.
    pledges_needed = models.PositiveSmallIntegerField(_("pledges needed"), default=3)
    # State and national races: organizers score the campaign on each criterion (0-5).
    rubric = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-election_date", "title"]
        verbose_name = _("endorsement cycle")
        verbose_name_plural = _("endorsement cycles")

    def __str__(self) -> str:
        return self.title


class Stage(models.TextChoices):
    NOMINATION = "nomination", _("Nomination")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    ASSEMBLY_VOTES = "assembly_votes", _("Assembly votes")
    CHAPTER_VOTE = "chapter_vote", _("Chapter vote")
    ENDORSED = "endorsed", _("Endorsed")
    NOT_ENDORSED = "not_endorsed", _("Not endorsed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RECALLED = "recalled", _("Endorsement recalled")


class Candidate(models.Model):
    """Someone running for office who seeks the chapter's endorsement."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("name"), max_length=200)
    office = models.CharField(_("office"), max_length=200)
    district = models.CharField(_("district"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    profile = models.TextField(_("profile"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Where the private link is sent; never shown publicly.
    email = models.EmailField(_("email"), blank=True)
    # A member of the chapter's institutions running from the base, if an account.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidacies",
    )
    applied = models.BooleanField(default=False)  # applied rather than nominated
    # SHA-256 of the private link's secret: the link itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.NOMINATION)
    # Why the last stage ended as it did, in the chapter's words (shown publicly).
    stage_note = models.CharField(max_length=500, blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    # After the election: won or lost (None until known), and the term in office.
    elected = models.BooleanField(null=True, blank=True)
    took_office_on = models.DateField(null=True, blank=True)
    left_office_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "office", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "name", "office"], name="one_candidacy_per_office"
            ),
        ]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return self.name


class Nomination(models.Model):
    """An assembly nominates (or seconds) a candidate."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="nominations")
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="nominations"
    )
    statement = models.TextField(_("why"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "institution"], name="one_nomination_per_assembly"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} nominates {self.candidate_id}"


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Free text")
    YES_NO = "yes_no", _("Yes or no")
    SCALE = "scale", _("Scale from 1 to 5")


class Question(models.Model):
    """A question of the cycle's questionnaire, perhaps tied to a platform priority."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    kind = models.CharField(_("kind of answer"), max_length=8, choices=QuestionKind.choices)
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:80]


class Answer(models.Model):
    """A candidate's answer: text, yes/no or 1-5 by the question's kind (plus a comment)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    yes = models.BooleanField(null=True, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(scale__isnull=True) | models.Q(scale__gte=1, scale__lte=5),
                name="answer_scale_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} answers {self.question_id}"


class Pledge(models.Model):
    """A candidate's signed pledge to carry a platform priority."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="pledges")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="pledges")
    text = models.TextField(_("pledge"))
    signed_name = models.CharField(_("signed"), max_length=200)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "priority"], name="one_pledge_per_priority"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class EndorsementBallot(models.Model):
    """One assembly's vote on endorsing a candidate: its own poll (for or against)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="endorsement_ballots"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="endorsement_ballots"
    )
    poll = models.OneToOneField(
        "decisions.Poll", on_delete=models.CASCADE, related_name="endorsement_ballot"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "institution"], name="one_endorsement_ballot_per_assembly"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} votes on {self.candidate_id}"


class ChapterVoteKind(models.TextChoices):
    ENDORSE = "endorse", _("Endorse")
    RECALL = "recall", _("Recall the endorsement")


class ChapterVote(models.Model):
    """The chapter's vote on a candidate: a question to the cycle's council."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="chapter_votes")
    kind = models.CharField(max_length=8, choices=ChapterVoteKind.choices)
    question = models.OneToOneField(
        "confederation.Question", on_delete=models.CASCADE, related_name="chapter_vote"
    )
    # A recall is started by a member assembly, with its reasons.
    started_by = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    # Filled when the council decides: carried under its rule, and the share for.
    passed = models.BooleanField(null=True, blank=True)
    explanation = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.candidate_id}"


class RubricScore(models.Model):
    """An organizer's score (0-5) of a state or national campaign on one criterion."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="rubric_scores")
    criterion = models.PositiveSmallIntegerField()  # index into the cycle's rubric
    score = models.PositiveSmallIntegerField()
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "criterion", "scored_by"], name="one_rubric_score_each"
            ),
            models.CheckConstraint(condition=models.Q(score__lte=5), name="rubric_score_0_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} #{self.criterion}: {self.score}"


# --- Scorecards -----------------------------------------------------------------------


class ActionKind(models.TextChoices):
    VOTE = "vote", _("Vote")
    BILL = "bill", _("Bill")
    STATEMENT = "statement", _("Statement")


class Action(models.Model):
    """Something an officeholder did, with its source."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=10, choices=ActionKind.choices)
    title = models.CharField(_("what"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    on = models.DateField(_("date"))
    source_url = models.URLField(_("source"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title


class Verdict(models.TextChoices):
    KEPT = "kept", _("Kept")
    PARTIAL = "partial", _("Partly kept")
    BROKEN = "broken", _("Broken")


class ActionMatch(models.Model):
    """An action judged against one of the officeholder's pledges."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="matches")
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="matches")
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    note = models.CharField(_("why"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "pledge"], name="one_verdict_per_pledge"),
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.verdict} {self.pledge_id}"


# --- Campaigns ------------------------------------------------------------------------


class Campaign(models.Model):
    """A campaign the institutions staff: for an endorsed candidate or a petition."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(_("title"), max_length=200)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="campaigns"
    )
    petition = models.ForeignKey(
        "Petition", on_delete=models.SET_NULL, null=True, blank=True, related_name="campaigns"
    )
    election_date = models.DateField(_("election day"), null=True, blank=True)
    # Volunteer shifts: the institutions' events offered to the campaign.
    events = models.ManyToManyField("events.Event", related_name="campaigns", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title


class CampaignRoleKind(models.TextChoices):
    MANAGER = "manager", _("Campaign manager")
    CANVASSER = "canvasser", _("Canvasser")


class CampaignRole(models.Model):
    """Who may see the campaign's contact data: its managers, and canvassers for their turfs."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=CampaignRoleKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="one_campaign_role_each"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.campaign_id}"


class Turf(models.Model):
    """Doors to knock: part of one institution's address list, walked by its canvassers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="turfs")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="turfs")
    name = models.CharField(_("name"), max_length=200)
    addresses = models.ManyToManyField(AreaAddress, related_name="turfs")
    canvassers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="turfs", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["institution", "name"]

    def __str__(self) -> str:
        return self.name


class ContactOutcome(models.TextChoices):
    NOT_HOME = "not_home", _("Knocked, nobody home")
    TALKED = "talked", _("Talked")
    REFUSED = "refused", _("Refused to talk")
    MOVED = "moved", _("Moved away")


class Contact(models.Model):
    """One knock on one door, logged by the canvasser."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    turf = models.ForeignKey(Turf, on_delete=models.CASCADE, related_name="contacts")
    address = models.ForeignKey(AreaAddress, on_delete=models.CASCADE, related_name="contacts")
    canvasser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=ContactOutcome.choices)
    resident = models.CharField(_("resident's name"), max_length=200, blank=True)
    support = models.PositiveSmallIntegerField(_("support (1-5)"), null=True, blank=True)
    issues = models.JSONField(default=list, blank=True)  # Category values raised
    note = models.TextField(_("note"), blank=True)
    follow_up = models.BooleanField(_("follow up"), default=False)
    voted_at = models.DateTimeField(null=True, blank=True)  # marked on election day (GOTV)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(support__isnull=True) | models.Q(support__gte=1, support__lte=5),
                name="contact_support_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address_id} {self.outcome}"


# --- Petitions ------------------------------------------------------------------------


class PetitionKind(models.TextChoices):
    INITIATIVE = "initiative", _("Ballot initiative")
    RECALL = "recall", _("Recall")


class Petition(models.Model):
    """A ballot-initiative or recall petition with a signature target and deadline."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="petitions")
    kind = models.CharField(_("kind"), max_length=10, choices=PetitionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("what it asks"), blank=True)
    # A signature is inside the jurisdiction when its address is on one of these
    # institutions' address lists.
    jurisdiction = models.ManyToManyField(Institution, related_name="petitions")
    target = models.PositiveIntegerField(_("valid signatures needed"))
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "title"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self) -> str:
        return self.title


class PetitionSheet(models.Model):
    """A signature sheet handed in by a circulator, with how many signed it."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="sheets")
    circulator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("sheet"), max_length=50)
    signatures = models.PositiveSmallIntegerField(_("signatures on the sheet"))
    collected_on = models.DateField(_("collected on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["collected_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "label"], name="one_sheet_label_per_petition"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class SignatureVerdict(models.TextChoices):
    VALID = "valid", _("Valid")
    DUPLICATE = "duplicate", _("Duplicate")
    OUTSIDE = "outside", _("Outside the jurisdiction")


class PetitionSignature(models.Model):
    """A signature entered from a sheet, checked against the others and the jurisdiction."""

    sheet = models.ForeignKey(PetitionSheet, on_delete=models.CASCADE, related_name="entries")
    line = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=255)
    verdict = models.CharField(max_length=10, choices=SignatureVerdict.choices, blank=True)

    class Meta:
        ordering = ["sheet", "line"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "line"], name="one_signature_per_line"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}:{self.line}"
