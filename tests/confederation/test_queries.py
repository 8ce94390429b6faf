"""The council pages read in a bounded number of queries: no query per member,
assembly or delegate. Each page is counted at two sizes of the same councils; the
bigger may not take more queries than the smaller."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bloc.actors import SYSTEM
from tests.conftest import make_person, member

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


def add_blocks(chapter, council, count, people=3):  # type: ignore[no-untyped-def]
    """``count`` new blocks seated in ``council``, each with ``people`` verified members,
    a facilitator and a delegate."""
    from bloc.confederation.councils import delegate_add, seat_add
    from bloc.institutions.services import institution_create
    from bloc.membership.roles import role_term_assign

    blocks = []
    today = timezone.localdate()
    for _ in range(count):
        n = next(_serial)
        institution = institution_create(
            actor=SYSTEM,
            chapter=chapter,
            name=f"Block {n}",
            slug=f"block-{n}",
            kind="block_association",
            addresses=[f"{n} Main Street"],
        )
        persons = []
        for k in range(people):
            person = make_person(
                f"p{n}-{k}@example.org", f"Person {n}-{k}", address=f"{n} Main Street"
            )
            membership = member(institution, person, verified=True)
            persons.append(person)
            if k == 0:
                role_term_assign(
                    actor=SYSTEM,
                    membership=membership,
                    role="facilitator",
                    starts_on=today - datetime.timedelta(days=1),
                    ends_on=today + datetime.timedelta(days=300),
                )
        seat = seat_add(actor=SYSTEM, council=council, member=institution)
        delegate_add(actor=SYSTEM, seat=seat, user=persons[1])
        blocks.append((institution, persons))
    return blocks


def count(client, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_the_pages_take_as_many_queries_for_many_members_as_for_few(
    client, chapter, django_assert_max_num_queries
):
    from bloc.confederation.councils import council_create, delegate_add, seat_add
    from bloc.confederation.questions import (
        delegate_vote,
        question_close,
        question_create,
        ratification_send,
    )

    north = council_create(actor=SYSTEM, chapter=chapter, name="North", level=1)
    city = council_create(actor=SYSTEM, chapter=chapter, name="City", level=2, rule="double")
    up = seat_add(actor=SYSTEM, council=city, member=north)
    first = add_blocks(chapter, north, 2)
    delegate_add(actor=SYSTEM, seat=up, user=first[0][1][1])
    viewer = first[0][1][0]  # a facilitator: sees the assembly's forms too

    def pages(tag: str) -> dict[str, str]:
        mandated = question_create(
            actor=SYSTEM,
            council=north,
            title=f"Mandated {tag}",
            mandates_close_at=timezone.now() + datetime.timedelta(days=2),
        )
        voting = question_create(actor=SYSTEM, council=north, title=f"Voting {tag}")
        delegates = list(north.delegates.filter(ended_on=None).select_related("user"))
        ratifying = question_create(actor=SYSTEM, council=north, title=f"Ratifying {tag}")
        for delegate in delegates:
            delegate_vote(actor=delegate.user, question=voting, position="for")
            delegate_vote(actor=delegate.user, question=ratifying, position="for")
        convener = delegates[0].user
        ratification_send(
            actor=convener,
            question=question_close(actor=convener, question=ratifying),
            closes_at=timezone.now() + datetime.timedelta(days=2),
        )
        return {
            "tree": reverse("councils:tree"),
            "north": reverse("councils:detail", args=[north.slug]),
            "city": reverse("councils:detail", args=[city.slug]),
            "mandated": reverse("councils:question", args=[north.slug, mandated.pk]),
            "voting": reverse("councils:question", args=[north.slug, voting.pk]),
            "ratifying": reverse("councils:question", args=[north.slug, ratifying.pk]),
            "delegate": reverse("councils:delegate", args=[north.slug, delegates[0].pk]),
        }

    small = pages("small")
    client.force_login(viewer)
    few = {name: count(client, path) for name, path in small.items()}

    add_blocks(chapter, north, 8)
    big = pages("big")
    for name, path in big.items():
        with django_assert_max_num_queries(few[name]):
            response = client.get(path)
        assert response.status_code == 200
    # The bigger pages do show the new members.
    assert "Block 10" in client.get(big["north"]).content.decode()
    client.logout()
    with django_assert_max_num_queries(few["north"]):
        assert client.get(big["north"]).status_code == 200
