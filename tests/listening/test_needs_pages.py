"""The door-to-door pages: a phone form without JavaScript, the roll-up, contacts for
officers only, turning a need into a concern."""

from __future__ import annotations

import pytest

from bloc.institutions.models import AreaAddress
from bloc.listening.models import NeedsConversation

pytestmark = pytest.mark.django_db


def test_a_canvasser_records_at_the_door(client, maple, canvasser):  # type: ignore[no-untyped-def]
    client.force_login(canvasser)
    url = "/listening/maple/needs/new/"
    assert client.get(url).status_code == 200
    address = AreaAddress.objects.get(institution=maple, address="112 Maple Street")
    bad = client.post(url, {"address": address.pk, "need": "Heat", "contact_name": "Marta"})
    assert bad.status_code == 422
    assert NeedsConversation.objects.count() == 0
    sent = client.post(
        url,
        {
            "address": address.pk,
            "categories": ["housing", "health"],
            "need": "Mould in the bathroom.",
            "consent": "on",
            "contact_name": "Marta",
            "contact_phone": "555-0100",
        },
    )
    assert sent.status_code == 302
    assert NeedsConversation.objects.get().contact_name == "Marta"


def test_a_resident_sees_needs_but_not_contacts(client, maple, canvasser, resident, fiona):  # type: ignore[no-untyped-def]
    from bloc.listening.needs import need_record

    need = need_record(
        actor=canvasser,
        institution=maple,
        categories=["safety"],
        need="A streetlight is out.",
        place="Corner of Maple and Elm",
        consent=True,
        contact_name="Marta",
        contact_phone="555-0100",
    )
    client.force_login(resident)
    page = client.get("/listening/maple/needs/").content.decode()
    assert "A streetlight is out." in page and "Corner of Maple and Elm" in page
    assert "Marta" not in page and "555-0100" not in page
    assert client.get("/listening/maple/needs/new/").status_code == 403
    assert client.post(f"/listening/maple/needs/{need.pk}/concern/").status_code == 403
    client.force_login(fiona)
    page = client.get("/listening/maple/needs/").content.decode()
    assert "Marta" in page and "555-0100" in page
    made = client.post(f"/listening/maple/needs/{need.pk}/concern/")
    assert made.status_code == 302
    need.refresh_from_db()
    assert need.concern_id is not None


def test_the_needs_page_costs_the_same_however_many_needs(client, maple, canvasser, fiona):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bloc.listening.needs import need_record

    def add(n: int) -> None:
        for i in range(n):
            need_record(
                actor=canvasser,
                institution=maple,
                categories=["housing"],
                need=f"Need {i}",
                address=AreaAddress.objects.filter(institution=maple).first(),
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/listening/maple/needs/").status_code == 200
        return len(captured)

    client.force_login(fiona)
    add(1)
    one = count()
    add(5)
    assert count() == one
