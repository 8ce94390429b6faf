"""Meeting pages and the API: forms refuse bad input with 422 and write nothing;
the door code is shown once; the queue fragment; minutes; PDFs; the profile page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.audit.models import AuditEvent
from bloc.meetings import services
from bloc.meetings.models import AgendaItem, Attendance, Meeting, Minutes, SpeakingProfile
from tests.meetings.conftest import meeting_now

pytestmark = pytest.mark.django_db


def url(name, meeting, *args):  # type: ignore[no-untyped-def]
    return reverse(f"institutions:{name}", args=[meeting.institution.slug, meeting.pk, *args])


def test_scheduling_refuses_bad_input_and_then_schedules(client, maple, fiona, sam):
    new = reverse("institutions:meeting_create", args=[maple.slug])
    client.force_login(sam)
    assert client.get(new).status_code == 403
    client.force_login(fiona)
    bad = client.post(
        new,
        {
            "title": "June",
            "starts_at": "2030-06-01T19:00",
            "ends_at": "2030-06-01T18:00",
            "ordering": "fewest_spoken",
        },
    )
    assert bad.status_code == 422 and b'role="alert"' in bad.content
    assert not Meeting.objects.exists()
    good = client.post(
        new,
        {
            "title": "June",
            "starts_at": "2030-06-01T19:00",
            "ends_at": "2030-06-01T21:00",
            "place": "Community room",
            "ordering": "progressive",
        },
    )
    meeting = Meeting.objects.get()
    assert good.status_code == 302 and good["Location"] == url("meeting_detail", meeting)
    assert timezone.localtime(meeting.starts_at).hour == 19
    assert meeting.ordering == "progressive"

    # Agenda: an empty title is refused; items are added, moved and removed.
    refused = client.post(url("agenda_add", meeting), {"title": ""})
    assert refused.status_code == 422 and not AgendaItem.objects.exists()
    for title in ("Welcome", "Budget", "Any other business"):
        client.post(url("agenda_add", meeting), {"title": title})
    budget = AgendaItem.objects.get(title="Budget")
    client.post(url("agenda_move", meeting, budget.pk), {"to": "up"})
    welcome = AgendaItem.objects.get(title="Welcome")
    client.post(url("agenda_remove", meeting, welcome.pk))
    assert list(AgendaItem.objects.values_list("title", flat=True)) == [
        "Budget",
        "Any other business",
    ]
    page = client.get(url("meeting_detail", meeting))
    assert page.status_code == 200 and b"Community room" in page.content
    pdf = client.get(url("meeting_agenda_pdf", meeting))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    sheet = client.get(url("meeting_signin_pdf", meeting))
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    client.force_login(sam)
    assert client.get(url("meeting_signin_pdf", meeting)).status_code == 403


def test_door_code_page_check_in_and_queue(client, maple, fiona, sam, meeting):
    client.force_login(fiona)
    assert b"data-door-code" not in client.get(url("meeting_door_code", meeting)).content
    shown = client.post(url("meeting_door_code", meeting))
    code = shown.content.split(b"data-door-code>")[1].split(b"<")[0].decode()
    assert len(code) == 6
    assert code.encode() not in client.get(url("meeting_door_code", meeting)).content

    client.force_login(sam)
    wrong = client.post(url("meeting_check_in", meeting), {"code": "XXXXXX", "mode": "in_room"})
    assert wrong.status_code == 422 and b"not the door code" in wrong.content
    assert not Attendance.objects.exists()
    no_mode = client.post(url("meeting_check_in", meeting), {"code": code})
    assert no_mode.status_code == 422 and not Attendance.objects.exists()
    ok = client.post(url("meeting_check_in", meeting), {"code": code, "mode": "online"})
    assert ok.status_code == 302 and Attendance.objects.get().mode == "online"

    client.post(url("meeting_queue_join", meeting))
    twice = client.post(url("meeting_queue_join", meeting))
    assert twice.status_code == 409 and b"already in the queue" in twice.content
    fragment = client.get(url("meeting_queue_fragment", meeting))
    assert b"You are next." in fragment.content and b"queue-order" not in fragment.content
    assert client.post(url("meeting_queue_next", meeting)).status_code == 403

    client.force_login(fiona)
    assert b"Sam Speaker" in client.get(url("meeting_queue_fragment", meeting)).content
    client.post(url("meeting_queue_next", meeting))
    client.force_login(sam)
    assert b"You have the floor." in client.get(url("meeting_queue", meeting)).content


def test_attendance_page_marks_and_undoes(client, maple, fiona, sam, meeting):
    client.force_login(fiona)
    refused = client.post(url("meeting_attendance", meeting), {"user": sam.pk, "mode": "roof"})
    assert refused.status_code == 422 and not Attendance.objects.exists()
    client.post(url("meeting_attendance", meeting), {"user": sam.pk, "mode": "in_room"})
    assert Attendance.objects.get().by == "facilitator"
    client.post(url("meeting_attendance_undo", meeting, sam.pk))
    assert not Attendance.objects.exists()


def test_minutes_draft_for_members_and_approval_at_the_next_meeting(
    client, maple, fiona, sam, alice
):
    earlier = meeting_now(
        maple,
        fiona,
        title="October",
        starts_at=timezone.now() - datetime.timedelta(days=30, hours=2),
        ends_at=timezone.now() - datetime.timedelta(days=30),
    )
    client.force_login(fiona)
    empty = client.post(url("meeting_minutes", earlier), {"text": "  "})
    assert empty.status_code == 422 and not Minutes.objects.exists()
    client.post(url("meeting_minutes", earlier), {"text": "We chose **blue**."})
    client.force_login(sam)
    draft = client.get(url("meeting_detail", earlier))
    assert (
        b"Draft: not approved yet." in draft.content and b"<strong>blue</strong>" in draft.content
    )

    later = meeting_now(maple, fiona, title="November")
    client.force_login(fiona)
    assert b"Minutes to approve" in client.get(url("meeting_detail", later)).content
    client.post(url("meeting_minutes_approve", later, earlier.pk))
    assert Minutes.objects.get().approved_in == later
    page = client.get(url("meeting_detail", earlier)).content
    assert b"Approved at" in page and b"Draft" not in page
    client.force_login(alice)  # not a member
    assert client.get(url("meeting_detail", earlier)).status_code == 403


def test_speaking_profile_page(client, alice):
    page = reverse("speaking:profile")
    client.force_login(alice)
    assert b"Nobody sees what you write here" in client.get(page).content
    too_long = client.post(page, {"group": "x" * 61})
    assert too_long.status_code == 422 and not SpeakingProfile.objects.exists()
    client.post(page, {"group": "renters", "less_heard": "on"})
    assert SpeakingProfile.objects.get(user=alice).less_heard


def test_api_check_in_queue_and_minutes(client, maple, fiona, sam, meeting):
    base = f"/api/v1/institutions/{maple.slug}/meetings"
    code = services.door_code_new(actor=fiona, meeting=meeting)
    client.force_login(sam)
    listed = client.get(base).json()
    assert [m["id"] for m in listed] == [meeting.pk] and listed[0]["open"]
    wrong = client.post(f"{base}/{meeting.pk}/check-in", {"code": "ZZZZZZ"}, "application/json")
    assert wrong.status_code == 422 and wrong.json()["code"] == "wrong_code"
    ok = client.post(f"{base}/{meeting.pk}/check-in", {"code": code}, "application/json")
    assert ok.status_code == 201
    again = client.post(f"{base}/{meeting.pk}/check-in", {"code": code}, "application/json")
    assert again.status_code == 200 and again.json()["already"]
    assert client.get(f"{base}/{meeting.pk}").json()["quorum"]["present"] == 1

    joined = client.post(f"{base}/{meeting.pk}/queue")
    assert joined.status_code == 201 and joined.json()["position"] == 1
    assert joined.json()["order"] is None
    assert client.post(f"{base}/{meeting.pk}/queue").status_code == 409
    assert client.post(f"{base}/{meeting.pk}/queue/next").status_code == 403

    client.force_login(fiona)
    state = client.post(f"{base}/{meeting.pk}/queue/next").json()
    assert state["speaking"]["name"] == "Sam Speaker" and state["order"] == []
    put = client.put(f"{base}/{meeting.pk}/minutes", {"text": "Notes"}, "application/json")
    assert put.status_code == 200 and put.json()["draft"]
    later = meeting_now(maple, fiona, starts_at=timezone.now() - datetime.timedelta(minutes=1))
    approved = client.post(
        f"{base}/{meeting.pk}/minutes/approve", {"at_meeting": later.pk}, "application/json"
    )
    assert approved.status_code == 200 and approved.json()["approved_in"] == later.pk
    assert AuditEvent.objects.filter(action="minutes.approve").count() == 1
