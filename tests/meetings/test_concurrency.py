"""Ten members join the speakers' queue at the same moment: ten distinct places."""

from __future__ import annotations

import pytest

from bloc.meetings.models import Meeting, QueueEntry
from bloc.meetings.services import queue_join
from tests.decisions.conftest import verified_members
from tests.decisions.test_concurrency import all_at_once
from tests.meetings.conftest import meeting_now, present

pytestmark = pytest.mark.django_db(transaction=True)


def join(person, meeting_id):  # type: ignore[no-untyped-def]
    return queue_join(actor=person, meeting=Meeting.objects.get(pk=meeting_id)).joined


def test_simultaneous_joins_get_distinct_places(maple, fiona):
    people = verified_members(maple, 10)
    meeting = meeting_now(maple, fiona)
    present(meeting, *people)
    outcomes = all_at_once(join, [(person, meeting.pk) for person in people])
    assert sorted(outcomes) == list(range(1, 11)), outcomes
    assert QueueEntry.objects.filter(meeting=meeting).count() == 10
    # The same person on two phones at once still gets one place.
    present(meeting, fiona)
    twice = all_at_once(join, [(fiona, meeting.pk)] * 2)
    assert sorted(twice, key=str) == [11, "already_in_queue"], twice
