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
    # GeoJSON geometry (Polygon or MultiPolygon, longitude/latitude), validated
    # by bloc.core.areas before it is stored.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    founded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    charter_adopted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name


class AreaAddress(models.Model):
    """One street address (a house, a building or a flat) inside an institution's area."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(_("address"), max_length=255)
    # bloc.core.addresses.normalize(address): what residents' addresses are matched on.
    key = models.CharField(max_length=255, db_index=True)

    class Meta:
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "key"], name="unique_area_address"),
        ]

    def __str__(self) -> str:
        return self.address


class BylawsVersion(models.Model):
    """One version of an institution's bylaws: the text and its enforceable settings.

    Versions are only ever added; the highest number is in force.
    """

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="bylaws_versions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(_("bylaws"), blank=True)
    rules = models.JSONField(default=dict)  # bloc.core.bylaws.BylawsSettings.to_dict()
    note = models.CharField(_("what changed"), max_length=255, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["institution", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "number"], name="one_bylaws_number"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} bylaws v{self.number}"
