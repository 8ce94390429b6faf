# ruff: noqa: F811 - the shared fixtures are imported from test_campaigns
"""Who sees a campaign's contact data: its managers (every turf) and each canvasser
(their own turfs). A resident, and an organizer without a role in the campaign, get 403
on every page, endpoint and download that shows it; nothing is logged for them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bloc.accounts import services
from tests.electoral.test_campaigns import camp, door, talk  # noqa: F401

pytestmark = pytest.mark.django_db

API = "/api/v1/electoral/campaigns"


def pages(camp):  # type: ignore[no-untyped-def]
    c, first = camp.campaign.pk, camp.turfs[0].pk
    return [
        reverse("electoral:campaign_turf", args=[c, first]),
        reverse("electoral:campaign_walk_sheet", args=[c, first]),
        reverse("electoral:campaign_gotv", args=[c]),
        reverse("electoral:campaign_export_walk_list", args=[c]),
        reverse("electoral:campaign_export_contacts", args=[c]),
        reverse("electoral:campaign_export_gotv", args=[c]),
    ]


def endpoints(camp):  # type: ignore[no-untyped-def]
    c, first = camp.campaign.pk, camp.turfs[0].pk
    return [
        f"{API}/{c}/turfs",
        f"{API}/{c}/turfs/{first}/walk-list",
        f"{API}/{c}/gotv",
        f"{API}/{c}/walk-list.csv",
        f"{API}/{c}/contacts.csv",
        f"{API}/{c}/gotv.csv",
    ]


@pytest.mark.parametrize("who", ["rita", "oscar"])
def test_a_resident_or_an_organizer_without_a_role_sees_no_contact_data(client, camp, who):
    from bloc.audit.models import AuditEvent

    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5, resident="June Secret", note="has a dog")
    person = getattr(camp, who)
    client.force_login(person)
    for url in pages(camp):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"June Secret" not in response.content
    campaign_page = client.get(reverse("electoral:campaign", args=[camp.campaign.pk]))
    assert campaign_page.status_code == 200
    assert b"June Secret" not in campaign_page.content and b"A 1" not in campaign_page.content
    client.logout()
    _token, secret = services.api_token_create(actor=person, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for url in endpoints(camp):
        response = client.get(url, **auth)
        assert response.status_code == 403, url
        assert b"June Secret" not in response.content
    assert not AuditEvent.objects.filter(action="campaign.export").exists()


def test_a_visitor_is_sent_to_log_in_and_the_api_says_401(client, camp):
    for url in pages(camp):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in endpoints(camp):
        assert client.get(url).status_code == 401


def test_a_canvasser_sees_only_their_turfs_and_downloads_nothing(client, camp):
    second = camp.turfs[1]
    talk(camp, second, door(second, 11), 5, resident="Ben's Contact")
    client.force_login(camp.ana)
    c = camp.campaign.pk
    assert client.get(reverse("electoral:campaign_turf", args=[c, second.pk])).status_code == 403
    assert (
        client.get(reverse("electoral:campaign_walk_sheet", args=[c, second.pk])).status_code == 403
    )
    gotv = client.get(reverse("electoral:campaign_gotv", args=[c]))
    assert gotv.status_code == 200 and b"Ben&#x27;s Contact" not in gotv.content
    for name in ("campaign_export_walk_list", "campaign_export_contacts", "campaign_export_gotv"):
        assert client.get(reverse(f"electoral:{name}", args=[c])).status_code == 403
    _token, secret = services.api_token_create(actor=camp.ana, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    walk = client.get(f"{API}/{c}/turfs/{second.pk}/walk-list", **auth)
    assert walk.status_code == 403 and walk.json()["code"] == "not_your_turf"
    assert client.get(f"{API}/{c}/contacts.csv", **auth).json()["code"] == "managers_only"


def test_a_canvasser_cannot_log_on_anothers_turf_from_the_page(client, camp):
    from bloc.electoral.models import Contact

    second = camp.turfs[1]
    address = door(second, 11)
    client.force_login(camp.ana)
    url = reverse("electoral:campaign_contact_log", args=[camp.campaign.pk, second.pk, address.pk])
    response = client.post(url, {f"door-{address.pk}-outcome": "not_home"})
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_the_public_list_and_api_show_no_supporters(client, camp):
    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5)
    [row] = client.get(API).json()
    assert set(row["progress"]) == {"doors", "knocked", "talked"}
    html = client.get(reverse("electoral:campaigns")).content.decode()
    assert "Supporters" not in html
