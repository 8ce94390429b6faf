# ruff: noqa: F811 - the shared fixtures are imported from test_campaigns
"""The campaign pages: the public list and page, managing, the canvass page of a turf
(one small form per door, no JavaScript), GOTV, the walk sheet and the downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.electoral.test_campaigns import camp, door, make_event, talk  # noqa: F401

pytestmark = pytest.mark.django_db


def url(name, *args):  # type: ignore[no-untyped-def]
    return reverse(f"electoral:{name}", args=args)


def turf_url(camp, turf):  # type: ignore[no-untyped-def]
    return url("campaign_turf", camp.campaign.pk, turf.pk)


def contact_url(camp, turf, address):  # type: ignore[no-untyped-def]
    return url("campaign_contact_log", camp.campaign.pk, turf.pk, address.pk)


def test_the_public_list_shows_totals_and_no_contact_data(client, camp):
    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5, resident="June Secret")
    response = client.get(url("campaigns"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rosa for council" in html and "June Secret" not in html
    page = client.get(url("campaign", camp.campaign.pk)).content.decode()
    assert "Doors knocked: 1 of 19. Conversations: 1." in page
    assert "June Secret" not in page and "A 1" not in page


def test_an_organizer_starts_a_campaign_from_the_page(client, camp):
    from bloc.electoral.models import Campaign

    client.force_login(camp.oscar)
    form = client.get(url("campaign_create"))
    assert form.status_code == 200 and f'value="c{camp.candidate.pk}"' in form.content.decode()
    response = client.post(
        url("campaign_create"), {"title": "Second push", "subject": f"c{camp.candidate.pk}"}
    )
    campaign = Campaign.objects.get(title="Second push")
    assert response.status_code == 302
    assert response["Location"] == url("campaign_manage", campaign.pk)
    refused = client.post(url("campaign_create"), {"title": "", "subject": f"c{camp.candidate.pk}"})
    assert refused.status_code == 422


def test_a_resident_cannot_start_or_manage_a_campaign(client, camp):
    client.force_login(camp.rita)
    assert client.get(url("campaign_create")).status_code == 403
    assert client.get(url("campaign_manage", camp.campaign.pk)).status_code == 403


def test_managing_roles_turfs_and_canvassers(client, camp):
    from bloc.electoral.models import CampaignRole, Turf

    client.force_login(camp.olga)
    page = client.get(url("campaign_manage", camp.campaign.pk))
    assert page.status_code == 200 and "Canvassers of A 1" in page.content.decode()
    added = client.post(
        url("campaign_role_set", camp.campaign.pk),
        {"role-email": camp.rita.email.upper(), "role-role": "canvasser"},
    )
    assert added.status_code == 302
    assert CampaignRole.objects.get(campaign=camp.campaign, user=camp.rita).role == "canvasser"
    unknown = client.post(
        url("campaign_role_set", camp.campaign.pk),
        {"role-email": "nobody@example.org", "role-role": "canvasser"},
    )
    assert unknown.status_code == 422
    assert "Nobody has an account with this email." in unknown.content.decode()
    made = client.post(
        url("campaign_turf_create", camp.campaign.pk),
        {"turf-institution": "block-b", "turf-name": "B", "turf-addresses": "1 b st\n2 B Street",
         "turf-parts": "1"},
    )  # fmt: skip
    assert made.status_code == 302
    turf = Turf.objects.get(campaign=camp.campaign, name="B")
    assert sorted(a.address for a in turf.addresses.all()) == ["1 B Street", "2 B Street"]
    wrong = client.post(
        url("campaign_turf_create", camp.campaign.pk),
        {"turf-institution": "block-b", "turf-name": "B2", "turf-addresses": "99 Nowhere Road",
         "turf-parts": "1"},
    )  # fmt: skip
    assert wrong.status_code == 422 and "99 Nowhere Road" in wrong.content.decode()
    key = f"turf-{turf.pk}-canvassers"
    saved = client.post(
        url("campaign_turf_canvassers", camp.campaign.pk, turf.pk), {key: [str(camp.rita.pk)]}
    )
    assert saved.status_code == 302 and list(turf.canvassers.all()) == [camp.rita]


def test_a_canvasser_logs_a_contact_on_the_canvass_page(client, camp):
    from bloc.electoral.models import Contact

    first = camp.turfs[0]
    address = door(first, 1)
    client.force_login(camp.ana)
    page = client.get(turf_url(camp, first))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="door"') == 10 and "<script" not in html
    assert f'action="{contact_url(camp, first, address)}"' in html
    response = client.post(
        contact_url(camp, first, address),
        {f"door-{address.pk}-outcome": "talked", f"door-{address.pk}-resident": "June",
         f"door-{address.pk}-support": "5", f"door-{address.pk}-issues": ["ecology"],
         f"door-{address.pk}-follow_up": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == turf_url(camp, first) + f"#door-{address.pk}"
    contact = Contact.objects.get()
    assert (contact.canvasser, contact.support, contact.issues, contact.follow_up) == (
        camp.ana, 5, ["ecology"], True)  # fmt: skip
    after = client.get(turf_url(camp, first)).content.decode()
    assert "Doors knocked: 1 of 10. Talked: 1. Supporters: 1. Not yet voted: 1." in after
    assert "Mark as voted" in after


def test_support_7_is_refused_on_the_page_and_nothing_is_written(client, camp):
    from bloc.electoral.models import Contact

    first = camp.turfs[0]
    address = door(first, 1)
    client.force_login(camp.ana)
    response = client.post(
        contact_url(camp, first, address),
        {f"door-{address.pk}-outcome": "talked", f"door-{address.pk}-support": "7"},
    )
    assert response.status_code == 422
    assert "Not saved: 1 A Street." in response.content.decode()
    refused = client.post(
        contact_url(camp, first, address),
        {f"door-{address.pk}-outcome": "not_home", f"door-{address.pk}-support": "3"},
    )
    assert refused.status_code == 422
    assert "Give a support level only when you talked with someone." in refused.content.decode()
    assert not Contact.objects.exists()


def test_a_door_of_another_turf_is_not_found_on_this_one(client, camp):
    from bloc.electoral.models import Contact

    first, second = camp.turfs
    other = door(second, 11)
    client.force_login(camp.ana)
    response = client.post(
        contact_url(camp, first, other), {f"door-{other.pk}-outcome": "not_home"}
    )
    assert response.status_code == 422
    assert "11 A Street is not on the turf “A 1”." in response.content.decode()
    assert not Contact.objects.exists()


def test_the_campaign_page_shows_roles_their_turfs_and_progress(client, camp):
    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 4)
    client.force_login(camp.ben)
    html = client.get(url("campaign", camp.campaign.pk)).content.decode()
    assert "Your turfs" in html and ">A 2<" in html and ">A 1<" not in html
    assert "contacts.csv" not in html
    client.force_login(camp.mia)
    html = client.get(url("campaign", camp.campaign.pk)).content.decode()
    assert "Progress by block" in html and ">A 1<" in html and ">A 2<" in html
    assert "contacts.csv" in html and "<caption>Block A</caption>" in html


def test_gotv_page_marks_a_supporter_as_voted(client, camp):
    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5, resident="June")
    client.force_login(camp.ana)
    page = client.get(url("campaign_gotv", camp.campaign.pk)).content.decode()
    assert "1 supporter not yet voted" in page and "June" in page
    response = client.post(
        url("campaign_mark_voted", camp.campaign.pk, first.pk, door(first, 1).pk),
        {"next": "gotv"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("campaign_gotv", camp.campaign.pk)
    assert "June" not in client.get(url("campaign_gotv", camp.campaign.pk)).content.decode()


def test_shifts_offered_and_signed_up_for_from_the_campaign_page(client, camp):
    event, shift = make_event(camp.world)
    client.force_login(camp.world.blocks["b"].facilitator)
    page = client.get(url("campaign", camp.campaign.pk)).content.decode()
    assert "Offer one of your events" in page
    offered = client.post(url("campaign_shifts_offer", camp.campaign.pk), {"event": event.pk})
    assert offered.status_code == 302 and list(camp.campaign.events.all()) == [event]
    client.force_login(camp.rita)
    page = client.get(url("campaign", camp.campaign.pk)).content.decode()
    assert "Canvass day" in page and "Morning doors" in page
    signed = client.post(url("campaign_shift_sign_up", camp.campaign.pk, shift.pk))
    assert signed.status_code == 302 and shift.signups.filter(user=camp.rita).exists()
    client.force_login(camp.ana)  # not a member of Block B
    refused = client.post(url("campaign_shift_sign_up", camp.campaign.pk, shift.pk))
    assert refused.status_code == 403


def test_the_walk_sheet_is_a_pdf_and_is_logged(client, camp):
    from bloc.audit.models import AuditEvent

    first = camp.turfs[0]
    client.force_login(camp.ana)
    response = client.get(url("campaign_walk_sheet", camp.campaign.pk, first.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="campaign.export")
    assert (event.data["what"], event.data["rows"], event.data["turf"]) == (
        "walk_sheet",
        10,
        first.pk,
    )


def test_the_csv_downloads_for_a_manager_are_logged(client, camp):
    from bloc.audit.models import AuditEvent

    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5, resident="June")
    client.force_login(camp.mia)
    for name, query, rows in (
        ("campaign_export_walk_list", f"?turf={first.pk}", 10),
        ("campaign_export_walk_list", "", 19),
        ("campaign_export_contacts", "", 1),
        ("campaign_export_gotv", "", 1),
    ):
        response = client.get(url(name, camp.campaign.pk) + query)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment;")
        assert len(response.content.decode().strip().splitlines()) == rows + 1
    logged = AuditEvent.objects.filter(action="campaign.export").order_by("seq")
    assert [e.data["what"] for e in logged] == ["walk_list", "walk_list", "contacts", "gotv"]


def test_the_canvass_page_can_list_only_the_doors_still_to_do(client, camp):
    from bloc.electoral.campaigns import contact_log

    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5)
    talk(camp, first, door(first, 2), 3, follow_up=True)
    contact_log(actor=camp.ana, turf=first, address=door(first, 3), outcome="not_home")
    client.force_login(camp.ana)
    page = client.get(turf_url(camp, first), {"show": "todo"}).content.decode()
    assert page.count('class="door"') == 8  # 2 (follow up) and 4 to 10
    assert ">1 A Street<" not in page and ">2 A Street<" in page
    assert "Doors knocked: 3 of 10." in page
    address = door(first, 4)
    response = client.post(
        contact_url(camp, first, address),
        {f"door-{address.pk}-outcome": "refused", "show": "todo"},
    )
    assert response["Location"] == turf_url(camp, first) + f"?show=todo#door-{address.pk}"
