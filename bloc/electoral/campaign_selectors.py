"""Reads about campaigns: the public list and page, turfs and their progress by block,
a turf's walk list, the GOTV list and the shifts the institutions offer.

Contact data (who lives where, what they said, how much they support) is read only
through the functions that take a ``viewer`` and check ``campaign.contacts`` (or
``turf.canvass`` for one turf): a campaign's managers see every turf, a canvasser
only the turfs given to them. What anyone may see is the campaign itself, its
shifts, and progress totals (doors, knocked, talked) with nothing about a door.

Each read is a fixed number of queries, whatever the number of turfs, doors and
contacts: the doors and contacts are loaded in one query each and folded in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from bloc import permissions
from bloc.core.errors import NotFound
from bloc.electoral.models import (
    Campaign,
    CampaignRole,
    CampaignRoleKind,
    Category,
    Contact,
    ContactOutcome,
    Turf,
)
from bloc.events.models import Event, Shift, ShiftSignup
from bloc.institutions.models import AreaAddress, Institution
from bloc.permissions.electoral import campaign_role

SUPPORTER = 4  # support of 4 or 5 out of 5: a supporter, on the GOTV list


def campaign_get(*, pk: int) -> Campaign:
    campaign = (
        Campaign.objects.filter(pk=pk)
        .select_related("chapter", "candidate", "candidate__cycle", "petition")
        .first()
    )
    if campaign is None:
        raise NotFound("no such campaign")
    return campaign


def turf_get(*, campaign: Campaign, pk: int) -> Turf:
    turf = Turf.objects.filter(campaign=campaign, pk=pk).select_related("institution").first()
    if turf is None:
        raise NotFound("no such turf")
    turf.campaign = campaign
    return turf


def address_get(*, turf: Turf, pk: int) -> AreaAddress:
    address = AreaAddress.objects.filter(pk=pk, institution_id=turf.institution_id).first()
    if address is None:
        raise NotFound("no such address")
    return address


def walk_key(address: str) -> tuple[str, int, str]:
    """Walking order: by street, then by house number (2 before 10), then as written."""
    words = address.strip().split(maxsplit=1)
    if len(words) == 2 and words[0].isdigit():
        return (words[1].lower(), int(words[0]), address)
    return (address.lower(), 0, address)


# --- doors and progress ---------------------------------------------------------------


@dataclass
class Door:
    """One address of a turf and what the campaign knows about it (from its contacts)."""

    address_id: int
    address: str
    turf_id: int
    latest: Contact | None = None  # the latest contact at this door
    contacts: int = 0
    talked: bool = False
    support: int | None = None  # from the latest conversation that gave one
    resident: str = ""  # the latest name given
    issues: list[str] = field(default_factory=list)  # raised in any conversation
    follow_up: bool = False  # asked on the latest contact
    voted_at: datetime | None = None

    @property
    def knocked(self) -> bool:
        return self.contacts > 0

    @property
    def supporter(self) -> bool:
        return self.support is not None and self.support >= SUPPORTER

    @property
    def voted(self) -> bool:
        return self.voted_at is not None

    @property
    def issue_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(value, value)) for value in self.issues]

    def see(self, contact: Contact) -> None:
        """Fold in one contact; contacts come oldest first."""
        self.contacts += 1
        self.latest = contact
        self.follow_up = contact.follow_up
        if contact.resident:
            self.resident = contact.resident
        if contact.outcome == ContactOutcome.TALKED:
            self.talked = True
            if contact.support is not None:
                self.support = contact.support
        for issue in contact.issues or []:
            if issue not in self.issues:
                self.issues.append(issue)
        if contact.voted_at is not None:
            self.voted_at = contact.voted_at


@dataclass
class Progress:
    doors: int = 0
    knocked: int = 0
    talked: int = 0
    supporters: int = 0
    voted: int = 0  # supporters marked as voted

    @property
    def not_voted(self) -> int:
        return self.supporters - self.voted

    def add(self, door: Door) -> None:
        self.doors += 1
        self.knocked += door.knocked
        self.talked += door.talked
        if door.supporter:
            self.supporters += 1
            self.voted += door.voted

    def merge(self, other: Progress) -> None:
        for name in ("doors", "knocked", "talked", "supporters", "voted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def knocked_percent(self) -> int:
        return round(100 * self.knocked / self.doors) if self.doors else 0


def load_doors(campaign: Campaign, turfs: Sequence[Turf]) -> dict[int, list[Door]]:
    """Each turf's doors in walking order with what its contacts say: two queries."""
    through = Turf.addresses.through
    pairs = (
        through.objects.filter(turf_id__in=[t.pk for t in turfs])
        .values_list("turf_id", "areaaddress_id", "areaaddress__address")
        .order_by()
    )
    doors: dict[int, list[Door]] = {turf.pk: [] for turf in turfs}
    by_address: dict[tuple[int, int], Door] = {}
    for turf_id, address_id, address in pairs:
        door = Door(address_id=address_id, address=address, turf_id=turf_id)
        doors[turf_id].append(door)
        by_address[(turf_id, address_id)] = door
    if by_address:
        contacts = (
            Contact.objects.filter(campaign=campaign, turf_id__in=list(doors))
            .select_related("canvasser")
            .order_by("at", "pk")
        )
        for contact in contacts:
            door = by_address.get((contact.turf_id, contact.address_id))
            if door is not None:
                door.see(contact)
    for rows in doors.values():
        rows.sort(key=lambda d: walk_key(d.address))
    return doors


def progress_of(doors: Iterable[Door]) -> Progress:
    progress = Progress()
    for door in doors:
        progress.add(door)
    return progress


# --- what a viewer may see ---------------------------------------------------------------


def visible_turfs(*, campaign: Campaign, viewer: Any) -> list[Turf]:
    """The turfs whose contact data ``viewer`` sees: all for a manager, a canvasser's
    own, none for anyone else."""
    role = campaign_role(viewer, campaign)
    if role is None:
        return []
    turfs = Turf.objects.filter(campaign=campaign).select_related("institution")
    if role != CampaignRoleKind.MANAGER:
        turfs = turfs.filter(canvassers=viewer)
    found = list(turfs.prefetch_related("canvassers").order_by("institution__name", "name", "pk"))
    for turf in found:
        turf.campaign = campaign
    return found


@dataclass
class TurfRow:
    turf: Turf
    progress: Progress
    canvassers: list[str]


@dataclass
class BlockRow:
    """Progress by block: an institution's turfs and their totals."""

    institution: Institution
    turfs: list[TurfRow]
    progress: Progress


@dataclass
class Overview:
    role: str | None
    blocks: list[BlockRow]
    progress: Progress


def campaign_overview(*, campaign: Campaign, viewer: Any) -> Overview:
    """The turfs the viewer may see with their progress, by block (institution)."""
    permissions.require(viewer, "campaign.contacts", campaign)
    turfs = visible_turfs(campaign=campaign, viewer=viewer)
    doors = load_doors(campaign, turfs)
    blocks: dict[int, BlockRow] = {}
    total = Progress()
    for turf in turfs:
        progress = progress_of(doors[turf.pk])
        row = TurfRow(
            turf=turf,
            progress=progress,
            canvassers=sorted(u.full_name for u in turf.canvassers.all()),
        )
        block = blocks.setdefault(turf.institution_id, BlockRow(turf.institution, [], Progress()))
        block.turfs.append(row)
        block.progress.merge(progress)
        total.merge(progress)
    return Overview(
        role=campaign_role(viewer, campaign),
        blocks=sorted(blocks.values(), key=lambda b: b.institution.name.lower()),
        progress=total,
    )


def walk_list(*, turf: Turf, viewer: Any) -> list[Door]:
    """A turf's doors in walking order, each with its latest contact."""
    permissions.require(viewer, "turf.canvass", turf)
    return load_doors(turf.campaign, [turf])[turf.pk]


def campaign_walk_list(*, campaign: Campaign, viewer: Any) -> list[tuple[Turf, Door]]:
    """Every door of every turf the viewer sees, turf by turf."""
    permissions.require(viewer, "campaign.contacts", campaign)
    turfs = visible_turfs(campaign=campaign, viewer=viewer)
    doors = load_doors(campaign, turfs)
    return [(turf, door) for turf in turfs for door in doors[turf.pk]]


def gotv_list(*, campaign: Campaign, viewer: Any) -> list[tuple[Turf, Door]]:
    """Supporters (support 4 or 5 in the latest conversation) not yet marked as voted,
    in the turfs the viewer sees."""
    return [
        (turf, door)
        for turf, door in campaign_walk_list(campaign=campaign, viewer=viewer)
        if door.supporter and not door.voted
    ]


def contact_log(*, campaign: Campaign, viewer: Any) -> list[Contact]:
    """Every contact in the turfs the viewer sees, oldest first."""
    permissions.require(viewer, "campaign.contacts", campaign)
    turfs = visible_turfs(campaign=campaign, viewer=viewer)
    return list(
        Contact.objects.filter(campaign=campaign, turf__in=turfs)
        .select_related("turf", "turf__institution", "address", "canvasser")
        .order_by("at", "pk")
    )


# --- public: campaigns and their totals ---------------------------------------------


@dataclass
class CampaignRow:
    campaign: Campaign
    progress: Progress  # doors, knocked, talked only: no supporters in public


def public_totals(campaigns: Sequence[Campaign]) -> dict[int, Progress]:
    """Doors, doors knocked and doors talked to per campaign: two queries."""
    ids = [c.pk for c in campaigns]
    totals = {pk: Progress() for pk in ids}
    doors = (
        Turf.addresses.through.objects.filter(turf__campaign_id__in=ids)
        .values("turf__campaign_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in doors:
        totals[row["turf__campaign_id"]].doors = row["n"]
    contacts = (
        Contact.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(
            knocked=Count("address", distinct=True),
            talked=Count("address", distinct=True, filter=Q(outcome=ContactOutcome.TALKED)),
        )
        .order_by()
    )
    for row in contacts:
        totals[row["campaign_id"]].knocked = row["knocked"]
        totals[row["campaign_id"]].talked = row["talked"]
    return totals


def campaign_list(*, chapter: Any = None, limit: int = 200) -> list[CampaignRow]:
    campaigns = Campaign.objects.select_related("chapter", "candidate", "petition")
    if chapter is not None:
        campaigns = campaigns.filter(chapter=chapter)
    found = list(campaigns.order_by("-created_at", "-pk")[:limit])
    totals = public_totals(found)
    return [CampaignRow(campaign=c, progress=totals[c.pk]) for c in found]


def roles_of(*, campaign: Campaign) -> list[CampaignRole]:
    return list(
        CampaignRole.objects.filter(campaign=campaign)
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )


# --- shifts -------------------------------------------------------------------------


@dataclass
class ShiftRow:
    shift: Shift
    taken: int
    mine: bool

    @property
    def full(self) -> bool:
        return self.taken >= self.shift.capacity

    @property
    def free(self) -> int:
        return max(self.shift.capacity - self.taken, 0)


@dataclass
class EventRow:
    event: Event
    shifts: list[ShiftRow]
    may_take_part: bool  # a member of the event's institution


def campaign_shifts(
    *, campaign: Campaign, viewer: Any, now: datetime | None = None
) -> list[EventRow]:
    """The events offered to the campaign that are not over, with their shifts and how
    many signed up (never who): four queries."""
    from bloc.membership.models import Membership

    now = now or timezone.now()
    events = list(
        campaign.events.filter(ends_at__gt=now, cancelled_at__isnull=True)
        .select_related("institution")
        .order_by("starts_at", "pk")
    )
    shifts = (
        Shift.objects.filter(event__in=events, ends_at__gt=now)
        .annotate(taken=Count("signups"))
        .order_by("starts_at", "pk")
    )
    mine: set[int] = set()
    member_of: set[int] = set()
    if getattr(viewer, "is_authenticated", False):
        mine = set(
            ShiftSignup.objects.filter(shift__event__in=events, user_id=viewer.pk).values_list(
                "shift_id", flat=True
            )
        )
        member_of = set(
            Membership.objects.filter(
                user_id=viewer.pk,
                left_at__isnull=True,
                institution__in={e.institution_id for e in events},
            ).values_list("institution_id", flat=True)
        )
    by_event: dict[int, list[ShiftRow]] = defaultdict(list)
    for shift in shifts:
        by_event[shift.event_id].append(
            ShiftRow(shift=shift, taken=shift.taken, mine=shift.pk in mine)
        )
    return [
        EventRow(
            event=event,
            shifts=by_event.get(event.pk, []),
            may_take_part=event.institution_id in member_of,
        )
        for event in events
    ]


def offerable_events(
    *, campaign: Campaign, viewer: Any, now: datetime | None = None
) -> list[Event]:
    """Coming events of the chapter's institutions that the viewer may offer to the
    campaign (they manage their institution's events) and has not offered yet."""
    from bloc.membership.models import Membership
    from bloc.permissions.roles import is_chapter_organizer

    if not getattr(viewer, "is_authenticated", False):
        return []
    now = now or timezone.now()
    events = Event.objects.filter(
        institution__chapter_id=campaign.chapter_id, ends_at__gt=now, cancelled_at__isnull=True
    ).exclude(campaigns=campaign)
    if not is_chapter_organizer(viewer, campaign.chapter):
        institutions = Institution.objects.filter(
            pk__in=Membership.objects.filter(
                user_id=viewer.pk, left_at__isnull=True, institution__chapter_id=campaign.chapter_id
            ).values("institution_id")
        )
        allowed = [i.pk for i in institutions if permissions.check(viewer, "event.manage", i)]
        events = events.filter(institution_id__in=allowed)
    return list(events.select_related("institution").order_by("starts_at", "pk")[:100])
