from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Chapter(models.Model):
    """A local chapter: the organizers who help a network of institutions (the hub)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")

    def __str__(self) -> str:
        return self.name


class ChapterOrganizer(models.Model):
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="organizers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organizer_of"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "user"],
                condition=models.Q(ended_at=None),
                name="one_active_organizer_row",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.chapter}"


class InstitutionKind(models.TextChoices):
    BLOCK_ASSOCIATION = "block_association", _("Block association")
    TENANTS_UNION = "tenants_union", _("Tenants' union")
    BUILDING_MEETING = "building_meeting", _("Building residents' meeting")
    HOA = "hoa", _("Homeowners' association")
    NEIGHBORHOOD_CLUB = "neighborhood_club", _("Neighborhood club")
    ASSEMBLY = "assembly", _("Neighborhood assembly")
    TOWN_HALL = "town_hall", _("Town hall")
    OTHER = "other", _("Other")


class Institution(models.Model):
    """A body of a residential community: a block, building, street or neighborhood."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="institutions")
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name


class AreaAddress(models.Model):
    """One street address inside an institution's area."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(_("address"), max_length=255)

    class Meta:
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "address"], name="unique_area_address"),
        ]

    def __str__(self) -> str:
        return self.address
