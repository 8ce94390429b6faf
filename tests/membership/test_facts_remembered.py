"""A page that remembers facts about its viewer reads each once, and never answers stale.

``bloc.permissions.roles.facts_remembered`` keeps the answers of membership, role,
organizer and bylaws look-ups for one block (a GET page); a write through a service
inside the block must be seen by every later question.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.membership.services import membership_join, membership_leave
from bloc.permissions.roles import facts_remembered, holds_role, leads, membership_of

pytestmark = pytest.mark.django_db


def test_a_join_inside_the_block_is_seen(maple, alice):
    with facts_remembered():
        assert membership_of(alice, maple) is None
        assert not permissions.check(alice, "membership.list", maple)
        membership_join(actor=SYSTEM, institution=maple, user=alice)
        assert membership_of(alice, maple) is not None
        assert permissions.check(alice, "membership.list", maple)


def test_leaving_inside_the_block_ends_the_roles_too(maple, fiona):
    with facts_remembered():
        assert leads(fiona, maple)
        membership_leave(actor=SYSTEM, membership=membership_of(fiona, maple))
        assert membership_of(fiona, maple) is None
        assert not holds_role(fiona, maple, "facilitator")
        assert not leads(fiona, maple)


def test_the_institution_page_asks_each_fact_once(client, maple, fiona):
    client.force_login(fiona)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("institutions:detail", kwargs={"slug": maple.slug}))
    assert response.status_code == 200
    tables = [
        query["sql"].split(" FROM ")[1].split()[0].strip('"')
        for query in queries.captured_queries
        if " FROM " in query["sql"]
    ]
    # Twelve permission checks on the page; the viewer's membership, roles and
    # chapter organizing are each read once, and the bylaws once.
    assert tables.count("membership_roleterm") <= 2  # the role holders list, the viewer's roles
    assert tables.count("membership_membership") == 1
    assert tables.count("institutions_chapterorganizer") <= 1
    assert tables.count("institutions_bylawsversion") == 1


def test_outside_a_page_every_question_reads_again(maple, alice):
    assert membership_of(alice, maple) is None
    membership_join(actor=SYSTEM, institution=maple, user=alice)
    with CaptureQueriesContext(connection) as queries:
        assert membership_of(alice, maple) is not None
        assert membership_of(alice, maple) is not None
    assert len(queries) == 2
