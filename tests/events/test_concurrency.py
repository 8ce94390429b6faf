"""A shift's capacity holds under real concurrency, on SQLite and on PostgreSQL.

Ten members press "sign up" at the same instant for a shift of three places, each
from its own thread and database connection: exactly three get in, the others are
told the shift is full, and nothing else is written.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bloc.audit.models import AuditEvent
from bloc.events.models import Shift, ShiftSignup
from bloc.events.services import shift_sign_up
from tests.decisions.test_concurrency import all_at_once
from tests.events.conftest import make_event, make_shift, members

pytestmark = pytest.mark.django_db(transaction=True)


def sign_up(person, shift_id):  # type: ignore[no-untyped-def]
    return shift_sign_up(actor=person, shift=Shift.objects.select_related("event").get(pk=shift_id))


def test_ten_members_racing_for_three_places_leave_exactly_three(maple, fiona):
    event = make_event(maple, fiona)
    shift = make_shift(event, fiona, capacity=3)
    people = members(maple, 10)

    outcomes = all_at_once(sign_up, [(person, shift.pk) for person in people])

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors[:3]
    assert Counter(o for o in outcomes if isinstance(o, str)) == {"shift_full": 7}
    assert ShiftSignup.objects.filter(shift=shift).count() == 3
    assert AuditEvent.objects.filter(action="shift.sign_up").count() == 3
