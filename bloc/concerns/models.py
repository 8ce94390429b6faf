"""Concerns residents report, the working groups that take them on, and their updates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bloc.institutions.models import Institution


class Category(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    SAFETY = "safety", _("Safety")
    HOUSING = "housing", _("Housing")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class ConcernState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    DECLINED = "declined", _("Declined")


class WorkingGroup(models.Model):
    """Members who take on a set of concerns."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="working_groups"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("what it takes on"), blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="working_groups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="working_group_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class Concern(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="concerns")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    place = models.CharField(_("where"), max_length=200)
    description = models.TextField(_("what is wrong"))
    # Null when reported anonymously: then nobody, not even an administrator, can tell who.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=16, choices=ConcernState.choices, default=ConcernState.REPORTED
    )
    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns"
    )
    proposal = models.ForeignKey(
        "decisions.Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.place}"


class ConcernPhoto(models.Model):
    """A photo, re-encoded on upload (which drops its metadata: location, camera...).

    Kept in the database, not on disk, so that several app servers need no shared
    file system and a database backup holds everything.
    """

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="photos")
    data = models.BinaryField()
    content_type = models.CharField(max_length=32)  # image/jpeg or image/png
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    description = models.CharField(_("what it shows"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"photo of concern {self.concern_id}"


class MeToo(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="me_toos")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "user"], name="me_too_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} too on {self.concern_id}"


class ConcernUpdate(models.Model):
    """A public update: a note, and the state it moved the concern to (if any)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("update"))
    state = models.CharField(max_length=16, choices=ConcernState.choices, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"update on {self.concern_id}"
