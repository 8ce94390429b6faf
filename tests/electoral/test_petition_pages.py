"""The petition pages through Django's test client: public progress with its chart and
table, a circulator's sheet, the organizers' signature pages, and the refusals."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.audit.models import AuditEvent
from bloc.electoral.models import Petition, PetitionSheet, PetitionSignature
from tests.conftest import make_person
from tests.electoral.test_petition_services import circulator, days, enter, log, organizer, petition

pytestmark = pytest.mark.django_db

__all__ = ["circulator", "organizer", "petition"]  # fixtures


def url(name: str, *args: object) -> str:
    return reverse(f"electoral:{name}", args=list(args))


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with ``element_id``, tags removed, spaces squeezed."""
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(dd|p|table)>', html, re.S)
    assert match, element_id
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.fixture
def signed(petition, circulator, organizer):
    """Three sheets, 20 signatures handed in; the first two (8) entered and checked:
    6 valid, 1 duplicate, 1 outside."""
    from bloc.electoral.petitions import signatures_check

    first = log(petition, circulator, label="S1", signatures=4, collected_on=days(-5))
    second = log(petition, circulator, label="S2", signatures=4, collected_on=days(-2))
    log(petition, organizer, label="S3", signatures=12, collected_on=days(-2))
    enter(first, organizer, [("Ana Pérez", "1 A Street"), ("Bo Li", "2 A Street"),
                             ("Cy Ray", "3 B Street"), ("Di Fox", "4 B Street")])  # fmt: skip
    enter(second, organizer, [("ANA PEREZ", "1 A St."), ("Ed Moe", "9 C Street"),
                              ("Flo Nu", "5 A Street"), ("Gus Ode", "6 B Street")])  # fmt: skip
    signatures_check(actor=organizer, petition=petition)
    return petition


def test_the_public_page_shows_the_hand_computed_projection(client, signed):
    response = client.get(url("petition_detail", signed.pk))
    assert response.status_code == 200
    html = page(response)
    assert text_of(html, "petition-collected") == "20 on 3 sheets"
    assert text_of(html, "petition-entered") == "8"
    checked = [
        text_of(html, f"petition-{n}") for n in ("checked", "valid", "duplicates", "outside")
    ]
    assert checked == ["8", "6", "1", "1"]
    # Rate 6/8 = 75%. Wilson at 95% (z = 1.96, z² = 3.8415, n = 8): the denominator is
    # 1 + 3.8415/8 = 1.4802; the centre (0.75 + 3.8415/16)/1.4802 = 0.6689; the half
    # width 1.96 × √(0.75 × 0.25/8 + 3.8415/256)/1.4802 = 0.2596: 40.9% to 92.9%.
    assert text_of(html, "petition-rate") == "75.0% (95% interval: 40.9% to 92.9%)"
    # 20 handed in × 0.75 = 15; × 0.4093 = 8.19 → 8; × 0.9285 = 18.57 → 18.
    assert text_of(html, "petition-projected") == "15 (from 8 to 18) of 10 needed"
    assert "projects 15 valid, likely between 8 and 18" in html
    assert "The projection reaches the target, but the low end does not." in html
    assert text_of(html, "petition-deadline").endswith("(30 days left)")
    # The chart: an image with a title and description, and the table of the same figures.
    assert re.search(r'<svg role="img" aria-labelledby="(\S+) (\S+)"', html)
    assert "<title id=" in html and "<desc id=" in html
    five, two = days(-5), days(-2)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", html, re.S)
    figures = [(day.strip(), re.findall(r'class="num">(\d+)<', cells)) for day, cells in rows]
    assert [f for _, f in figures] == [["1", "4", "4", "4"], ["2", "16", "20", "6"]]
    assert len(figures) == 2 and five < two
    # Signers' names stay private.
    for name in ("Ana Pérez", "Bo Li", "1 A Street"):
        assert name not in html


def test_a_resident_cannot_see_the_signers(client, signed, circulator, world):
    for viewer in (circulator, world.blocks["a"].facilitator):
        client.force_login(viewer)
        assert client.get(url("petition_signatures", signed.pk)).status_code == 403
        sheet = PetitionSheet.objects.get(label="S1")
        got = client.get(url("petition_sheet_signatures", signed.pk, sheet.pk))
        assert got.status_code == 403
        assert client.post(url("petition_check", signed.pk)).status_code == 403
    client.logout()
    assert client.get(url("petition_signatures", signed.pk)).status_code == 302


def test_organizers_see_the_signers_and_the_circulators(client, signed, organizer):
    client.force_login(organizer)
    html = page(client.get(url("petition_signatures", signed.pk)))
    assert "Ana Pérez" in html and "9 C Street" in html
    assert "Outside the jurisdiction" in html and "Duplicate" in html
    circulators = re.search(r'id="petition-circulators".*?</table>', html, re.S).group(0)
    names = re.findall(r'<th scope="row">(.*?)</th>', circulators)
    assert names == ["Olga Organizer", "Person C2"]
    assert "<caption" in circulators


def test_organizers_filter_the_signers_by_verdict(client, signed, organizer):
    client.force_login(organizer)
    html = page(client.get(url("petition_signatures", signed.pk), {"verdict": "duplicate"}))
    entries = re.search(r'id="petition-entries".*?</table>', html, re.S).group(0)
    assert re.findall(r'<th scope="row">(.*?)</th>', entries) == ["ANA PEREZ"]
    html = page(client.get(url("petition_signatures", signed.pk), {"verdict": "none"}))
    assert 'id="petition-entries"' not in html and "No signature to show." in html


def test_the_pages_read_in_a_fixed_number_of_queries(
    client, signed, organizer, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        assert client.get(url("petition_detail", signed.pk)).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(url("petition_list")).status_code == 200
    client.force_login(organizer)
    with django_assert_max_num_queries(14):
        assert client.get(url("petition_signatures", signed.pk)).status_code == 200


def test_the_list_is_public(client, signed):
    html = page(client.get(url("petition_list")))
    assert "Recall council member Smith" in html and "<caption" in html
    assert "Start a petition" not in html


def test_a_circulator_hands_in_a_sheet_through_the_form(client, petition, circulator):
    client.force_login(circulator)
    form = page(client.get(url("petition_sheet_new", petition.pk)))
    assert 'name="label"' in form and 'type="date"' in form
    sent = client.post(
        url("petition_sheet_new", petition.pk),
        {"label": "B-7", "signatures": "9", "collected_on": days(-1).isoformat()},
    )
    assert sent.status_code == 302
    sheet = PetitionSheet.objects.get()
    assert (sheet.label, sheet.signatures, sheet.circulator) == ("B-7", 9, circulator)
    mine = page(client.get(url("petition_sheet_new", petition.pk)))
    assert "B-7" in mine and "logged with 9 signatures" in mine


def test_a_bad_sheet_shows_the_reason_and_writes_nothing(client, petition, circulator):
    client.force_login(circulator)
    log(petition, circulator, label="B-7")
    before = (PetitionSheet.objects.count(), AuditEvent.objects.count())
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    for data, message in [
        ({"label": "b-7", "signatures": "3", "collected_on": days(-1).isoformat()},
         "already has a sheet labelled"),
        ({"label": "B-8", "signatures": "3", "collected_on": future}, "cannot be in the future"),
        ({"label": "B-8", "signatures": "0", "collected_on": days(-1).isoformat()}, "greater"),
    ]:  # fmt: skip
        refused = client.post(url("petition_sheet_new", petition.pk), data)
        assert refused.status_code == 422
        assert message in page(refused)
    assert (PetitionSheet.objects.count(), AuditEvent.objects.count()) == before


def test_someone_outside_the_chapter_cannot_hand_in_a_sheet(client, petition):
    client.force_login(make_person("x@example.org", "Xavier Outsider"))
    assert client.get(url("petition_sheet_new", petition.pk)).status_code == 403
    sent = client.post(
        url("petition_sheet_new", petition.pk),
        {"label": "X", "signatures": "3", "collected_on": days(-1).isoformat()},
    )
    assert sent.status_code == 403 and not PetitionSheet.objects.exists()


def test_organizers_enter_a_sheet_line_by_line_and_run_the_check(
    client, petition, circulator, organizer
):
    sheet = log(petition, circulator, label="S1", signatures=2)
    client.force_login(organizer)
    form = page(client.get(url("petition_sheet_signatures", petition.pk, sheet.pk)))
    assert '<label for="id_name_1">Line 1: name</label>' in form
    mismatch = client.post(
        url("petition_sheet_signatures", petition.pk, sheet.pk),
        {"name_1": "Ana Pérez", "address_1": "1 A Street"},
    )
    assert mismatch.status_code == 422
    assert "handed in with 2 signatures but 1 lines" in page(mismatch)
    assert not PetitionSignature.objects.exists()
    sent = client.post(
        url("petition_sheet_signatures", petition.pk, sheet.pk),
        {"name_1": "Ana Pérez", "address_1": "1 A Street",
         "name_2": "Ed Moe", "address_2": "9 C Street"},
    )  # fmt: skip
    assert sent.status_code == 302
    checked = client.post(url("petition_check", petition.pk))
    assert checked.status_code == 302
    assert dict(PetitionSignature.objects.values_list("name", "verdict")) == {
        "Ana Pérez": "valid",
        "Ed Moe": "outside",
    }
    assert "Of 2 signatures checked: valid 1, duplicates 0, outside the jurisdiction 1." in page(
        client.get(checked.url)
    )


def test_organizers_upload_a_csv_and_confirm_a_different_count(
    client, petition, circulator, organizer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = log(petition, circulator, label="S1", signatures=3)
    client.force_login(organizer)
    upload = SimpleUploadedFile(
        "sheet.csv", "name,address\nAna Pérez,1 A Street\nBo Li,2 A Street\n".encode()
    )
    sent = client.post(
        url("petition_sheet_signatures", petition.pk, sheet.pk),
        {"csv": upload, "fix_count": "on"},
    )
    assert sent.status_code == 302
    sheet.refresh_from_db()
    assert sheet.signatures == 2
    assert list(sheet.entries.values_list("name", flat=True)) == ["Ana Pérez", "Bo Li"]


def test_organizers_start_and_change_a_petition(client, world, organizer):
    client.force_login(organizer)
    form = page(client.get(url("petition_new")))
    assert "Block A" in form and 'name="deadline"' in form
    a, b = world.blocks["a"].institution, world.blocks["b"].institution
    sent = client.post(
        url("petition_new"),
        {"chapter": world.chapter.pk, "kind": "initiative", "title": "Rent control",
         "text": "", "jurisdiction": [a.pk, b.pk], "target": "500",
         "deadline": days(40).isoformat()},
    )  # fmt: skip
    petition = Petition.objects.get()
    assert sent.status_code == 302 and sent.url == url("petition_detail", petition.pk)
    changed = client.post(
        url("petition_edit", petition.pk),
        {"title": "Rent control now", "text": "", "jurisdiction": [a.pk], "target": "450",
         "deadline": days(40).isoformat()},
    )  # fmt: skip
    assert changed.status_code == 302
    petition.refresh_from_db()
    assert (petition.title, petition.target) == ("Rent control now", 450)
    assert list(petition.jurisdiction.all()) == [a]


def test_a_resident_cannot_start_a_petition(client, world):
    client.force_login(world.blocks["a"].facilitator)
    assert client.get(url("petition_new")).status_code == 403
    assert client.get(url("petition_list")).status_code == 200
    assert "Start a petition" not in page(client.get(url("petition_list")))
    assert not Petition.objects.exists()
