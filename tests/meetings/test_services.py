"""Meetings through the services: door code, quorum, the speakers' queue, minutes,
statistics; and that the audit log never carries the speaking profile."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.core.errors import Conflict, PermissionDenied, Throttled, ValidationFailed
from bloc.institutions.services import bylaws_amend
from bloc.meetings import selectors, services
from bloc.meetings.models import Attendance, Meeting, QueueEntry, SpeakingProfile
from tests.conftest import make_person, member
from tests.decisions.conftest import close_now, open_poll, verified_members
from tests.meetings.conftest import meeting_now, present

pytestmark = pytest.mark.django_db


def test_door_code_checks_in_once_and_a_new_code_replaces_the_old(meeting, fiona, sam, tess):
    code = services.door_code_new(actor=fiona, meeting=meeting)
    meeting.refresh_from_db()
    assert len(code) == 6 and set(code) <= set(services.CODE_ALPHABET)
    assert meeting.checkin_digest == hashlib.sha256(code.encode()).hexdigest()
    assert code not in meeting.checkin_digest

    with pytest.raises(ValidationFailed) as wrong:
        services.check_in(actor=sam, meeting=meeting, code="AAAAAA", mode="in_room")
    assert wrong.value.code == "wrong_code" and "code" in wrong.value.fields
    assert not Attendance.objects.filter(meeting=meeting).exists()

    # Typed in lower case with a space: still the code.
    attendance, new = services.check_in(
        actor=sam, meeting=meeting, code=f" {code[:3].lower()} {code[3:]}", mode="online"
    )
    assert new and attendance.mode == "online" and attendance.by == "code"
    again, new = services.check_in(actor=sam, meeting=meeting, code=code, mode="in_room")
    assert not new and again.pk == attendance.pk

    fresh = services.door_code_new(actor=fiona, meeting=meeting)
    meeting.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.check_in(actor=tess, meeting=meeting, code=code, mode="in_room")
    services.check_in(actor=tess, meeting=meeting, code=fresh, mode="in_room")
    assert Attendance.objects.filter(meeting=meeting).count() == 2

    with pytest.raises(PermissionDenied):
        services.door_code_new(actor=sam, meeting=meeting)


def test_wrong_codes_are_throttled_per_person_and_meeting(meeting, fiona, sam, tess):
    code = services.door_code_new(actor=fiona, meeting=meeting)
    meeting.refresh_from_db()
    for _ in range(services.MAX_WRONG_CODES):
        with pytest.raises(ValidationFailed):
            services.check_in(actor=sam, meeting=meeting, code="WRONG1", mode="in_room")
    with pytest.raises(Throttled):
        services.check_in(actor=sam, meeting=meeting, code=code, mode="in_room")
    # Someone else is not held back by Sam's guesses.
    assert services.check_in(actor=tess, meeting=meeting, code=code, mode="in_room")[1]
    assert not Attendance.objects.filter(meeting=meeting, user=sam).exists()


def test_check_in_only_while_the_meeting_runs(maple, fiona, sam):
    later = meeting_now(
        maple,
        fiona,
        starts_at=timezone.now() + datetime.timedelta(hours=2),
        ends_at=timezone.now() + datetime.timedelta(hours=4),
    )
    code = services.door_code_new(actor=fiona, meeting=later)
    later.refresh_from_db()
    with pytest.raises(Conflict):
        services.check_in(actor=sam, meeting=later, code=code, mode="in_room")
    Meeting.objects.filter(pk=later.pk).update(
        starts_at=timezone.now() + datetime.timedelta(minutes=50)
    )
    later.refresh_from_db()
    assert services.check_in(actor=sam, meeting=later, code=code, mode="in_room")[1]
    services.meeting_end(actor=fiona, meeting=later)
    with pytest.raises(Conflict):
        services.queue_join(actor=sam, meeting=later)


def test_quorum_counts_verified_members_present(maple, fiona, meeting):
    people = verified_members(maple, 9)  # with Fiona: 10 verified members
    unverified = make_person("new@example.org", "New Member", address="118 Maple Street")
    member(maple, unverified)
    bylaws_amend(actor=SYSTEM, institution=maple, text="Bylaws", rules={"quorum_percent": 50})
    present(meeting, fiona, *people[:3], unverified)
    quorum = selectors.quorum(meeting)
    assert (quorum.present, quorum.attending, quorum.verified) == (4, 5, 10)
    assert (quorum.percent, quorum.needed, quorum.reached) == (50, 5, False)
    present(meeting, people[3])
    assert selectors.quorum(meeting).reached
    services.attendance_undo(actor=fiona, meeting=meeting, user_id=people[3].pk)
    assert not selectors.quorum(meeting).reached


def test_queue_join_leave_call_and_finish(meeting, fiona, sam, tess):
    with pytest.raises(Conflict) as absent:
        services.queue_join(actor=sam, meeting=meeting)
    assert absent.value.code == "not_present"
    present(meeting, sam, tess)
    services.queue_join(actor=sam, meeting=meeting)
    with pytest.raises(Conflict) as twice:
        services.queue_join(actor=sam, meeting=meeting)
    assert twice.value.code == "already_in_queue"
    services.queue_join(actor=tess, meeting=meeting)
    assert selectors.queue_state(meeting, tess).position == 2
    with pytest.raises(PermissionDenied):
        services.queue_call_next(actor=sam, meeting=meeting)

    first = services.queue_call_next(actor=fiona, meeting=meeting)
    assert first.user == sam and first.called_at is not None
    state = selectors.queue_state(meeting, tess)
    assert state.speaking.user == sam and state.position == 1 and state.waiting == []
    assert [e.user for e in selectors.queue_state(meeting, fiona).waiting] == [tess]

    # Calling the next speaker finishes the current one first.
    second = services.queue_call_next(actor=fiona, meeting=meeting)
    assert second.user == tess
    assert QueueEntry.objects.get(user=sam).finished_at is not None
    finished = services.queue_finish(actor=fiona, meeting=meeting)
    assert finished.user == tess
    with pytest.raises(Conflict):
        services.queue_finish(actor=fiona, meeting=meeting)
    assert services.queue_call_next(actor=fiona, meeting=meeting) is None

    # Having spoken, Sam may ask again; leaving takes him out without a turn.
    services.queue_join(actor=sam, meeting=meeting)
    services.queue_leave(actor=sam, meeting=meeting)
    with pytest.raises(Conflict):
        services.queue_leave(actor=sam, meeting=meeting)
    assert selectors.queue_state(meeting, sam).waiting_count == 0
    actions = list(
        AuditEvent.objects.filter(action__startswith="queue.").values_list("action", flat=True)
    )
    assert actions.count("queue.join") == 3 and actions.count("queue.call") == 2


def _spoke(meeting, person, seconds, joined):  # type: ignore[no-untyped-def]
    now = timezone.now()
    QueueEntry.objects.create(
        meeting=meeting,
        user=person,
        joined=joined,
        called_at=now - datetime.timedelta(seconds=seconds + 60),
        finished_at=now - datetime.timedelta(seconds=60),
    )


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("first_come", ["talker", "quiet", "heard"]),
        ("fewest_spoken", ["quiet", "heard", "talker"]),
        ("progressive", ["heard", "quiet", "talker"]),
    ],
)
def test_the_queue_follows_the_meetings_ordering(maple, fiona, ordering, expected):
    talker, quiet, heard = verified_members(maple, 3)
    names = {talker.pk: "talker", quiet.pk: "quiet", heard.pk: "heard"}
    SpeakingProfile.objects.create(user=heard, group="renters", less_heard=True)
    # In an earlier meeting "quiet" spoke less long than "heard".
    earlier = meeting_now(
        maple,
        fiona,
        starts_at=timezone.now() - datetime.timedelta(days=30),
        ends_at=timezone.now() - datetime.timedelta(days=30, hours=-2),
    )
    _spoke(earlier, quiet, 30, 1)
    _spoke(earlier, heard, 300, 2)
    meeting = meeting_now(maple, fiona, ordering=ordering)
    present(meeting, talker, quiet, heard)
    _spoke(meeting, talker, 60, 1)  # the talker already spoke in this meeting
    for person in (talker, quiet, heard):
        services.queue_join(actor=person, meeting=meeting)
    assert [names[e.user_id] for e in selectors.queue_ordered(meeting)] == expected
    called = services.queue_call_next(actor=fiona, meeting=meeting)
    assert names[called.user_id] == expected[0]
    # A member sees only their place, never the order or who is less heard.
    last = {"talker": talker, "quiet": quiet, "heard": heard}[expected[-1]]
    state = selectors.queue_state(meeting, last)
    assert state.waiting == [] and state.position == 2


def test_minutes_are_approved_at_a_later_meeting_then_public(maple, fiona, sam, chapter):
    outsider = make_person("out@example.org", "Out Sider")
    first = meeting_now(
        maple,
        fiona,
        title="October",
        starts_at=timezone.now() - datetime.timedelta(days=30, hours=2),
        ends_at=timezone.now() - datetime.timedelta(days=30),
    )
    minutes = services.minutes_save(actor=fiona, meeting=first, text="We *agreed*.")
    assert selectors.minutes_visible(minutes, sam)
    assert not selectors.minutes_visible(minutes, outsider)
    with pytest.raises(PermissionDenied):
        services.minutes_save(actor=sam, meeting=first, text="Changed")
    # Not at the same meeting, nor at an earlier one, nor before the later one begins.
    with pytest.raises(Conflict):
        services.minutes_approve(actor=fiona, minutes=minutes, at=first)
    earlier = meeting_now(
        maple,
        fiona,
        starts_at=timezone.now() - datetime.timedelta(days=60),
        ends_at=timezone.now() - datetime.timedelta(days=60, hours=-1),
    )
    with pytest.raises(Conflict):
        services.minutes_approve(actor=fiona, minutes=minutes, at=earlier)
    future = meeting_now(
        maple,
        fiona,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        ends_at=timezone.now() + datetime.timedelta(days=7, hours=2),
    )
    with pytest.raises(Conflict):
        services.minutes_approve(actor=fiona, minutes=minutes, at=future)
    assert [m.pk for m in selectors.minutes_to_approve(future)] == [minutes.pk]

    second = meeting_now(maple, fiona, title="November")
    approved = services.minutes_approve(actor=fiona, minutes=minutes, at=second)
    assert approved.approved_in == second and approved.approved_at is not None
    assert selectors.minutes_to_approve(second) == []
    with pytest.raises(Conflict):
        services.minutes_approve(actor=fiona, minutes=approved, at=second)
    with pytest.raises(Conflict):
        services.minutes_save(actor=fiona, meeting=first, text="Rewritten")
    # Private records: still members only. Public records: everyone.
    assert not selectors.minutes_visible(approved, outsider)
    bylaws_amend(actor=SYSTEM, institution=maple, text="B", rules={"public_records": True})
    assert selectors.minutes_visible(approved, outsider)


def test_decisions_taken_during_the_meeting_are_listed(maple, fiona, voters, meeting):
    during = open_poll(maple, fiona, title="During")
    close_now(during)
    open_poll(maple, fiona, title="Still open")
    polls, _proposals = selectors.decisions_in(meeting)
    assert [p.title for p in polls] == ["During"]


def test_statistics_hide_groups_of_fewer_than_five(maple, fiona, meeting):
    renters = verified_members(maple, 5, prefix="renter")
    owners = verified_members(maple, 2, prefix="owner")
    for person in renters:
        SpeakingProfile.objects.create(user=person, group=" Renters ")
    for person in owners:
        SpeakingProfile.objects.create(user=person, group="owners", less_heard=True)
    present(meeting, fiona, *renters, *owners)
    _spoke(meeting, renters[0], 60, 1)
    _spoke(meeting, owners[0], 120, 2)
    _spoke(meeting, owners[0], 60, 3)
    rows, shares = selectors.speaking_statistics(meeting)
    assert [(r.name, r.turns, r.seconds) for r in rows] == [
        ("Owner 0", 2, 180.0),
        ("Renter 0", 1, 60.0),
    ]
    by_group = {s.group: s for s in shares}
    assert set(by_group) == {"", "renters"}  # the two owners are merged with Fiona
    assert by_group[""].attendees == 3 and by_group["renters"].attendees == 5
    assert by_group[""].speaking_share == pytest.approx(0.75)


def test_speaking_profile_is_saved_but_never_logged(alice):
    services.speaking_profile_save(actor=alice, group="  young   people ", less_heard=True)
    profile = SpeakingProfile.objects.get(user=alice)
    assert (profile.group, profile.less_heard) == ("young people", True)
    event = AuditEvent.objects.filter(action="speaking_profile.save").get()
    assert "young" not in str(event.data) and "less" not in str(event.data)
    with pytest.raises(ValidationFailed):
        services.speaking_profile_save(actor=alice, group="x" * 61, less_heard=False)
