"""Founding, editing, areas and bylaws of institutions: services, pages and API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bloc.audit.models import AuditEvent
from bloc.core.errors import PermissionDenied, ValidationFailed
from bloc.institutions import selectors, services
from bloc.institutions.models import BylawsVersion, Institution
from bloc.membership.models import Membership, RoleTerm
from tests.conftest import MAPLE_BOUNDARY

pytestmark = pytest.mark.django_db


def test_a_resident_founds_an_institution_and_becomes_its_facilitator(client, alice, chapter):
    client.force_login(alice)
    response = client.post(
        reverse("institutions:create"),
        {
            "chapter": chapter.pk,
            "name": "Elm Court Tenants",
            "kind": "tenants_union",
            "description": "",
            "addresses": "1 Elm Court\n2 Elm Court\n1 elm ct",
        },
    )
    assert response.status_code == 302
    institution = Institution.objects.get(name="Elm Court Tenants")
    assert institution.founded_by == alice
    assert institution.addresses.count() == 2  # "1 elm ct" is "1 Elm Court"
    membership = Membership.objects.get(institution=institution, user=alice)
    assert RoleTerm.objects.get(membership=membership).role == "facilitator"
    assert BylawsVersion.objects.get(institution=institution).number == 1
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"institution.create", "membership.join", "role.assign"} <= set(actions)


def test_bad_geometry_is_refused_with_its_reason_and_nothing_is_written(chapter, alice):
    crossing = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValidationFailed) as refused:
        services.institution_create(
            actor=alice, chapter=chapter, name="Bowtie", kind="assembly", boundary=crossing
        )
    assert "crosses itself" in refused.value.fields["boundary"][0]
    assert not Institution.objects.exists()
    assert not AuditEvent.objects.filter(action="institution.create").exists()


def test_the_area_page_refuses_an_open_ring_and_keeps_the_old_area(client, maple, fiona):
    client.force_login(fiona)
    open_ring = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
    response = client.post(
        reverse("institutions:area", args=["maple"]),
        {"addresses": "1 Other Street", "boundary": json.dumps(open_ring)},
    )
    assert response.status_code == 422
    assert "is not closed" in response.content.decode()
    maple.refresh_from_db()
    assert maple.boundary == MAPLE_BOUNDARY
    assert maple.addresses.count() == 5


def test_a_facilitator_sets_the_area(client, maple, fiona):
    client.force_login(fiona)
    response = client.post(
        reverse("institutions:area", args=["maple"]),
        {"addresses": "110 Maple Street\n112 Maple Street", "boundary": "", "clear_boundary": "on"},
    )
    assert response.status_code == 302
    maple.refresh_from_db()
    assert maple.boundary is None
    assert sorted(maple.addresses.values_list("address", flat=True)) == [
        "110 Maple Street",
        "112 Maple Street",
    ]


def test_only_facilitators_and_organizers_edit(client, maple, alice, fiona):
    client.force_login(alice)
    assert client.get(reverse("institutions:edit", args=["maple"])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.institution_update(actor=alice, institution=maple, name="Mine")
    client.force_login(fiona)
    response = client.post(
        reverse("institutions:edit", args=["maple"]),
        {
            "name": "Maple Street Neighbors",
            "kind": "block_association",
            "description": "All of the 100 block.",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="institution.update").get()
    assert event.data["fields"] == ["description", "name"]
    assert event.actor == f"user:{fiona.pk}"


def test_bylaws_versions_are_all_kept(client, maple, fiona):
    client.force_login(fiona)
    form = {
        "text": "Article 1. Everyone on the block is a member.",
        "note": "Meeting of May 3",
        "open_membership": "on",
        "one_member_one_vote": "on",
        "member_decisions": "on",
        "quorum_percent": "15",
        "term_months": "12",
        "term_limit": "2",
        "recall": "on",
        "vouches_required": "2",
        "vouches_per_month": "3",
        "letter_code_days": "60",
        "min_discussion_hours": "48",
        "who_moves_to_vote": "facilitator",
        "default_rule": "consensus",
        "custom_roles": "garden-keeper",
    }
    assert client.post(reverse("institutions:bylaws", args=["maple"]), form).status_code == 302
    versions = list(selectors.bylaws_history(institution=maple))
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].changed_by == fiona and versions[0].note == "Meeting of May 3"
    rules = selectors.bylaws_settings(institution=maple)
    assert rules.quorum_percent == 15 and rules.recall and rules.custom_roles == ("garden-keeper",)
    assert (rules.min_discussion_hours, rules.who_moves_to_vote, rules.default_rule) == (
        48,
        "facilitator",
        "consensus",
    )
    assert rules.vote_change_allowed is False  # an unticked box
    page = client.get(reverse("institutions:bylaws", args=["maple"])).content.decode()
    assert "Article 1." in page and "Meeting of May 3" in page
    assert "48 hours" in page and "The facilitator" in page
    assert "Consensus (one block stops it)" in page


@pytest.mark.parametrize(
    ("setting", "value"),
    [("who_moves_to_vote", "the mayor"), ("default_rule", "dictatorship"),
     ("min_discussion_hours", 10_000)],
)  # fmt: skip
def test_decision_settings_outside_their_choices_are_refused(maple, fiona, setting, value):
    with pytest.raises(ValidationFailed) as refused:
        services.bylaws_amend(actor=fiona, institution=maple, text="x", rules={setting: value})
    assert setting in refused.value.fields
    assert BylawsVersion.objects.filter(institution=maple).count() == 1


def test_invalid_bylaws_settings_are_refused_whole(maple, fiona):
    with pytest.raises(ValidationFailed) as refused:
        services.bylaws_amend(
            actor=fiona, institution=maple, text="x", rules={"quorum_percent": 300}
        )
    assert "quorum_percent" in refused.value.fields
    assert BylawsVersion.objects.filter(institution=maple).count() == 1


def test_anyone_reads_an_institution_page_and_its_bylaws(client, maple):
    page = client.get(reverse("institutions:detail", args=["maple"])).content.decode()
    assert "Maple Street Block Association" in page and "Log in to join" in page
    assert client.get(reverse("institutions:bylaws", args=["maple"])).status_code == 200
    assert client.get(reverse("institutions:list")).status_code == 200
    assert client.get("/institutions/no-such-place/").status_code == 404


def test_the_api_founds_reads_and_amends(client, alice, chapter):
    from bloc.accounts.services import api_token_create

    _token, secret = api_token_create(actor=alice, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    made = client.post(
        "/api/v1/institutions/",
        {
            "chapter": "riverside",
            "name": "Birch Lane Block",
            "kind": "block_association",
            "addresses": ["1 Birch Lane"],
            "boundary": MAPLE_BOUNDARY,
        },
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201, made.content
    assert made.json()["addresses"] == ["1 Birch Lane"]
    bad = client.put(
        "/api/v1/institutions/birch-lane-block/area",
        {"boundary": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and "boundary" in bad.json()["fields"]
    amended = client.post(
        "/api/v1/institutions/birch-lane-block/bylaws",
        {"text": "v2", "rules": {"term_limit": 2}},
        content_type="application/json",
        **auth,
    )
    assert amended.status_code == 201 and amended.json()["number"] == 2
    history = client.get("/api/v1/institutions/birch-lane-block/bylaws").json()
    assert [v["number"] for v in history] == [2, 1]


def test_bloc_institutions_list(maple):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("institutions", "list", stdout=out)
    assert "maple" in out.getvalue() and "Maple Street Block Association" in out.getvalue()
    out = StringIO()
    call_command("institutions", "list", "--json", stdout=out)
    assert json.loads(out.getvalue())[0]["slug"] == "maple"
