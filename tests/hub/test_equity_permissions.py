"""Who may see the equity pages, ask questions and enter population figures; bad input
changes nothing."""

from __future__ import annotations

import pytest

from bloc.hub.models import DescriptionCategory, PopulationFigure
from tests.conftest import make_person, member
from tests.hub.equity_helpers import institutions, organizer_of

pytestmark = pytest.mark.django_db

ORGANIZER_PAGES = (
    "/hub/riverside/equity/",
    "/hub/riverside/equity/maple/",
    "/hub/riverside/categories/",
)
ORGANIZER_API = (
    "/api/v1/hub/riverside/equity",
    "/api/v1/hub/riverside/equity/maple",
    "/api/v1/hub/riverside/categories",
)


@pytest.fixture
def resident(maple):  # type: ignore[no-untyped-def]
    person = make_person("rosa@example.org", "Rosa Resident", address="116 Maple Street")
    member(maple, person)
    return person


@pytest.fixture
def oscar(chapter):  # type: ignore[no-untyped-def]
    return organizer_of(chapter)


def test_a_resident_is_refused_the_organizers_pages(client, resident):  # type: ignore[no-untyped-def]
    client.force_login(resident)
    for url in ORGANIZER_PAGES:
        assert client.get(url).status_code == 403, url
    for url in ORGANIZER_API:
        assert client.get(url).status_code == 403, url
    added = client.post(
        "/api/v1/hub/riverside/categories",
        {"question": "Pets?", "options": ["Yes", "No"]},
        content_type="application/json",
    )
    assert added.status_code == 403
    assert (
        client.post(
            "/hub/riverside/categories/", {"name": "Pets?", "options": "Yes\nNo"}
        ).status_code
        == 403
    )
    assert not DescriptionCategory.objects.exists()
    assert client.get("/hub/population/maple/").status_code == 403


def test_a_visitor_is_sent_to_log_in(client, maple):  # type: ignore[no-untyped-def]
    for url in (*ORGANIZER_PAGES, "/hub/population/maple/"):
        page = client.get(url)
        assert page.status_code == 302 and "/login" in page["Location"], url


def test_the_organizer_sees_every_page(client, oscar, maple):  # type: ignore[no-untyped-def]
    client.force_login(oscar)
    for url in (*ORGANIZER_PAGES, "/hub/population/maple/"):
        assert client.get(url).status_code == 200, url
    for url in ORGANIZER_API:
        assert client.get(url).status_code == 200, url


def test_a_facilitator_enters_figures_for_their_institution_only(client, fiona, maple, chapter):  # type: ignore[no-untyped-def]
    (elm,) = institutions(chapter, 1)
    client.force_login(fiona)
    page = client.get("/hub/population/maple/")
    assert page.status_code == 200
    saved = client.post(
        "/hub/population/maple/",
        {
            "dimension": "tenure",
            "tenure-group_renter": "120",
            "tenure-group_owner": "80",
            "tenure-group_other": "",
            "tenure-source": "Census 2020, tract 12",
        },
    )
    assert saved.status_code == 302
    assert {
        (f.group, f.residents, f.source) for f in PopulationFigure.objects.filter(institution=maple)
    } == {("renter", 120, "Census 2020, tract 12"), ("owner", 80, "Census 2020, tract 12")}

    assert client.get(f"/hub/population/{elm.slug}/").status_code == 403
    refused = client.post(
        f"/hub/population/{elm.slug}/", {"dimension": "tenure", "tenure-group_renter": "5"}
    )
    assert refused.status_code == 403
    api = client.put(
        f"/api/v1/hub/population/{elm.slug}",
        {"dimension": "tenure", "figures": {"renter": 5}},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert not PopulationFigure.objects.filter(institution=elm).exists()
    # The facilitator is no organizer: the equity pages stay closed.
    assert client.get("/hub/riverside/equity/").status_code == 403


def test_saving_replaces_a_dimension_and_clearing_removes_it(client, oscar, maple):  # type: ignore[no-untyped-def]
    client.force_login(oscar)
    url = "/api/v1/hub/population/maple"
    first = client.put(
        url,
        {"dimension": "tenure", "figures": {"renter": 10, "owner": 20}, "source": "A"},
        content_type="application/json",
    )
    assert first.status_code == 200, first.json()
    client.put(
        url,
        {"dimension": "age_band", "figures": {"65+": 30}, "source": "B"},
        content_type="application/json",
    )
    client.put(
        url,
        {"dimension": "tenure", "figures": {"renter": 15, "owner": None}, "source": "C"},
        content_type="application/json",
    )
    assert sorted(PopulationFigure.objects.values_list("dimension", "group", "residents")) == [
        ("age_band", "65+", 30),
        ("tenure", "renter", 15),
    ]
    body = client.get(url).json()
    tenure = next(d for d in body["dimensions"] if d["dimension"] == "tenure")
    assert tenure["entered"] is True and tenure["source"] == "C"
    assert {g["group"]: g["residents"] for g in tenure["groups"]} == {
        "renter": 15,
        "owner": None,
        "other": None,
    }
    cleared = client.delete(f"{url}?dimension=tenure")
    assert cleared.status_code == 200
    assert list(PopulationFigure.objects.values_list("dimension", flat=True)) == ["age_band"]
    # And from the page.
    page = client.post(
        "/hub/population/maple/", {"dimension": "age_band", "clear": "1"}, follow=True
    )
    assert page.status_code == 200
    assert not PopulationFigure.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"dimension": "tenure", "figures": {"renter": -1}},
        {"dimension": "tenure", "figures": {"landlord": 5}},
        {"dimension": "tenure", "figures": {}},
        {"dimension": "tenure", "figures": {"renter": None}},
        {"dimension": "shoe_size", "figures": {"42": 5}},
        {"dimension": "tenure", "figures": {"renter": 5}, "source": "x" * 500},
    ],
)
def test_bad_population_figures_change_nothing(client, oscar, maple, body):  # type: ignore[no-untyped-def]
    PopulationFigure.objects.create(
        institution=maple, dimension="tenure", group="owner", residents=7, source="Old"
    )
    client.force_login(oscar)
    bad = client.put("/api/v1/hub/population/maple", body, content_type="application/json")
    assert bad.status_code == 422, bad.json()
    assert list(PopulationFigure.objects.values_list("group", "residents")) == [("owner", 7)]


def test_a_bad_population_form_shows_the_error_and_changes_nothing(client, oscar, maple):  # type: ignore[no-untyped-def]
    client.force_login(oscar)
    page = client.post(
        "/hub/population/maple/",
        {"dimension": "tenure", "tenure-group_renter": "lots", "tenure-group_owner": "-3"},
    )
    assert page.status_code == 422
    assert "field-error" in page.content.decode()
    empty = client.post("/hub/population/maple/", {"dimension": "tenure"})
    assert empty.status_code == 422
    assert "Enter at least one figure" in empty.content.decode()
    assert not PopulationFigure.objects.exists()


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("Pets?", "Yes", "Give between 2 and 12 options"),
        ("Pets?", "Yes\nyes\n", "Each option must be different"),
        ("Pets?", "\n".join(f"Option {i}" for i in range(13)), "Give between 2 and 12 options"),
        ("", "Yes\nNo", "This field is required"),
    ],
)
def test_bad_questions_are_refused_with_a_clear_error(client, oscar, name, options, message):  # type: ignore[no-untyped-def]
    client.force_login(oscar)
    page = client.post("/hub/riverside/categories/", {"name": name, "options": options})
    assert page.status_code == 422
    assert message in page.content.decode()
    api = client.post(
        "/api/v1/hub/riverside/categories",
        {"question": name or " ", "options": options.splitlines()},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert not DescriptionCategory.objects.exists()


def test_add_and_retire_a_question(client, oscar):  # type: ignore[no-untyped-def]
    client.force_login(oscar)
    made = client.post(
        "/hub/riverside/categories/",
        {"name": "Children at home?", "options": "Yes\n\n  No  \n"},
    )
    assert made.status_code == 302
    question = DescriptionCategory.objects.get()
    assert question.options == ["Yes", "No"]
    listed = client.get("/api/v1/hub/riverside/categories").json()
    assert listed[0]["question"] == "Children at home?" and listed[0]["retired_at"] is None
    retired = client.post(f"/api/v1/hub/riverside/categories/{question.pk}/retire")
    assert retired.status_code == 200 and retired.json()["retired_at"]
    again = client.post(f"/api/v1/hub/riverside/categories/{question.pk}/retire")
    assert again.status_code == 409
    page = client.get("/hub/riverside/categories/").content.decode()
    assert "Retired on" in page
