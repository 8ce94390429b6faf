from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bloc.institutions.models import Institution


class VerificationMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person, by a facilitator")
    VOUCHING = "vouching", _("Vouched for by verified neighbors")
    LETTER = "letter", _("Code from a letter sent to the address")


class Membership(models.Model):
    """A person's membership of an institution. One row per person and institution."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_method = models.CharField(
        max_length=16, choices=VerificationMethod.choices, blank=True
    )
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "user"], name="one_membership_per_person"
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} in {self.institution}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    DELEGATE = "delegate", _("Delegate")


class RoleTerm(models.Model):
    """One term of a role held by a member, from ``starts_on`` to ``ends_on``."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_terms")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="role_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.membership}"
