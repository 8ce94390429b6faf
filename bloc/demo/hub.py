"""The demo's hub: areas on the map, two years of history, residents who describe
themselves, census figures, and the figures computed once.

Run last, after every other part of the demo, so the history it dates back (when the
institutions were founded, when members joined and were verified) covers everything,
and the figures count everything the other parts did.
"""

from __future__ import annotations

from datetime import timedelta
from random import Random

from django.utils import timezone

from bloc.accounts.models import User
from bloc.actors import SYSTEM
from bloc.concerns.models import Concern
from bloc.confederation.models import Council
from bloc.demo.chapter import AREAS
from bloc.hub import services as hub_services
from bloc.hub.models import DescriptionCategory, PopulationFigure, SelfDescription
from bloc.institutions.models import Chapter, Institution
from bloc.meetings.models import Attendance, Meeting
from bloc.membership.models import Membership, RoleTerm

SEED = 2027

# How long ago each institution was founded, in weeks: the chapter grew over two years.
FOUNDED_WEEKS_AGO = {
    "riverside-town-hall": 100,
    "riverside-north-assembly": 96,
    "maple-street-block": 90,
    "grand-concourse-tenants": 84,
    "riverside-south-assembly": 78,
    "oak-avenue-block": 70,
    "las-palmas-tenants": 60,
    "willow-creek-hoa": 52,
    "river-road-220": 44,
    "market-street-club": 36,
    "barrio-libertad": 30,
    "cedar-glen-hoa": 22,
    "harbor-view-assembly": 14,
}

# Census figures (residents of the area by group), entered by four institutions.
CENSUS = {
    "maple-street-block": {
        "tenure": {"renter": 48, "owner": 22, "other": 6},
        "age_band": {"18-24": 8, "25-34": 17, "35-44": 16, "45-54": 13, "55-64": 11, "65+": 11},
        "language": {"en": 44, "es": 24, "zh": 5, "other": 3},
    },
    "grand-concourse-tenants": {
        "tenure": {"renter": 61, "other": 5},
        "language": {"en": 21, "es": 34, "ht": 7, "other": 4},
    },
    "riverside-north-assembly": {
        "tenure": {"renter": 210, "owner": 75, "other": 19},
        "age_band": {"18-24": 33, "25-34": 66, "35-44": 61, "45-54": 52, "55-64": 47, "65+": 45},
        "language": {"en": 150, "es": 111, "zh": 18, "ht": 12, "other": 13},
    },
    "riverside-south-assembly": {
        "tenure": {"renter": 120, "owner": 110, "other": 14},
        "language": {"en": 118, "es": 104, "other": 22},
    },
}
# Past meetings of the institutions other than Maple Street (bloc.demo.meetings has
# its own): every how many days, and how long ago the last one was. Some have slipped,
# so the hub has someone to send help to; the board-run Willow Creek HOA never meets.
MEETINGS = {
    "riverside-town-hall": (90, 40),
    "riverside-north-assembly": (30, 12),
    "riverside-south-assembly": (30, 75),
    "oak-avenue-block": (30, 20),
    "grand-concourse-tenants": (14, 6),
    "las-palmas-tenants": (21, 9),
    "river-road-220": (30, 100),
    "market-street-club": (30, 25),
    "barrio-libertad": (28, 10),
    "cedar-glen-hoa": (60, 200),
    "harbor-view-assembly": (30, 15),
}
AGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_WEIGHTS = (8, 18, 18, 16, 16, 24)  # older residents describe themselves more


def load_hub(chapter: Chapter, institutions: dict[str, Institution]) -> None:
    if not DescriptionCategory.objects.filter(chapter=chapter).exists():
        rng = Random(SEED)
        _areas(institutions)
        _history(chapter, institutions, rng)
        _meetings(institutions, rng)
        _slips(institutions)
        _descriptions(chapter, rng)
        _census(institutions)
    hub_services.refresh(SYSTEM, chapter=chapter)


def _areas(institutions: dict[str, Institution]) -> None:
    for slug, institution in institutions.items():
        if institution.boundary is None and slug in AREAS:
            Institution.objects.filter(pk=institution.pk).update(boundary=AREAS[slug])


def _history(chapter: Chapter, institutions: dict[str, Institution], rng: Random) -> None:
    """Date the institutions' founding, the councils' and the members' joining back.

    Nothing is moved later than it is: a member who had to have joined before a budget
    vote opened (bloc.demo.budgeting) still had.
    """
    now = timezone.now()
    for slug, weeks in FOUNDED_WEEKS_AGO.items():
        if slug in institutions:
            founded = now - timedelta(weeks=weeks)
            Institution.objects.filter(pk=institutions[slug].pk).update(created_at=founded)
    for n, council in enumerate(Council.objects.filter(chapter=chapter).order_by("pk")):
        Council.objects.filter(pk=council.pk).update(created_at=now - timedelta(weeks=40 - 8 * n))
    weeks_ago = {i.pk: FOUNDED_WEEKS_AGO.get(slug, 10) for slug, i in institutions.items()}
    memberships = Membership.objects.filter(institution__chapter=chapter).order_by("pk")
    for membership in memberships:
        oldest = min(weeks_ago.get(membership.institution_id, 10), 52) * 7
        joined = min(membership.joined_at, now - timedelta(days=rng.randint(1, oldest)))
        verified = membership.verified_at
        if verified is not None:
            verified = min(verified, joined + timedelta(days=rng.randint(1, 21)), now)
        Membership.objects.filter(pk=membership.pk).update(joined_at=joined, verified_at=verified)


def _meetings(institutions: dict[str, Institution], rng: Random) -> None:
    """A year of past meetings, each attended by about a quarter of the members."""
    now = timezone.now()
    for slug, (gap, last_ago) in MEETINGS.items():
        institution = institutions.get(slug)
        if institution is None:
            continue
        founded = now - timedelta(weeks=FOUNDED_WEEKS_AGO.get(slug, 52))
        members = list(
            Membership.objects.filter(institution=institution, left_at__isnull=True)
            .order_by("pk")
            .values_list("user_id", flat=True)
        )
        days = last_ago
        while days <= 365 and now - timedelta(days=days) > founded:
            starts = (now - timedelta(days=days)).replace(hour=23, minute=0, second=0)
            meeting = Meeting.objects.create(
                institution=institution,
                title="General meeting",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                place="The community room",
                started_at=starts,
                ended_at=starts + timedelta(hours=2),
            )
            came = rng.sample(members, len(members) // 4) if members else []
            Attendance.objects.bulk_create(
                Attendance(meeting=meeting, user_id=user_id, mode="in_room", by="facilitator")
                for user_id in came
            )
            days += gap


def _slips(institutions: dict[str, Institution]) -> None:
    """What the health score should catch: concerns left unanswered for weeks, a role
    whose term ran out with nobody elected after it."""
    now = timezone.now()
    today = timezone.localdate()
    for slug, days in (("river-road-220", (45, 70)), ("oak-avenue-block", (38,))):
        institution = institutions.get(slug)
        if institution is None:
            continue
        for n, ago in enumerate(days):
            concern = Concern.objects.create(
                institution=institution,
                category="housing" if n % 2 == 0 else "safety",
                place="The lobby" if n % 2 == 0 else "The back stairs",
                description="The light has been out for weeks and nobody answers."
                if n % 2 == 0
                else "The lock on the back door is broken.",
            )
            Concern.objects.filter(pk=concern.pk).update(created_at=now - timedelta(days=ago))
    oak = institutions.get("oak-avenue-block")
    holder = (
        Membership.objects.filter(institution=oak, left_at__isnull=True, verified_at__isnull=False)
        .order_by("pk")
        .first()
    )
    if (
        holder is not None
        and not RoleTerm.objects.filter(membership__institution=oak, role="delegate").exists()
    ):
        RoleTerm.objects.create(
            membership=holder,
            role="delegate",
            starts_on=today - timedelta(days=385),
            ends_on=today - timedelta(days=20),
        )


def _descriptions(chapter: Chapter, rng: Random) -> None:
    """Three residents in four describe themselves; tenants rent, homeowners own."""
    question = DescriptionCategory.objects.create(
        chapter=chapter,
        name="Do children live in your home?",
        options=["Yes", "No"],
    )
    kinds: dict[int, set[str]] = {}
    for user_id, kind in Membership.objects.filter(
        institution__chapter=chapter, left_at__isnull=True
    ).values_list("user_id", "institution__kind"):
        kinds.setdefault(user_id, set()).add(kind)
    rows = []
    for user in User.objects.filter(pk__in=kinds).order_by("pk"):
        if rng.random() >= 0.75:
            continue
        mine = kinds[user.pk]
        if "tenants_union" in mine or "building_meeting" in mine:
            tenure = "renter"
        elif "hoa" in mine:
            tenure = "owner"
        else:
            tenure = rng.choice(["renter", "renter", "owner", "other"])
        if user.preferred_language == "es":
            language = "es"
        else:
            language = rng.choices(["en", "es", "zh", "ht", "other"], (70, 12, 8, 5, 5))[0]
        rows.append(
            SelfDescription(
                user=user,
                tenure=tenure if rng.random() < 0.9 else "",
                age_band=rng.choices(AGES, AGE_WEIGHTS)[0],
                language=language,
                answers={str(question.pk): rng.randrange(2)} if rng.random() < 0.6 else {},
            )
        )
    SelfDescription.objects.bulk_create(rows, ignore_conflicts=True)


def _census(institutions: dict[str, Institution]) -> None:
    rows = [
        PopulationFigure(
            institution=institutions[slug],
            dimension=dimension,
            group=group,
            residents=residents,
            source="Census 2020 (block groups of the area)",
        )
        for slug, dimensions in CENSUS.items()
        if slug in institutions
        for dimension, groups in dimensions.items()
        for group, residents in groups.items()
    ]
    PopulationFigure.objects.bulk_create(rows, ignore_conflicts=True)
