"""Electoral accountability: the chapter's platform of legislative priorities.

(Issue 10, started: the platform. Candidates, questionnaires, endorsements, pledges,
scorecards, campaigns and petitions follow; their pure rules are in
``bloc.core.electoral``.)

Assemblies propose ``Priority`` rows; the chapter's organizers put a ``Platform`` to
the assemblies, each of which ranks its priorities by its own Schulze poll
(``PlatformBallot``); the rankings are combined by the platform's method and
weighting (``bloc.core.electoral.platform``) and the result published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bloc.core.electoral import platform as rules
from bloc.institutions.models import Chapter, Institution


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
