"""Demo meetings on Maple Street: last month's meeting with its agenda, attendance,
speakers' queue history and minutes (approved at a second past meeting), and a
meeting next week to check in to and run.

The queue history is written directly with times in the past: it is history, not
something the services would let anyone do now.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bloc.accounts.models import User
from bloc.actors import SYSTEM
from bloc.decisions.models import Poll
from bloc.institutions.models import Institution
from bloc.meetings import services
from bloc.meetings.models import Meeting, QueueEntry
from bloc.membership.models import Membership

# (index of the attendee, seconds spoken), in speaking order.
TURNS = [(0, 95), (3, 240), (5, 60), (0, 150), (7, 45), (9, 200), (2, 80), (3, 30), (11, 120),
         (6, 70)]  # fmt: skip
GROUPS = {2: "renters", 4: "renters", 5: "renters", 8: "renters", 10: "renters", 6: "owners"}
LESS_HEARD = {4, 8, 10}


def _members(institution: Institution, logins: dict[str, User]) -> list[User]:
    others = [
        m.user
        for m in Membership.objects.filter(
            institution=institution, verified_at__isnull=False, left_at__isnull=True
        )
        .exclude(user__in=logins.values())
        .select_related("user")
        .order_by("user__email")
    ]
    return [logins["facilitator"], logins["secretary"], logins["resident"], *others][:12]


def _past_meeting(
    institution: Institution, facilitator: User, title: str, days_ago: int
) -> Meeting:
    starts = (timezone.now() - timedelta(days=days_ago)).replace(
        hour=19, minute=0, second=0, microsecond=0
    )
    meeting = services.meeting_create(
        actor=facilitator,
        institution=institution,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Community room, 112 Maple Street",
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        started_at=starts, ended_at=starts + timedelta(hours=1, minutes=50)
    )
    meeting.refresh_from_db()
    return meeting


def load_meetings(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    maple = institutions["maple-street-block"]
    if Meeting.objects.filter(institution=maple).exists():
        return
    facilitator, secretary = logins["facilitator"], logins["secretary"]
    people = _members(maple, logins)

    for index, group in GROUPS.items():
        if index < len(people) and people[index] not in (facilitator, secretary):
            services.speaking_profile_save(
                actor=people[index], group=group, less_heard=index in LESS_HEARD
            )

    last_month = _past_meeting(maple, facilitator, "Monthly meeting (last month)", 35)
    for title, minutes in (
        ("Welcome and minutes of the previous meeting", 5),
        ("Street cleaning day", 30),
        ("Crosswalk at Maple and 3rd", 30),
        ("Any other business", 15),
    ):
        services.agenda_add(
            actor=facilitator, meeting=last_month, title=title, minutes_allotted=minutes
        )
    for person in people:
        services.attendance_mark(
            actor=SYSTEM,
            meeting=last_month,
            user_id=person.pk,
            mode="online" if person.pk % 4 == 0 else "in_room",
        )
    clock = last_month.starts_at + timedelta(minutes=10)
    for joined, (index, seconds) in enumerate(TURNS, start=1):
        person = people[index % len(people)]
        QueueEntry.objects.create(
            meeting=last_month,
            user=person,
            joined=joined,
            called_at=clock,
            finished_at=clock + timedelta(seconds=seconds),
        )
        clock += timedelta(seconds=seconds + 20)
    QueueEntry.objects.filter(meeting=last_month).update(
        joined_at=last_month.starts_at + timedelta(minutes=5)
    )
    minutes = services.minutes_save(
        actor=secretary,
        meeting=last_month,
        text=(
            "Present: 12 members; quorum reached.\n\n"
            "1. **Street cleaning day**: set for the first Saturday of next month; "
            "the secretary asks the city for bags and gloves.\n"
            "2. **Crosswalk**: members agreed to put a request to the city to a vote.\n"
            "3. *Any other business*: the hallway light at 116 is fixed."
        ),
    )

    two_weeks = _past_meeting(maple, facilitator, "Extra meeting on the crosswalk", 14)
    services.agenda_add(actor=facilitator, meeting=two_weeks, title="Approve last month's minutes")
    for person in people[:8]:
        services.attendance_mark(actor=SYSTEM, meeting=two_weeks, user_id=person.pk, mode="in_room")
    services.minutes_approve(actor=facilitator, minutes=minutes, at=two_weeks)

    starts = (timezone.now() + timedelta(days=7)).replace(
        hour=19, minute=0, second=0, microsecond=0
    )
    upcoming = services.meeting_create(
        actor=facilitator,
        institution=maple,
        title="Monthly meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Community room, 112 Maple Street",
        online_link="https://meet.example.org/maple-street",
        ordering="progressive",
    )
    crosswalk = Poll.objects.filter(institution=maple, title__startswith="Ask the city").first()
    services.agenda_add(actor=facilitator, meeting=upcoming, title="Approve the minutes")
    services.agenda_add(
        actor=facilitator,
        meeting=upcoming,
        title="Crosswalk: the vote",
        minutes_allotted=20,
        poll_id=crosswalk.pk if crosswalk else None,
    )
    services.agenda_add(actor=facilitator, meeting=upcoming, title="Any other business")
