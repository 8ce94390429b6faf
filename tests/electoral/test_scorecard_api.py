"""Scorecards over the JSON API: public reads with the score explained, the organizers'
actions, verdicts and the outcome of the election, and the refusals (nothing written)."""

from __future__ import annotations

import pytest

from bloc.accounts import services
from bloc.audit.models import AuditEvent
from bloc.electoral.models import Action, ActionMatch
from tests.electoral import test_scorecards as base
from tests.electoral.test_scorecards import add, days_ago, make_officeholder

pytestmark = pytest.mark.django_db

BASE = "/api/v1/electoral/scorecards"

organizer = base.organizer  # the fixture: an organizer of the chapter


@pytest.fixture
def office(chapter, maple):  # type: ignore[no-untyped-def]
    return make_officeholder(chapter, maple)


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method, url, body, auth):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, body, content_type="application/json", **auth)


def written() -> tuple[int, int, int]:
    return Action.objects.count(), ActionMatch.objects.count(), AuditEvent.objects.count()


def test_anyone_reads_the_list_and_a_scorecard_with_its_explanation(
    client, office, organizer, django_assert_max_num_queries
):
    add(organizer, office, {office.trust: ("kept", "")}, on=days_ago(40))
    add(organizer, office, {office.trust: ("broken", "Sold the lot"), office.police: ("kept", "")},
        on=days_ago(4), title="Sold the lot", source_url="https://news.example.org/lot")  # fmt: skip
    with django_assert_max_num_queries(3):
        rows = client.get(BASE).json()
    assert [(r["name"], r["percent"], r["verdicts"], r["pledge_count"]) for r in rows] == [
        ("Rosa Parks", 67, 3, 2)
    ]
    assert client.get(BASE, {"chapter": "riverside"}).json() == rows
    assert client.get(BASE, {"chapter": "nowhere"}).status_code == 404
    with django_assert_max_num_queries(5):
        response = client.get(f"{BASE}/{office.candidate.pk}")
    assert response.status_code == 200
    card = response.json()
    assert card["score"] == pytest.approx(2 / 3) and card["percent"] == 67
    assert (card["kept"], card["partial"], card["broken"], card["points"]) == (2, 0, 1, 2.0)
    assert "kept 1, partly kept ½, broken 0" in card["explanation"]
    assert "2 ÷ 3 = 67%" in card["explanation"]
    trust = card["pledges"][0]
    assert (trust["priority"], trust["kept"], trust["broken"], trust["latest"]) == (
        "A community land trust",
        1,
        1,
        "broken",
    )
    assert trust["verdicts"][0]["source_url"] == "https://news.example.org/lot"
    newest = card["actions"][0]
    assert newest["title"] == "Sold the lot"
    assert [(v["priority"], v["verdict"], v["points"]) for v in newest["verdicts"]] == [
        ("A community land trust", "broken", 0.0),
        ("A civilian police board", "kept", 1.0),
    ]
    assert [(h["percent"], h["change"]) for h in card["history"]] == [(100, None), (67, -33)]
    assert client.get(f"{BASE}/999999").status_code == 404


def test_an_organizer_enters_an_action_corrects_it_and_judges_it(client, office, organizer):
    auth = bearer(organizer)
    response = send(
        client,
        "post",
        f"{BASE}/{office.candidate.pk}/actions",
        {
            "kind": "vote",
            "title": "Voted for the police budget increase",
            "on": days_ago(3).isoformat(),
            "source_url": "https://council.example.org/votes/5",
            "verdicts": [{"pledge": office.police.pk, "verdict": "broken", "note": "Against it"}],
        },
        auth,
    )
    assert response.status_code == 201, response.json()
    action = response.json()
    assert action["verdicts"] == [
        {
            "pledge_id": office.police.pk,
            "priority": "A civilian police board",
            "verdict": "broken",
            "points": 0.0,
            "note": "Against it",
        }
    ]
    where = f"{BASE}/{office.candidate.pk}/actions/{action['id']}"
    response = send(
        client,
        "put",
        where,
        {
            "kind": "bill",
            "title": "Co-sponsored the police budget increase",
            "on": days_ago(2).isoformat(),
            "source_url": "https://council.example.org/bills/5",
        },
        auth,
    )
    assert response.status_code == 200 and response.json()["kind"] == "bill"
    response = send(
        client,
        "put",
        f"{where}/verdicts/{office.trust.pk}",
        {"verdict": "partial"},
        auth,
    )
    assert [v["verdict"] for v in response.json()["verdicts"]] == ["partial", "broken"]
    response = client.delete(f"{where}/verdicts/{office.police.pk}", **auth)
    assert [v["verdict"] for v in response.json()["verdicts"]] == ["partial"]
    assert client.delete(f"{where}/verdicts/{office.police.pk}", **auth).json()["code"] == (
        "not_matched"
    )
    assert client.get(f"{BASE}/{office.candidate.pk}").json()["percent"] == 50
    response = send(client, "post", f"{where}/remove", {"reason": "Wrong officeholder"}, auth)
    assert response.status_code == 200
    assert response.json()["score"] is None and response.json()["actions"] == []


def test_bad_input_gets_a_clear_message_and_writes_nothing(
    chapter, maple, client, office, organizer
):
    other = make_officeholder(chapter, maple, name="Someone Else")
    auth = bearer(organizer)
    good = {
        "kind": "statement",
        "title": "Said the trust would wait",
        "on": days_ago(3).isoformat(),
        "source_url": "https://news.example.org/said",
    }
    before = written()
    cases = [
        ({"on": "2999-01-01"}, 422, "on"),
        ({"source_url": "ftp://example.org/x"}, 422, "source_url"),
        ({"kind": "tweet"}, 422, "kind"),
        ({"verdicts": [{"pledge": other.trust.pk, "verdict": "kept"}]}, 422, "pledge"),
        ({"verdicts": [{"pledge": 987654, "verdict": "kept"}]}, 422, "verdicts"),
        ({"verdicts": [{"pledge": office.trust.pk, "verdict": "forgotten"}]}, 422, None),
    ]
    for change, status, field in cases:
        response = send(client, "post", f"{BASE}/{office.candidate.pk}/actions", {**good, **change},
                        auth)  # fmt: skip
        assert response.status_code == status, (change, response.json())
        body = response.json()
        assert body["message"]
        if field:
            assert any(key.startswith(field) for key in body["fields"]), body
    assert written() == before
    response = send(client, "post", f"{BASE}/{other.candidate.pk}/actions", good, auth)
    action = response.json()["id"]
    response = send(client, "put",
                    f"{BASE}/{other.candidate.pk}/actions/{action}/verdicts/{office.trust.pk}",
                    {"verdict": "kept"}, auth)  # fmt: skip
    assert response.status_code == 422 and "pledge" in response.json()["fields"]
    # An action is reached through its own officeholder only.
    response = send(client, "put", f"{BASE}/{office.candidate.pk}/actions/{action}/verdicts/"
                    f"{office.trust.pk}", {"verdict": "kept"}, auth)  # fmt: skip
    assert response.status_code == 404
    assert ActionMatch.objects.count() == before[1]


def test_the_outcome_is_recorded_by_organizers_only(client, chapter, maple, organizer, fiona):
    running = make_officeholder(chapter, maple, name="New Member", elected=None)
    where = f"{BASE}/{running.candidate.pk}/outcome"
    body = {"elected": True, "took_office_on": days_ago(100).isoformat()}
    assert send(client, "put", where, body, {}).status_code == 401
    response = send(client, "put", where, body, bearer(fiona))
    assert response.status_code == 403 and response.json()["code"] == "organizers_only"
    running.candidate.refresh_from_db()
    assert running.candidate.elected is None
    response = send(client, "put", where, {"elected": False, "took_office_on": days_ago(9)
                                            .isoformat()}, bearer(organizer))  # fmt: skip
    assert response.status_code == 422 and "took_office_on" in response.json()["fields"]
    response = send(client, "put", where, body, bearer(organizer))
    assert response.status_code == 200, response.json()
    assert response.json()["elected"] is True
    assert response.json()["took_office_on"] == days_ago(100).isoformat()
    assert [r["name"] for r in client.get(BASE).json()] == ["New Member"]


def test_someone_else_cannot_act_on_a_scorecard(client, office, organizer, fiona):
    action = add(organizer, office, {office.trust: ("kept", "")})
    auth = bearer(fiona)
    before = written()
    where = f"{BASE}/{office.candidate.pk}/actions"
    body = {
        "kind": "vote",
        "title": "x",
        "on": days_ago(1).isoformat(),
        "source_url": "https://example.org/",
    }
    responses = [
        send(client, "post", where, body, auth),
        send(client, "put", f"{where}/{action.pk}", body, auth),
        send(client, "post", f"{where}/{action.pk}/remove", {"reason": "no"}, auth),
        send(client, "put", f"{where}/{action.pk}/verdicts/{office.trust.pk}",
             {"verdict": "broken"}, auth),
        client.delete(f"{where}/{action.pk}/verdicts/{office.trust.pk}", **auth),
    ]  # fmt: skip
    assert [r.status_code for r in responses] == [403] * 5
    assert written() == before
