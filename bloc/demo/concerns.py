"""Demo concerns on Maple Street: a working group, concerns in every state, one photo.

Written through the services, so the audit log, the anonymous report's missing
reporter and the draft proposal raised from a concern are all real.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone
from PIL import Image, ImageDraw

from bloc.accounts.models import User
from bloc.concerns import services as svc
from bloc.concerns.models import Concern
from bloc.institutions.models import Institution
from bloc.membership.models import Membership

GROUP = "Streets and safety"


def pothole_photo() -> bytes:
    """A small drawing of a pothole on a grey road, made here so the demo ships no image."""
    image = Image.new("RGB", (480, 320), (128, 128, 124))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 150, 480, 160), fill=(235, 200, 60))  # the centre line
    draw.ellipse((150, 180, 330, 280), fill=(45, 42, 40), outline=(90, 85, 80), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _members(institution: Institution, logins: dict[str, User]) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            institution=institution, verified_at__isnull=False, left_at__isnull=True
        )
        .exclude(user__in=logins.values())
        .select_related("user")
        .order_by("user__email")
    ]


def load_concerns(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    maple = institutions["maple-street-block"]
    if Concern.objects.filter(institution=maple).exists():
        return
    facilitator, secretary, resident = (
        logins["facilitator"],
        logins["secretary"],
        logins["resident"],
    )
    neighbours = _members(maple, logins)
    third = neighbours[0] if neighbours else resident

    group = svc.working_group_create(
        actor=facilitator,
        institution=maple,
        name=GROUP,
        description="Streetlights, potholes, crossings and traffic on the block.",
    )
    for person in (facilitator, secretary, third):
        svc.working_group_join(actor=person, group=group)
    svc.working_group_create(
        actor=facilitator,
        institution=maple,
        name="Green block",
        description="Trees, planters and keeping the block clean.",
    )

    def report(actor: User, days_ago: int, **fields: object) -> Concern:
        concern = svc.concern_report(actor=actor, institution=maple, **fields)  # type: ignore[arg-type]
        # Spread over the last weeks, so the list reads like one.
        Concern.objects.filter(pk=concern.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago, hours=days_ago % 5)
        )
        return concern

    def move(concern: Concern, *steps: tuple[str, str]) -> None:
        svc.concern_assign(actor=facilitator, concern=concern, working_group=group)
        for state, text in steps:
            svc.concern_update(actor=secretary, concern=concern, text=text, state=state)

    def me_too(concern: Concern, count: int) -> None:
        for person in neighbours[:count]:
            svc.me_too_add(actor=person, concern=concern)

    lamp = report(
        resident,
        30,
        category="safety",
        place="Corner of Maple Street and 3rd Avenue",
        description="The streetlight on the corner has been out for a week; the crossing is "
        "completely dark in the evening.",
    )
    move(
        lamp,
        ("acknowledged", "We saw it too. Reporting it to the city's lighting department."),
        ("in_progress", "The city opened repair ticket 4471 and promised a crew this month."),
        ("resolved", "A crew replaced the lamp on Tuesday. Thanks to everyone who said me too."),
    )
    me_too(lamp, 6)

    pothole = report(
        resident,
        12,
        category="infrastructure",
        place="In front of 114 Maple Street",
        description="A pothole about a foot wide; cyclists swerve into traffic to avoid it.",
        photos=[pothole_photo()],
        photo_description="A dark, round pothole in the middle of the lane.",
    )
    move(
        pothole,
        ("acknowledged", ""),
        ("in_progress", "Marked with a cone while we wait for the city's road crew."),
    )
    me_too(pothole, 4)

    report(
        third,
        9,
        category="housing",
        place="Front door of 112 Maple Street",
        description="The lock on the front door has been broken for two weeks and anyone can "
        "walk in. The landlord has not answered.",
        anonymous=True,
    )

    bins = report(
        secretary,
        7,
        category="environment",
        place="Alley behind 116-118 Maple Street",
        description="The bins overflow every weekend and the rubbish attracts rats.",
    )
    move(bins, ("acknowledged", "We will ask the sanitation department for a second pickup."))
    me_too(bins, 3)

    speeding = report(
        resident,
        5,
        category="safety",
        place="Maple Street between 2nd and 3rd Avenue",
        description="Cars speed down the block; children cross here on the way to school. "
        "We could ask the city for speed bumps.",
    )
    me_too(speeding, 8)
    svc.concern_raise(actor=resident, concern=speeding)

    noise = report(
        third,
        20,
        category="other",
        place="Building site at 120 Maple Street",
        description="Construction noise starts at 6 in the morning.",
    )
    move(
        noise,
        (
            "declined",
            "The site is just outside our area and works within the city's permitted hours "
            "(from 7). We passed the complaint on to the Riverside North assembly.",
        ),
    )

    mold = report(
        resident,
        3,
        category="housing",
        place="Basement laundry room, 110 Maple Street",
        description="Mold is spreading on the laundry room walls.",
    )
    me_too(mold, 2)

    report(
        facilitator,
        1,
        category="environment",
        place="Tree pits along the north side",
        description="The young trees planted in spring need watering during the dry weeks.",
    )
