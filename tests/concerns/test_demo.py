"""The demo's concerns load through the services, once."""

import pytest

from bloc.concerns.models import Concern, WorkingGroup
from bloc.demo.concerns import GROUP, load_concerns
from tests.conftest import make_person, member

pytestmark = pytest.mark.django_db


def test_demo_concerns_cover_every_state_and_load_once(maple, fiona):
    logins = {"facilitator": fiona}
    for role, address in (("secretary", "110 Maple Street"), ("resident", "112 Maple Street")):
        logins[role] = make_person(f"{role}@example.org", role.title(), address=address)
        member(maple, logins[role], verified=True)
    for n in range(8):
        member(
            maple,
            make_person(f"n{n}@example.org", f"N {n}", address="116 Maple Street"),
            verified=True,
        )
    institutions = {"maple-street-block": maple}

    load_concerns(institutions, logins)
    load_concerns(institutions, logins)

    concerns = Concern.objects.filter(institution=maple)
    assert concerns.count() == 8
    assert set(concerns.values_list("state", flat=True)) == {
        "reported",
        "acknowledged",
        "in_progress",
        "resolved",
        "declined",
    }
    assert concerns.filter(reported_by__isnull=True).count() == 1
    assert concerns.exclude(proposal=None).count() == 1
    assert concerns.get(state="resolved").updates.count() == 3
    assert sum(c.photos.count() for c in concerns) == 1
    assert WorkingGroup.objects.get(name=GROUP).members.count() == 3
