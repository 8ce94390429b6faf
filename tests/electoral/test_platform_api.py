"""The platform over the JSON API: priorities proposed, a platform set up and sent, the
assemblies' rankings and the published result with its explanation, and the refusals."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.accounts import services
from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.electoral.models import Platform, PlatformBallot, Priority
from tests.conftest import make_person
from tests.electoral.test_platform_pages import (
    TRUST,
    published_platform,
    rank_all,
    three_priorities,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/electoral"


@pytest.fixture
def organizer(world):  # type: ignore[no-untyped-def]
    from bloc.institutions.services import chapter_organizer_add

    person = make_person("org@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=person)
    return person


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json", **auth)


def soon() -> str:
    return (timezone.now() + datetime.timedelta(days=3)).isoformat()


def test_an_officer_proposes_priorities_and_anyone_reads_them(client, world):
    officer = bearer(world.blocks["a"].facilitator)
    made = post(client, f"{BASE}/priorities", {"institution": "block-a", "title": TRUST,
                                               "category": "land_trusts",
                                               "description": "Land held in common."}, officer)  # fmt: skip
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["title"], body["category"], body["proposed_by"], body["chapter"]) == (
        TRUST, "land_trusts", "block-a", "riverside")  # fmt: skip
    assert body["category_label"] == "Community land trusts"

    listed = client.get(f"{BASE}/priorities")
    assert listed.status_code == 200 and [p["title"] for p in listed.json()] == [TRUST]
    assert client.get(f"{BASE}/priorities", {"chapter": "riverside"}).json() == listed.json()
    one = client.get(f"{BASE}/priorities/{body['id']}")
    assert one.status_code == 200 and one.json()["description"] == "Land held in common."
    assert client.get(f"{BASE}/priorities/99999").json()["code"] == "not_found"
    assert client.get(f"{BASE}/priorities", {"chapter": "nowhere"}).status_code == 404


def test_bad_or_unauthorised_priorities_are_refused_and_nothing_is_written(client, world):
    officer = bearer(world.blocks["a"].facilitator)
    empty = post(client, f"{BASE}/priorities",
                 {"institution": "block-a", "title": " ", "category": "ecology"}, officer)  # fmt: skip
    assert empty.status_code == 422 and empty.json()["fields"]["title"] == ["Name the priority."]
    odd = post(client, f"{BASE}/priorities",
               {"institution": "block-a", "title": "X", "category": "astrology"}, officer)  # fmt: skip
    assert odd.status_code == 422 and "category" in odd.json()["fields"]
    elsewhere = post(client, f"{BASE}/priorities",
                     {"institution": "block-b", "title": "X", "category": "ecology"}, officer)  # fmt: skip
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "facilitators_only"
    resident = bearer(world.blocks["a"].people[2])
    refused = post(client, f"{BASE}/priorities",
                   {"institution": "block-a", "title": "X", "category": "ecology"}, resident)  # fmt: skip
    assert refused.status_code == 403
    anonymous = client.post(f"{BASE}/priorities", {"institution": "block-a", "title": "X",
                            "category": "ecology"}, "application/json")  # fmt: skip
    assert anonymous.status_code == 401
    nowhere = post(client, f"{BASE}/priorities",
                   {"institution": "nowhere", "title": "X", "category": "ecology"}, officer)  # fmt: skip
    assert nowhere.status_code == 404
    assert not Priority.objects.exists()
    assert not AuditEvent.objects.filter(action="platform.priority").exists()


def test_an_organizer_sets_up_and_sends_a_platform_and_it_is_published(client, world, organizer):
    trust, creek, board = three_priorities(world)
    auth = bearer(organizer)
    made = post(client, f"{BASE}/platforms", {
        "chapter": "riverside", "title": "Platform 2027",
        "priorities": [board.pk, trust.pk, creek.pk], "method": "borda",
        "weighting": "members"}, auth)  # fmt: skip
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["state"], body["method"], body["weighting"]) == ("draft", "borda", "members")
    assert [p["id"] for p in body["priorities"]] == [board.pk, trust.pk, creek.pk]
    assert body["assemblies"] == [] and body["result"] is None and body["closes_at"] is None

    sent = post(client, f"{BASE}/platforms/{body['id']}/send", {"closes_at": soon()}, auth)
    assert sent.status_code == 200, sent.json()
    assert sent.json()["state"] == "ranking"
    assemblies = sent.json()["assemblies"]
    assert [a["institution"] for a in assemblies] == ["block-a", "block-b", "block-c", "block-d"]
    assert {a["status"] for a in assemblies} == {"voting"}
    again = post(client, f"{BASE}/platforms/{body['id']}/send", {"closes_at": soon()}, auth)
    assert again.status_code == 409 and again.json()["code"] == "sent"

    platform = Platform.objects.get()
    # Options in the platform's order: board 0, trust 1, creek 2. a, b, c: trust, creek,
    # board; d: board, creek, trust.
    forward, backward = (3, 1, 2), (1, 3, 2)
    rank_all(world, platform, {"a": forward, "b": forward, "c": forward, "d": backward})
    read = client.get(f"{BASE}/platforms/{platform.pk}")
    assert read.status_code == 200
    out = read.json()
    assert out["state"] == "published" and out["counted"] == 4
    result = out["result"]
    # Weighted by members: trust 2*(4+2+3) = 18, creek 9 + 6 = 15, board 2*6 = 12.
    assert result["ranking"] == [[trust.pk], [creek.pk], [board.pk]]
    assert [(p["place"], p["priorities"], p["points"]) for p in result["places"]] == [
        (1, [trust.pk], 18.0), (2, [creek.pk], 15.0), (3, [board.pk], 12.0)]  # fmt: skip
    assert (result["assemblies"], result["asked"], result["weight"]) == (4, 4, 15)
    assert (result["people"], result["voters"]) == (15, 15)
    assert result["head_to_head"] == [] and result["steps"] == []
    assert any("Borda count" in s for s in result["explanation"])
    d = next(a for a in out["assemblies"] if a["institution"] == "block-d")
    assert d["status"] == "counted" and d["ranking"] == [[board.pk], [creek.pk], [trust.pk]]
    assert (d["electorate"], d["ballots"]) == (6, 6)

    listed = client.get(f"{BASE}/platforms").json()
    assert [(p["id"], p["state"], p["priority_count"]) for p in listed] == [
        (platform.pk, "published", 3)
    ]


def test_the_schulze_result_gives_the_head_to_head_counts(client, world, organizer):
    platform = published_platform(world, organizer)
    ids = list(platform.order)
    result = client.get(f"{BASE}/platforms/{platform.pk}").json()["result"]
    assert result["ranking"] == [[ids[0]], [ids[1]], [ids[2]]]
    pairs = {(p["priority"], p["over"]): p["count"] for p in result["head_to_head"]}
    assert pairs[(ids[0], ids[1])] == 3 and pairs[(ids[1], ids[0])] == 1
    assert len(result["steps"]) == 2 and "3 assemblies ranked it higher" in result["steps"][0]
    assert all(p["points"] is None for p in result["places"])


def test_a_resident_cannot_set_up_or_send_a_platform(client, world, organizer):
    trust, creek, _board = three_priorities(world)
    body = {"chapter": "riverside", "title": "Mine", "priorities": [trust.pk, creek.pk]}
    resident = bearer(world.blocks["a"].facilitator)  # an officer, not an organizer
    refused = post(client, f"{BASE}/platforms", body, resident)
    assert refused.status_code == 403 and refused.json()["code"] == "organizers_only"
    assert client.post(f"{BASE}/platforms", body, "application/json").status_code == 401
    assert not Platform.objects.exists()

    made = post(client, f"{BASE}/platforms", body, bearer(organizer)).json()
    send = post(client, f"{BASE}/platforms/{made['id']}/send", {"closes_at": soon()}, resident)
    assert send.status_code == 403
    assert not PlatformBallot.objects.exists()
    assert not AuditEvent.objects.filter(action="platform.send").exists()


def test_bad_platforms_are_refused_with_the_field_and_nothing_is_written(client, world, organizer):
    trust, creek, _board = three_priorities(world)
    auth = bearer(organizer)
    one = post(client, f"{BASE}/platforms",
               {"chapter": "riverside", "title": "P", "priorities": [trust.pk]}, auth)  # fmt: skip
    assert one.status_code == 422 and "priorities" in one.json()["fields"]
    unknown = post(client, f"{BASE}/platforms",
                   {"chapter": "riverside", "title": "P", "priorities": [trust.pk, 99999]}, auth)  # fmt: skip
    assert unknown.status_code == 422 and "priorities" in unknown.json()["fields"]
    lottery = post(client, f"{BASE}/platforms", {"chapter": "riverside", "title": "P",
                   "priorities": [trust.pk, creek.pk], "method": "lottery"}, auth)  # fmt: skip
    assert lottery.status_code == 422 and "method" in lottery.json()["fields"]
    untitled = post(client, f"{BASE}/platforms",
                    {"chapter": "riverside", "title": "", "priorities": [trust.pk, creek.pk]},
                    auth)  # fmt: skip
    assert untitled.status_code == 422 and "title" in untitled.json()["fields"]
    assert not Platform.objects.exists()

    made = post(client, f"{BASE}/platforms",
                {"chapter": "riverside", "title": "P", "priorities": [trust.pk, creek.pk]}, auth)  # fmt: skip
    pk = made.json()["id"]
    past = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    late = post(client, f"{BASE}/platforms/{pk}/send", {"closes_at": past}, auth)
    assert late.status_code == 422 and "closes_at" in late.json()["fields"]
    stranger = post(client, f"{BASE}/platforms/{pk}/send",
                    {"closes_at": soon(), "institutions": ["block-a", "nowhere"]}, auth)  # fmt: skip
    assert stranger.status_code == 422 and "institutions" in stranger.json()["fields"]
    assert not PlatformBallot.objects.exists()
    assert (
        post(client, f"{BASE}/platforms/99999/send", {"closes_at": soon()}, auth).status_code == 404
    )

    some = post(client, f"{BASE}/platforms/{pk}/send",
                {"closes_at": soon(), "institutions": ["block-b", "block-c"]}, auth)  # fmt: skip
    assert some.status_code == 200
    assert [a["institution"] for a in some.json()["assemblies"]] == ["block-b", "block-c"]


def test_a_platform_reads_in_a_bounded_number_of_queries(
    client, world, organizer, django_assert_max_num_queries
):
    from bloc.institutions.services import institution_create

    for n in range(16):
        institution_create(actor=SYSTEM, chapter=world.chapter, name=f"East {n}",
                           slug=f"east-{n}", kind="block_association",
                           addresses=[f"{n} East Street"])  # fmt: skip
    platform = published_platform(world, organizer)
    with django_assert_max_num_queries(6):
        out = client.get(f"{BASE}/platforms/{platform.pk}").json()
    assert len(out["assemblies"]) == 20
    with django_assert_max_num_queries(4):
        assert len(client.get(f"{BASE}/platforms").json()) == 1
