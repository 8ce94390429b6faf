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
    """A person's membership of an institution. One row per person and institution.

    ``verified_at``/``verification_method`` say whether residency is verified now;
    ``ResidencyVerification`` keeps every verification and its withdrawal.
    """

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
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
        return self.verified_at is not None and self.left_at is None

    @property
    def is_current(self) -> bool:
        return self.left_at is None


class ResidencyVerification(models.Model):
    """Who verified a member's residency, how and when; and its withdrawal, if any."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="verifications"
    )
    method = models.CharField(max_length=16, choices=VerificationMethod.choices)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    detail = models.CharField(max_length=255, blank=True)  # e.g. the vouchers, the letter
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.membership} verified {self.method}"


class Vouch(models.Model):
    """A verified member says that another member lives in the area."""

    voucher = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="vouches_given")
    vouchee = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="vouches_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Set when the voucher is later found not to be a resident.
    flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["voucher", "vouchee"],
                condition=models.Q(withdrawn_at=None),
                name="one_active_vouch_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(voucher=models.F("vouchee")), name="no_vouching_for_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher} vouches for {self.vouchee}"


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    DELEGATE = "delegate", _("Delegate")


class RoleTerm(models.Model):
    """One term of a role (standard or one of the bylaws' custom roles) held by a member."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_terms")
    role = models.CharField(_("role"), max_length=40)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Set when the term stops before ends_on: recall, resignation, leaving.
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=32, blank=True)

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

    @property
    def last_day(self):  # type: ignore[no-untyped-def]
        return self.ended_on or self.ends_on


class RecallPetition(models.Model):
    """Members ask to recall a role-holder; the vote itself belongs to decisions."""

    role_term = models.ForeignKey(RoleTerm, on_delete=models.CASCADE, related_name="recalls")
    opened_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["role_term"],
                condition=models.Q(closed_at=None),
                name="one_open_recall_per_term",
            ),
        ]

    def __str__(self) -> str:
        return f"recall of {self.role_term}"


class RecallSignature(models.Model):
    petition = models.ForeignKey(
        RecallPetition, on_delete=models.CASCADE, related_name="signatures"
    )
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "membership"], name="sign_a_recall_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership} signs {self.petition}"


class ResidencyLetter(models.Model):
    """A printed letter with a one-time code, sent to one address of the area.

    Only a hash of the code is stored; the code itself is printed once.
    """

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="residency_letters"
    )
    address = models.CharField(max_length=255)
    batch = models.UUIDField(db_index=True)
    code_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["address"]

    def __str__(self) -> str:
        return f"letter to {self.address}"
