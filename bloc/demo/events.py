"""Demo events on Maple Street: a street-cleaning day next month with three volunteer
shifts (one already full), and last month's block party with its answers.

Everything goes through the events services (so the audit log records it); the
block party is set up while still to come, answered, then moved to its real date.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from bloc.accounts.models import User
from bloc.events import services
from bloc.events.models import Event
from bloc.institutions.models import Institution
from bloc.membership.models import Membership

CLEANING = "Street-cleaning day"
PARTY = "Block party"


def _at(day: datetime, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day.date(), time(hour)))


def _neighbors(institution: Institution, logins: dict[str, User]) -> list[User]:
    """Members other than the demo logins, always in the same order."""
    return [
        m.user
        for m in Membership.objects.filter(institution=institution, left_at__isnull=True)
        .exclude(user__in=logins.values())
        .select_related("user")
        .order_by("user__email")
    ]


def load_events(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    maple = institutions["maple-street-block"]
    if Event.objects.filter(institution=maple).exists():
        return
    secretary = logins["secretary"]
    neighbors = _neighbors(maple, logins)
    today = timezone.localtime()

    # Next month, on its first Saturday.
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    saturday = first + timedelta(days=(5 - first.weekday()) % 7)
    cleaning = services.event_create(
        actor=secretary,
        institution=maple,
        title=CLEANING,
        description="Brooms, bags and gloves are provided. Coffee at the corner of Maple and 3rd.",
        place="Maple Street, from number 110 to 118",
        starts_at=_at(saturday, 9),
        ends_at=_at(saturday, 13),
    )
    shifts = [
        ("Sweep the sidewalks", 9, 11, 6),
        ("Bag and carry to the curb", 11, 13, 4),
        ("Hand out gloves and water", 9, 11, 2),
    ]
    made = [
        services.shift_create(
            actor=secretary,
            event=cleaning,
            title=title,
            starts_at=_at(saturday, start),
            ends_at=_at(saturday, end),
            capacity=capacity,
        )
        for title, start, end, capacity in shifts
    ]
    volunteers = {0: neighbors[0:3], 1: neighbors[3:4], 2: neighbors[4:6]}  # the last is full
    for index, people in volunteers.items():
        for person in people:
            services.shift_sign_up(actor=person, shift=made[index])
    services.rsvp_set(actor=logins["facilitator"], event=cleaning, answer="yes")

    # Set up as if announced before it happened, answered, then put on its real date.
    party_day = today - timedelta(days=24)
    soon = today + timedelta(days=1)
    party = services.event_create(
        actor=secretary,
        institution=maple,
        title=PARTY,
        description="Bring a dish to share. The street is closed to cars from noon.",
        place="Maple Street, in front of number 114",
        starts_at=_at(soon, 12),
        ends_at=_at(soon, 18),
    )
    answers = ["yes", "yes", "maybe", "yes", "no", "yes", "maybe", "yes"]
    for person, answer in zip(neighbors[6:], answers, strict=False):
        services.rsvp_set(actor=person, event=party, answer=answer)
    services.rsvp_set(actor=logins["resident"], event=party, answer="yes")
    services.event_update(
        actor=secretary,
        event=party,
        title=party.title,
        description=party.description,
        place=party.place,
        starts_at=_at(party_day, 12),
        ends_at=_at(party_day, 18),
    )
