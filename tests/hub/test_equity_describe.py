"""A person describes themselves: optional, private, forgettable, exported, erased with
the account."""

from __future__ import annotations

import pytest

from bloc.audit.models import AuditEvent
from bloc.hub.models import DescriptionCategory, SelfDescription
from bloc.membership.personal_data import account_delete, personal_data_export
from tests.conftest import PASSWORD, member
from tests.hub.equity_helpers import organizer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(chapter):  # type: ignore[no-untyped-def]
    return DescriptionCategory.objects.create(
        chapter=chapter, name="Do you have children at home?", options=["Yes", "No"]
    )


@pytest.fixture
def alice_member(alice, maple):  # type: ignore[no-untyped-def]
    member(maple, alice)
    return alice


def test_the_profile_links_to_the_page_which_says_it_is_private(client, alice):  # type: ignore[no-untyped-def]
    client.force_login(alice)
    assert "/hub/describe/" in client.get("/accounts/profile/").content.decode()
    page = client.get("/hub/describe/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "never shown to anyone" in html
    assert "only in counts of at least 5 people" in html
    assert page["Cache-Control"] == "no-store"
    assert "Forget my answers" not in html  # nothing to forget yet


def test_anonymous_visitors_are_sent_to_log_in(client):  # type: ignore[no-untyped-def]
    page = client.get("/hub/describe/")
    assert page.status_code == 302 and "/login" in page["Location"]
    assert client.get("/api/v1/hub/me/description").status_code == 401


def test_describe_answer_the_chapters_question_and_forget(client, alice_member, children):  # type: ignore[no-untyped-def]
    client.force_login(alice_member)
    html = client.get("/hub/describe/").content.decode()
    assert "Do you have children at home?" in html
    saved = client.post(
        "/hub/describe/",
        {"tenure": "renter", "age_band": "", "language": "es", f"category_{children.pk}": "0"},
    )
    assert saved.status_code == 302
    held = SelfDescription.objects.get(user=alice_member)
    assert (held.tenure, held.age_band, held.language) == ("renter", "", "es")
    assert held.answers == {str(children.pk): 0}
    # The log says only that she changed it, never what she said.
    event = AuditEvent.objects.filter(action="self_description.save").get()
    assert "renter" not in str(event.data) and event.subject == ""

    again = client.get("/hub/describe/").content.decode()
    assert 'value="renter" selected' in again
    assert "Forget my answers" in again

    forgot = client.post("/hub/describe/", {"forget": "1"})
    assert forgot.status_code == 302
    assert not SelfDescription.objects.filter(user=alice_member).exists()


def test_answering_nothing_keeps_nothing(client, alice):  # type: ignore[no-untyped-def]
    client.force_login(alice)
    SelfDescription.objects.create(user=alice, tenure="owner")
    client.post("/hub/describe/", {"tenure": "", "age_band": "", "language": ""})
    assert not SelfDescription.objects.filter(user=alice).exists()


def test_a_retired_question_is_no_longer_asked(client, alice_member, children, chapter):  # type: ignore[no-untyped-def]
    client.force_login(organizer_of(chapter))
    client.post(f"/hub/riverside/categories/{children.pk}/retire/")
    client.force_login(alice_member)
    assert "children at home" not in client.get("/hub/describe/").content.decode()
    body = client.get("/api/v1/hub/me/description").json()
    assert body["questions"] == []


def test_nobody_else_sees_a_description(client, alice_member, bob, children, chapter):  # type: ignore[no-untyped-def]
    SelfDescription.objects.create(
        user=alice_member, tenure="renter", age_band="65+", answers={str(children.pk): 1}
    )
    client.force_login(bob)
    page = client.get("/hub/describe/").content.decode()
    assert 'value="renter" selected' not in page and 'value="65+" selected' not in page
    body = client.get("/api/v1/hub/me/description").json()
    assert body["described"] is False and body["tenure"] == "" and body["answers"] == {}
    # Bob forgetting his (absent) answers leaves Alice's alone.
    client.delete("/api/v1/hub/me/description")
    assert SelfDescription.objects.filter(user=alice_member).exists()
    # Not even an organizer's pages name her or what she said.
    client.force_login(organizer_of(chapter))
    for url in ("/hub/riverside/equity/", "/hub/riverside/categories/"):
        html = client.get(url).content.decode()
        assert "Alice" not in html and "alice@" not in html


def test_the_api_reads_writes_and_forgets(client, alice_member, children):  # type: ignore[no-untyped-def]
    client.force_login(alice_member)
    empty = client.get("/api/v1/hub/me/description").json()
    assert empty["described"] is False
    assert empty["questions"] == [
        {
            "id": children.pk,
            "chapter": "riverside",
            "question": "Do you have children at home?",
            "options": ["Yes", "No"],
        }
    ]
    put = client.put(
        "/api/v1/hub/me/description",
        {"tenure": "owner", "age_band": "45-54", "answers": {str(children.pk): 1}},
        content_type="application/json",
    )
    assert put.status_code == 200, put.json()
    assert put.json()["answers"] == {str(children.pk): 1}
    assert SelfDescription.objects.get(user=alice_member).age_band == "45-54"
    gone = client.delete("/api/v1/hub/me/description")
    assert gone.status_code == 204
    assert not SelfDescription.objects.filter(user=alice_member).exists()


def test_bad_answers_change_nothing(client, alice_member, children):  # type: ignore[no-untyped-def]
    SelfDescription.objects.create(user=alice_member, tenure="renter")
    client.force_login(alice_member)
    for body in (
        {"tenure": "landlord"},
        {"language": "klingon"},
        {"answers": {str(children.pk): 7}},
        {"answers": {"999999": 0}},
    ):
        bad = client.put("/api/v1/hub/me/description", body, content_type="application/json")
        assert bad.status_code == 422, body
    page = client.post("/hub/describe/", {"tenure": "landlord"})
    assert page.status_code == 422
    held = SelfDescription.objects.get(user=alice_member)
    assert (held.tenure, held.answers) == ("renter", {})


def test_it_is_in_the_export_and_erased_with_the_account(alice):  # type: ignore[no-untyped-def]
    SelfDescription.objects.create(user=alice, tenure="renter", language="en")
    exported = personal_data_export(actor=alice)
    assert exported["self_description"]["tenure"] == "renter"
    assert exported["self_description"]["language"] == "en"
    account_delete(actor=alice, password=PASSWORD)
    assert not SelfDescription.objects.filter(user=alice).exists()
