"""Surveys and door-to-door needs over the JSON API."""

from __future__ import annotations

import pytest

from bloc.accounts import services
from bloc.institutions.models import AreaAddress
from bloc.listening.models import NeedsConversation, SurveyAnswer, SurveyResponse

pytestmark = pytest.mark.django_db

BASE = "/api/v1/listening/maple"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth=None):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json", **(auth or {}))


def test_build_answer_and_read_results(client, maple, fiona, resident, bob):  # type: ignore[no-untyped-def]
    as_fiona, as_resident = bearer(fiona), bearer(resident)
    made = post(client, f"{BASE}/surveys", {"title": "Spring"}, as_fiona)
    assert made.status_code == 201, made.json()
    survey = made.json()
    assert survey["link_secret"] == "" and survey["questions"] == []
    one = f"{BASE}/surveys/{survey['id']}"

    refused = post(client, f"{BASE}/surveys", {"title": "Mine"}, as_resident)
    assert refused.status_code == 403

    q = post(
        client,
        f"{one}/questions",
        {
            "kind": "single",
            "text_en": "Which first?",
            "text_es": "¿Cuál primero?",
            "required": True,
            "options": [{"en": "Rent", "es": "Alquiler"}, {"en": "Repairs"}],
        },
        as_fiona,
    )
    assert q.status_code == 201, q.json()
    question = q.json()
    assert question["options"] == ["Rent", "Repairs"]
    scale = post(client, f"{one}/questions", {"kind": "scale", "text_en": "Safe?"}, as_fiona)
    assert scale.status_code == 201

    spanish = client.get(one, HTTP_ACCEPT_LANGUAGE="es", **as_resident).json()
    assert spanish["questions"][0]["text"] in ("¿Cuál primero?", "Which first?")

    bad = post(client, f"{one}/responses", {"answers": {str(question["id"]): 5}}, as_resident)
    assert bad.status_code == 422
    assert SurveyResponse.objects.count() == 0

    ok = post(
        client,
        f"{one}/responses",
        {"answers": {str(question["id"]): 1, str(scale.json()["id"]): 4}},
        as_resident,
    )
    assert ok.status_code == 201, ok.json()
    again = post(client, f"{one}/responses", {"answers": {str(question["id"]): 0}}, as_resident)
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    assert SurveyAnswer.objects.count() == 2

    assert client.get(f"{one}/results", **as_resident).status_code == 403
    results = client.get(f"{one}/results", **as_fiona).json()
    assert results["responses"] == 1
    assert results["questions"][0]["rows"] == [
        {"label": "Rent", "count": 0},
        {"label": "Repairs", "count": 1},
    ]
    assert results["questions"][1]["mean"] == 4

    assert post(client, f"{one}/responses", {"answers": {}}, bearer(bob)).status_code == 403


def test_a_public_survey_by_its_link(client, maple, fiona):  # type: ignore[no-untyped-def]
    as_fiona = bearer(fiona)
    made = post(client, f"{BASE}/surveys", {"title": "All", "audience": "public"}, as_fiona).json()
    secret = made["link_secret"]
    assert secret
    q = post(
        client,
        f"{BASE}/surveys/{made['id']}/questions",
        {"kind": "text", "text_en": "Ideas?", "required": True},
        as_fiona,
    ).json()
    link = f"/api/v1/listening/public-surveys/{secret}"
    assert client.get(link).json()["questions"][0]["text"] == "Ideas?"
    body = {"answers": {str(q["id"]): "A garden"}, "respondent_token": "t" * 20}
    assert post(client, f"{link}/responses", body).status_code == 201
    assert post(client, f"{link}/responses", body).status_code == 409
    assert post(client, "/api/v1/listening/public-surveys/wrong/responses", body).status_code == 404
    assert SurveyResponse.objects.get().member_id is None


def test_record_list_and_roll_up_needs(client, maple, fiona, canvasser, resident):  # type: ignore[no-untyped-def]
    address = AreaAddress.objects.get(institution=maple, address="112 Maple Street")
    body = {
        "categories": ["housing", "health"],
        "need": "Mould in the bathroom.",
        "address_id": address.pk,
        "follow_up": True,
        "consent": True,
        "contact_name": "Marta",
        "contact_phone": "555-0100",
    }
    made = post(client, f"{BASE}/needs", body, bearer(canvasser))
    assert made.status_code == 201, made.json()
    assert made.json()["contact_name"] is None  # a canvasser is no officer
    bad = post(client, f"{BASE}/needs", {**body, "categories": ["gossip"]}, bearer(canvasser))
    assert bad.status_code == 422
    refused = post(client, f"{BASE}/needs", body, bearer(resident))
    assert refused.status_code == 403
    assert NeedsConversation.objects.count() == 1

    seen = client.get(f"{BASE}/needs", **bearer(resident)).json()
    assert seen[0]["need"] == "Mould in the bathroom."
    assert seen[0]["contact_name"] is None and seen[0]["contact_phone"] is None
    officer = client.get(f"{BASE}/needs", **bearer(fiona)).json()
    assert officer[0]["contact_name"] == "Marta"

    rollup = client.get(f"{BASE}/needs/rollup", **bearer(resident)).json()
    assert rollup["conversations"] == 1
    assert rollup["rows"][0]["where"] == "112 Maple Street"
    assert rollup["rows"][0]["counts"]["housing"] == 1
    assert client.get(f"{BASE}/needs/rollup").status_code == 401
