"""Meetings: agenda, attendance, minutes, and the speakers' queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bloc.core import speakers
from bloc.institutions.models import Institution


class QueueOrdering(models.TextChoices):
    FIRST_COME = speakers.FIRST_COME, _("First come, first served")
    FEWEST_SPOKEN = speakers.FEWEST_SPOKEN, _("Fewest spoken first")
    PROGRESSIVE = speakers.PROGRESSIVE, _("Progressive stack")


class Meeting(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    ordering = models.CharField(
        _("speakers' queue"),
        max_length=16,
        choices=QueueOrdering.choices,
        default=QueueOrdering.FEWEST_SPOKEN,
    )
    # The code shown at the door for self check-in; a hash of it is kept, and it can
    # be replaced (a new code) at any time.
    checkin_digest = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("item"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    minutes_allotted = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    proposal = models.ForeignKey(
        "decisions.Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    concern = models.ForeignKey(
        "concerns.Concern", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    poll = models.ForeignKey(
        "decisions.Poll", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_once"),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Mode(models.TextChoices):
        IN_ROOM = "in_room", _("In the room")
        ONLINE = "online", _("Online")

    class By(models.TextChoices):
        CODE = "code", _("Checked in with the door code")
        FACILITATOR = "facilitator", _("Marked by the facilitator")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=8, choices=Mode.choices)
    by = models.CharField(max_length=12, choices=By.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.meeting_id}"


class Minutes(models.Model):
    """Written by the secretary; approved at a later meeting, then public."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_in = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="minutes_approved"
    )

    def __str__(self) -> str:
        return f"minutes of {self.meeting_id}"


class SpeakingProfile(models.Model):
    """What a member chose to say about themselves, privately, for the progressive
    stack and the speaking-time statistics (reported only by group)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="speaking_profile"
    )
    group = models.CharField(_("group you describe yourself as part of"), max_length=60, blank=True)
    less_heard = models.BooleanField(_("my group is less heard in meetings"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"speaking profile of {self.user_id}"


class QueueEntry(models.Model):
    """A place in the speakers' queue, and the turn it became once called.

    ``joined`` orders joining within the meeting (a per-meeting counter, so the order
    does not depend on clocks of several app servers).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="queue")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    joined = models.PositiveIntegerField()
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)  # left the queue without speaking
    called_at = models.DateTimeField(null=True, blank=True)  # began speaking
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "joined"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "joined"], name="queue_joined_once"),
            # One live place per person: waiting or speaking.
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(left_at=None, finished_at=None),
                name="one_place_in_the_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in queue {self.meeting_id}"

    @property
    def seconds(self) -> float:
        if self.called_at is None or self.finished_at is None:
            return 0.0
        return (self.finished_at - self.called_at).total_seconds()
