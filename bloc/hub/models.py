"""The hub: residents' optional self-descriptions, the population baseline, and the
snapshot of figures the chapter's pages read.

The figures are computed by ``bloc hub refresh`` (``bloc.hub.services.refresh``) into
``InstitutionFigures`` (one row per institution) and ``ChapterFigures`` (one per
chapter), so that every hub page reads a bounded number of rows however large the
chapter is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bloc.institutions.models import Chapter, Institution


class Tenure(models.TextChoices):
    RENTER = "renter", _("Renter")
    OWNER = "owner", _("Owner")
    OTHER = "other", _("Other (living with family, shelter, ...)")


class AgeBand(models.TextChoices):
    # The census bands, so the baseline can be copied from census tables.
    UNDER_25 = "18-24", _("18 to 24")
    FROM_25 = "25-34", _("25 to 34")
    FROM_35 = "35-44", _("35 to 44")
    FROM_45 = "45-54", _("45 to 54")
    FROM_55 = "55-64", _("55 to 64")
    FROM_65 = "65+", _("65 and over")


class HomeLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    CHINESE = "zh", _("Chinese")
    ARABIC = "ar", _("Arabic")
    BENGALI = "bn", _("Bengali")
    FRENCH = "fr", _("French")
    HAITIAN_CREOLE = "ht", _("Haitian Creole")
    KOREAN = "ko", _("Korean")
    POLISH = "pl", _("Polish")
    PORTUGUESE = "pt", _("Portuguese")
    RUSSIAN = "ru", _("Russian")
    TAGALOG = "tl", _("Tagalog")
    VIETNAMESE = "vi", _("Vietnamese")
    OTHER = "other", _("Another language")


class DescriptionCategory(models.Model):
    """A category the chapter asks residents to describe themselves by (beside tenure, age
    band and language), e.g. "Do you have children at home?" with its options."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("question"), max_length=160)
    options = models.JSONField(_("options"), default=list)  # list[str], 2 to 12, distinct
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class SelfDescription(models.Model):
    """How a resident describes themselves: every field optional, private to them, and
    reported only in aggregates of at least 5 people (``bloc.core.equity``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_description"
    )
    tenure = models.CharField(_("tenure"), max_length=8, choices=Tenure.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=8, choices=AgeBand.choices, blank=True)
    language = models.CharField(
        _("language spoken at home"), max_length=8, choices=HomeLanguage.choices, blank=True
    )
    answers = models.JSONField(default=dict, blank=True)  # {str(category pk): option index}
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"self-description of user {self.user_id}"


class PopulationFigure(models.Model):
    """How many residents of an institution's area are in one group (e.g. from the census):
    the baseline participation is compared with."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="population_figures"
    )
    # "tenure", "age_band", "language" or "category:<pk>"
    dimension = models.CharField(max_length=24)
    group = models.CharField(max_length=16)  # the choice value, or the option index
    residents = models.PositiveIntegerField(_("residents"))
    source = models.CharField(_("source"), max_length=160, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution", "dimension", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "dimension", "group"], name="one_figure_per_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.dimension}={self.group}: {self.residents}"


class InstitutionFigures(models.Model):
    """One institution's figures at the last refresh: what the map, the health list and
    the equity pages read."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="hub_figures"
    )
    computed_at = models.DateTimeField()
    members = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    # People who voted, attended, spoke or proposed in the last 365 days.
    participants = models.PositiveIntegerField(default=0)
    charter_percent = models.PositiveSmallIntegerField(default=0)
    open_concerns = models.PositiveIntegerField(default=0)
    health = models.PositiveSmallIntegerField(default=100, db_index=True)
    reasons = models.JSONField(default=list)  # [{"code", "params", "points"}], worst first
    equity = models.JSONField(default=dict)  # see bloc.hub.equity; already suppressed
    # The area drawn on the map: [[lon, lat], ...] rings, simplified; None when unknown.
    area = models.JSONField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["institution"]

    def __str__(self) -> str:
        return f"figures of institution {self.institution_id}"


class ChapterFigures(models.Model):
    """A chapter's figures at the last refresh: growth, overall equity, totals."""

    chapter = models.OneToOneField(Chapter, on_delete=models.CASCADE, related_name="hub_figures")
    computed_at = models.DateTimeField()
    totals = models.JSONField(default=dict)
    growth = models.JSONField(default=dict)  # see bloc.hub.growth
    equity = models.JSONField(default=dict)  # see bloc.hub.equity; already suppressed
    councils = models.JSONField(default=list)  # council areas for the map, see bloc.hub.maps

    def __str__(self) -> str:
        return f"figures of chapter {self.chapter_id}"
