"""Concerns pages through Django's test client."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.concerns import services as svc
from bloc.concerns.models import Concern, ConcernPhoto, WorkingGroup
from bloc.core.bylaws import BylawsSettings
from bloc.institutions.services import bylaws_amend
from tests.concerns.conftest import image_bytes, photo

pytestmark = pytest.mark.django_db


def _url(name, *args):  # type: ignore[no-untyped-def]
    return reverse(f"institutions:{name}", args=["maple", *args])


FIELDS = {
    "category": "safety",
    "place": "Corner of Maple and 3rd",
    "description": "The streetlight has been out for a week.",
    "photo_description": "A dark street corner at night",
}


def test_a_resident_reports_with_a_photo_and_the_page_shows_it(client, maple, alice, fiona):
    client.force_login(alice)  # lives in the area; not a member
    form = client.get(_url("concern_report"))
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()

    sent = client.post(
        _url("concern_report"), {**FIELDS, "photos": [photo(image_bytes((640, 480)))]}
    )
    concern = Concern.objects.get()
    # Alice may not see members-only records: she is thanked on the institution's page.
    assert sent.status_code == 302 and sent.url == reverse("institutions:detail", args=["maple"])
    assert concern.reported_by == alice and concern.photos.count() == 1

    client.force_login(fiona)
    page = client.get(_url("concern_detail", concern.pk)).content.decode()
    shot = concern.photos.get()
    assert _url("concern_photo", concern.pk, shot.pk) in page
    assert 'alt="A dark street corner at night"' in page
    assert "Alice Walker" in page and "Me too: this affects me as well" in page

    image = client.get(_url("concern_photo", concern.pk, shot.pk))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in image["Cache-Control"]
    assert Image.open(io.BytesIO(image.content)).size == (640, 480)

    client.force_login(alice)
    assert client.get(_url("concern_photo", concern.pk, shot.pk)).status_code == 403
    assert client.get(_url("concern_detail", concern.pk)).status_code == 403
    assert client.get(_url("concern_photo", concern.pk, shot.pk + 99)).status_code == 403


def test_bad_input_is_refused_with_422_and_writes_nothing(client, maple, alice, bob):
    client.force_login(alice)
    before = AuditEvent.objects.count()
    cases = [
        {**FIELDS, "photos": [photo(b"just some words", "street.jpg")]},
        {**FIELDS, "photos": [photo(image_bytes() + b"\0" * (5 * 1024 * 1024 + 1))]},
        {**FIELDS, "photos": [photo(image_bytes()) for _ in range(5)]},
        {**FIELDS, "place": ""},
        {**FIELDS, "category": "gossip"},
    ]
    for data in cases:
        response = client.post(_url("concern_report"), data)
        assert response.status_code == 422, data
        assert 'role="alert"' in response.content.decode()
    fresh = {**FIELDS, "photos": [photo(b"just some words", "street.jpg")]}
    refused = client.post(_url("concern_report"), fresh).content.decode()
    assert "street.jpg is not a photo bloc can take" in refused
    assert not Concern.objects.exists() and not ConcernPhoto.objects.exists()
    assert AuditEvent.objects.count() == before

    client.force_login(bob)  # no address in the area
    assert client.post(_url("concern_report"), FIELDS).status_code == 403
    client.logout()
    assert client.get(_url("concern_report")).status_code == 302  # to the login page
    assert not Concern.objects.exists()


def test_the_list_filters_and_counts(client, maple, fiona):
    svc.concern_report(
        actor=fiona, institution=maple, category="safety", place="A", description="a"
    )
    svc.concern_report(
        actor=fiona, institution=maple, category="housing", place="B", description="b"
    )
    newest = svc.concern_report(
        actor=fiona, institution=maple, category="safety", place="C", description="c"
    )
    client.force_login(fiona)
    page = client.get(_url("concerns")).content.decode()
    assert "3 concerns in all" in page
    assert page.index("Safety: C") < page.index("Housing: B") < page.index("Safety: A")
    only = client.get(_url("concerns"), {"category": "housing"}).content.decode()
    assert "Housing: B" in only and "Safety: C" not in only
    assert (
        "No concerns match." in client.get(_url("concerns"), {"state": "resolved"}).content.decode()
    )
    assert _url("concern_detail", newest.pk) in page


def test_public_records_open_the_pages_to_everyone(client, maple, fiona):
    concern = svc.concern_report(
        actor=fiona,
        institution=maple,
        category="environment",
        place="Park",
        description="Dumped tyres.",
        photos=[photo(image_bytes())],
    )
    assert client.get(_url("concerns")).status_code == 302  # to log in
    bylaws_amend(
        actor=SYSTEM, institution=maple, text="Public.", rules=BylawsSettings(public_records=True)
    )
    assert client.get(_url("concerns")).status_code == 200
    page = client.get(_url("concern_detail", concern.pk)).content.decode()
    assert "Dumped tyres." in page and "Me too" in page and "Make a draft proposal" not in page
    image = client.get(_url("concern_photo", concern.pk, concern.photos.get().pk))
    assert image.status_code == 200 and image["Cache-Control"].startswith("public")
    assert client.post(_url("concern_me_too", concern.pk)).status_code == 403


def test_the_working_group_moves_a_concern_through_the_page(client, maple, fiona, walter, streets):
    concern = svc.concern_report(
        actor=fiona, institution=maple, category="safety", place="Corner", description="Dark."
    )
    client.force_login(walter)
    assigned = client.post(_url("concern_assign", concern.pk), {"working_group": streets.pk})
    assert assigned.status_code == 302
    update = _url("concern_update", concern.pk)
    assert client.post(update, {"state": "acknowledged", "text": ""}).status_code == 302
    skipped = client.post(update, {"state": "resolved", "text": "done"})
    assert skipped.status_code == 409 and "cannot go from" in skipped.content.decode()
    client.post(update, {"state": "in_progress", "text": "Reported to the city."})
    empty = client.post(update, {"state": "resolved", "text": ""})
    assert empty.status_code == 422 and "Say what was done" in empty.content.decode()
    done = client.post(update, {"state": "resolved", "text": "The lamp is fixed."})
    assert done.status_code == 302
    page = client.get(_url("concern_detail", concern.pk)).content.decode()
    assert page.index("Acknowledged") < page.index("Reported to the city.")
    assert page.index("Reported to the city.") < page.index("The lamp is fixed.")
    concern.refresh_from_db()
    assert concern.state == "resolved"

    # Me too once, then back.
    client.post(_url("concern_me_too", concern.pk))
    again = client.post(_url("concern_me_too", concern.pk), follow=True)
    assert "it counts once" in again.content.decode() and concern.me_toos.count() == 1
    client.post(_url("concern_me_too_withdraw", concern.pk))
    assert concern.me_toos.count() == 0

    raised = client.post(_url("concern_raise", concern.pk))
    concern.refresh_from_db()
    assert raised.status_code == 302 and concern.proposal is not None
    assert raised.url == reverse(
        "institutions:proposal_detail", args=["maple", concern.proposal.pk]
    )
    assert client.post(_url("concern_raise", concern.pk)).status_code == 409


def test_the_working_groups_page(client, maple, fiona, walter, alice):
    client.force_login(walter)
    assert client.post(_url("working_group_create"), {"name": "Parks"}).status_code == 403
    client.force_login(fiona)
    assert client.post(_url("working_group_create"), {"name": ""}).status_code == 422
    made = client.post(_url("working_group_create"), {"name": "Parks", "description": "Trees"})
    assert made.status_code == 302
    group = WorkingGroup.objects.get()
    twice = client.post(_url("working_group_create"), {"name": "parks"})
    assert twice.status_code == 422 and WorkingGroup.objects.count() == 1
    client.force_login(walter)
    client.post(_url("working_group_join", group.pk))
    page = client.get(_url("working_groups")).content.decode()
    assert "Walter Group" in page and "Leave Parks" in page
    client.post(_url("working_group_leave", group.pk))
    assert not group.members.exists()
    client.force_login(alice)
    assert client.post(_url("working_group_join", group.pk)).status_code == 403
