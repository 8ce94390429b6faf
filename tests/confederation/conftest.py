"""A small confederation: four blocks, two neighborhood councils, one city council.

Blocks a and b sit in Northside, c and d in Southside; both neighborhoods sit in the
City council (double majority). Each block has a facilitator and verified members:
a 4, b 2, c 3, d 6 (facilitators included).
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.conftest import make_person, member

SIZES = {"a": 4, "b": 2, "c": 3, "d": 6}


def block(chapter, key):  # type: ignore[no-untyped-def]
    from bloc.actors import SYSTEM
    from bloc.institutions.services import institution_create
    from bloc.membership.models import Membership
    from bloc.membership.roles import role_term_assign

    institution = institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name=f"Block {key.upper()}",
        slug=f"block-{key}",
        kind="block_association",
        addresses=[f"{n} {key.upper()} Street" for n in range(1, 20)],
    )
    people = []
    for n in range(SIZES[key]):
        person = make_person(
            f"{key}{n}@example.org",
            f"Person {key.upper()}{n}",
            address=f"{n + 1} {key.upper()} Street",
        )
        membership = member(institution, person, verified=True)
        people.append(person)
        if n == 0:
            today = timezone.localdate()
            role_term_assign(
                actor=SYSTEM,
                membership=membership,
                role="facilitator",
                starts_on=today - datetime.timedelta(days=10),
                ends_on=today + datetime.timedelta(days=300),
            )
    Membership.objects.filter(institution=institution).update(
        verified_at=timezone.now() - datetime.timedelta(days=1)
    )
    return SimpleNamespace(institution=institution, people=people, facilitator=people[0])


@pytest.fixture
def world(chapter):  # type: ignore[no-untyped-def]
    from bloc.actors import SYSTEM
    from bloc.confederation.councils import council_create, delegate_add, seat_add

    blocks = {key: block(chapter, key) for key in SIZES}
    north = council_create(actor=SYSTEM, chapter=chapter, name="Northside", level=1)
    south = council_create(actor=SYSTEM, chapter=chapter, name="Southside", level=1, rule="members")
    city = council_create(actor=SYSTEM, chapter=chapter, name="City", level=2, rule="double")
    seats = {}
    for key, council in (("a", north), ("b", north), ("c", south), ("d", south)):
        seats[key] = seat_add(actor=SYSTEM, council=council, member=blocks[key].institution)
    seats["north"] = seat_add(actor=SYSTEM, council=city, member=north)
    seats["south"] = seat_add(actor=SYSTEM, council=city, member=south)
    # Each block's second member is its delegate to its neighborhood; the neighborhoods
    # send a's and c's delegates on to the city.
    delegates = {
        key: delegate_add(actor=SYSTEM, seat=seats[key], user=blocks[key].people[1])
        for key in SIZES
    }
    delegates["north"] = delegate_add(actor=SYSTEM, seat=seats["north"], user=blocks["a"].people[1])
    delegates["south"] = delegate_add(actor=SYSTEM, seat=seats["south"], user=blocks["c"].people[1])
    return SimpleNamespace(
        chapter=chapter,
        blocks=blocks,
        north=north,
        south=south,
        city=city,
        seats=seats,
        delegates=delegates,
    )


FOR, AGAINST = 0, 1  # option positions of a motion


def vote_all(poll, people, choice):  # type: ignore[no-untyped-def]
    from bloc.decisions.voting import vote

    for person in people:
        vote(actor=person, poll=poll, data=choice)
