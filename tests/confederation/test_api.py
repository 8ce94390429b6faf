"""Councils over the JSON API: the tree, a question rising from a block to the city and
ratified up the tree, an assembly's votes, a delegate's record, and the refusals."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.accounts import services
from tests.confederation.conftest import AGAINST, FOR
from tests.decisions.conftest import close_now

pytestmark = pytest.mark.django_db

BASE = "/api/v1/councils"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json", **auth)


def soon() -> str:
    return (timezone.now() + datetime.timedelta(days=2)).isoformat()


def test_the_tree_is_public_and_read_in_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/")
    assert response.status_code == 200, response.json()
    rows = response.json()
    assert [r["slug"] for r in rows] == ["city", "northside", "southside"]
    city, north, south = rows
    assert (city["level"], city["rule"], city["parent"], city["depth"]) == (2, "double", None, 0)
    assert (city["members_represented"], city["assemblies"]) == (15, 4)
    assert north["parent"] == "city" and north["depth"] == 1
    assert south["rule"] == "members" and south["quorum_percent"] == 50
    assert [(m["kind"], m["slug"], m["members_represented"]) for m in city["members"]] == [
        ("council", "northside", 6),
        ("council", "southside", 9),
    ]
    assert [
        (m["kind"], m["slug"], m["name"], m["members_represented"]) for m in north["members"]
    ] == [
        ("institution", "block-a", "Block A", 4),
        ("institution", "block-b", "Block B", 2),
    ]
    by_chapter = client.get(f"{BASE}/", {"chapter": "riverside"})
    assert by_chapter.json() == rows
    assert client.get(f"{BASE}/", {"chapter": "nowhere"}).status_code == 404

    one = client.get(f"{BASE}/northside")
    assert one.status_code == 200
    detail = one.json()
    assert [(d["name"], d["member"]["slug"]) for d in detail["delegates"]] == [
        ("Person A1", "block-a"),
        ("Person B1", "block-b"),
    ]
    assert detail["questions"] == []
    assert client.get(f"{BASE}/nowhere").json()["code"] == "not_found"


def test_more_assemblies_do_not_mean_more_queries(client, world, django_assert_max_num_queries):
    from bloc.actors import SYSTEM
    from bloc.confederation.councils import council_create, seat_add
    from bloc.institutions.services import institution_create

    east = council_create(actor=SYSTEM, chapter=world.chapter, name="Eastside", level=1)
    for n in range(12):
        block = institution_create(
            actor=SYSTEM,
            chapter=world.chapter,
            name=f"East {n}",
            slug=f"east-{n}",
            kind="block_association",
            addresses=[f"{n} East Street"],
        )
        seat_add(actor=SYSTEM, council=east, member=block)
    with django_assert_max_num_queries(8):
        rows = client.get(f"{BASE}/").json()
    assert len(next(r for r in rows if r["slug"] == "eastside")["members"]) == 12
    with django_assert_max_num_queries(12):
        assert client.get(f"{BASE}/eastside").status_code == 200


def test_set_up_a_council(client, world):
    organizer_less = world.blocks["a"].facilitator  # a facilitator in the chapter may
    made = post(
        client,
        f"{BASE}/",
        {"chapter": "riverside", "name": "Riverside Region", "level": 3, "rule": "members"},
        bearer(organizer_less),
    )
    assert made.status_code == 201, made.json()
    assert made.json()["slug"] == "riverside-region" and made.json()["members"] == []
    member_only = world.blocks["a"].people[3]
    refused = post(
        client, f"{BASE}/", {"chapter": "riverside", "name": "Mine"}, bearer(member_only)
    )
    assert refused.status_code == 403 and refused.json()["code"] == "facilitators_only"
    bad = post(
        client,
        f"{BASE}/",
        {"chapter": "riverside", "name": "Twice", "level": 12, "rule": "lottery"},
        bearer(organizer_less),
    )
    assert bad.status_code == 422 and "rule" in bad.json()["fields"]
    anonymous = client.post(f"{BASE}/", {"chapter": "riverside", "name": "X"}, "application/json")
    assert anonymous.status_code == 401


def _vote_poll(client, slug, poll_id, people, choice):  # type: ignore[no-untyped-def]
    for person in people:
        cast = post(
            client,
            f"/api/v1/institutions/{slug}/polls/{poll_id}/vote",
            {"ballot": choice},
            bearer(person),
        )
        assert cast.status_code == 200, cast.json()


def test_a_question_rises_from_a_block_and_is_ratified_up_the_tree(
    client, world, django_assert_max_num_queries
):
    from bloc.decisions.models import Poll, Proposal

    a, b, c, d = (world.blocks[k] for k in "abcd")
    proposal = Proposal.objects.create(
        institution=a.institution,
        title="A city tenants' fund",
        body="Pool rent strikes.",
        author=a.facilitator,
        rule="majority",
        state="adopted",
    )
    # Block A's facilitator sends its adopted proposal to Northside.
    rose = post(
        client, f"{BASE}/northside/from-proposal", {"proposal": proposal.pk}, bearer(a.facilitator)
    )
    assert rose.status_code == 201, rose.json()
    in_north = rose.json()
    assert (in_north["state"], in_north["origin_proposal_id"]) == ("voting", proposal.pk)
    north_url = f"{BASE}/northside/questions/{in_north['id']}"
    as_a1, as_b1, as_c1 = bearer(a.people[1]), bearer(b.people[1]), bearer(c.people[1])
    for auth in (as_a1, as_b1):
        voted = post(client, f"{north_url}/vote", {"position": "for"}, auth)
        assert voted.status_code == 200, voted.json()
    assert voted.json()["member"]["slug"] == "block-b" and voted.json()["deviated"] is False
    not_a_delegate = post(client, f"{north_url}/vote", {"position": "for"}, as_c1)
    assert not_a_delegate.status_code == 403
    assert not_a_delegate.json()["code"] == "not_a_delegate"
    closed = post(client, f"{north_url}/close", {}, as_a1)
    assert closed.status_code == 200 and closed.json()["state"] == "carried"

    # Sent up to the City: a double majority of the neighborhoods.
    up = post(client, f"{north_url}/send-up", {}, as_a1)
    assert up.status_code == 201, up.json()
    in_city = up.json()
    assert (in_city["council"], in_city["origin_question_id"]) == ("city", in_north["id"])
    city_url = f"{BASE}/city/questions/{in_city['id']}"
    for auth in (as_a1, as_c1):  # a1 sits for Northside, c1 for Southside
        assert post(client, f"{city_url}/vote", {"position": "for"}, auth).status_code == 200
    decided = post(client, f"{city_url}/close", {}, as_a1).json()
    assert decided["state"] == "carried"
    assert decided["decision"]["majority_of_assemblies"] is True
    assert decided["decision"]["majority_of_members"] is True
    assert decided["decision"]["node"] == f"c{world.city.pk}"
    assert {(v["member"]["slug"], v["position"]) for v in decided["votes"]} == {
        ("northside", "for"),
        ("southside", "for"),
    }

    # Bad closing time: refused, nothing sent.
    past = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    bad = post(client, f"{city_url}/ratify", {"closes_at": past}, as_a1)
    assert bad.status_code == 422 and "closes_at" in bad.json()["fields"]
    garbled = post(client, f"{city_url}/ratify", {"closes_at": "next tuesday"}, as_a1)
    assert garbled.status_code == 422 and "closes_at" in garbled.json()["fields"]
    assert client.get(city_url).json()["state"] == "carried"
    assert not Poll.objects.filter(assembly_vote__kind="ratify").exists()

    sent = post(client, f"{city_url}/ratify", {"closes_at": soon()}, as_a1)
    assert sent.status_code == 200, sent.json()
    polls = {v["institution"]: v["poll_id"] for v in sent.json()["assembly_votes"]}
    assert set(polls) == {"block-a", "block-b", "block-c", "block-d"}
    # While the assemblies vote the ratification shows what is counted so far.
    assert sent.json()["state"] == "ratifying"
    assert {r["node"] for r in sent.json()["ratification"]} >= {f"c{world.north.pk}"}

    _vote_poll(client, "block-a", polls["block-a"], a.people, FOR)
    _vote_poll(client, "block-b", polls["block-b"], b.people, FOR)
    _vote_poll(client, "block-c", polls["block-c"], c.people, AGAINST)
    _vote_poll(client, "block-d", polls["block-d"], d.people, FOR)
    for poll in Poll.objects.filter(pk__in=polls.values()):
        close_now(poll)

    with django_assert_max_num_queries(12):
        final = client.get(city_url)  # anyone may read it
    assert final.status_code == 200
    question = final.json()
    assert question["state"] == "ratified" and question["ratified_at"]
    rows = {r["slug"]: r for r in question["ratification"]}
    assert [r["slug"] for r in question["ratification"]] == [
        "city",
        "northside",
        "block-a",
        "block-b",
        "southside",
        "block-c",
        "block-d",
    ]
    city, north, south = rows["city"], rows["northside"], rows["southside"]
    assert (city["position"], city["depth"], city["parent"]) == ("for", 0, None)
    assert city["majority_of_assemblies"] and city["majority_of_members"]
    assert city["weight"] == 15 and city["quorum_met"]
    assert city["counted"] == {f"c{world.north.pk}": "for", f"c{world.south.pk}": "for"}
    assert (north["position"], north["assemblies_for"], north["depth"]) == ("for", 2, 1)
    assert north["parent"] == f"c{world.city.pk}"
    # Southside is weighted: c (3) against, d (6) for.
    assert (south["position"], south["weight_for"], south["weight_against"]) == ("for", 6, 3)
    assert (rows["block-c"]["position"], rows["block-c"]["kind"]) == ("against", "institution")
    assert rows["block-d"]["parent"] == f"c{world.south.pk}" and rows["block-d"]["depth"] == 2

    council = client.get(f"{BASE}/city").json()
    assert [(q["id"], q["state"]) for q in council["questions"]] == [(in_city["id"], "ratified")]


def test_mandates_deviation_and_a_delegate_record(client, world):
    from bloc.decisions.models import Poll

    a, b = world.blocks["a"], world.blocks["b"]
    as_a1 = bearer(a.people[1])
    made = post(
        client,
        f"{BASE}/northside/questions",
        {"title": "Close Elm Street on Sundays", "mandates_close_at": soon()},
        as_a1,
    )
    assert made.status_code == 201, made.json()
    question = made.json()
    assert question["state"] == "mandating" and question["mandates"] == []
    url = f"{BASE}/northside/questions/{question['id']}"
    polls = {v["institution"]: v["poll_id"] for v in question["assembly_votes"]}
    early = post(client, f"{url}/open-voting", {}, as_a1)
    assert early.status_code == 409 and early.json()["code"] == "mandates_open"
    _vote_poll(client, "block-a", polls["block-a"], a.people, FOR)
    _vote_poll(client, "block-b", polls["block-b"], b.people, AGAINST)
    for poll in Poll.objects.filter(pk__in=polls.values()):
        close_now(poll)
    opened = post(client, f"{url}/open-voting", {}, as_a1)
    assert opened.status_code == 200, opened.json()
    mandates = {m["member"]["slug"]: m["position"] for m in opened.json()["mandates"]}
    assert mandates == {"block-a": "for", "block-b": "against"}
    north_result = opened.json()["mandate_results"][0]
    assert north_result["slug"] == "northside" and north_result["assemblies_against"] == 1

    deviant = post(client, f"{url}/vote", {"position": "for"}, bearer(b.people[1]))
    assert deviant.json()["deviated"] is True and deviant.json()["mandate"] == "against"
    bad = post(client, f"{url}/vote", {"position": "maybe"}, as_a1)
    assert bad.status_code == 422 and "position" in bad.json()["fields"]

    record = client.get(f"{BASE}/northside/delegates/{world.delegates['b'].pk}")
    assert record.status_code == 200
    data = record.json()
    assert (data["name"], data["sitting"], data["deviations"]) == ("Person B1", True, 1)
    assert data["votes"][0]["question"] == "Close Elm Street on Sundays"
    assert client.get(f"{BASE}/southside/delegates/{world.delegates['b'].pk}").status_code == 404

    # A member of Block B calls a recall: the vote is open, its poll named.
    recall = post(
        client,
        f"{BASE}/northside/delegates/{world.delegates['b'].pk}/recall",
        {"reason": "Voted against our mandate", "closes_at": soon()},
        bearer(b.facilitator),
    )
    assert recall.status_code == 201, recall.json()
    assert recall.json()["kind"] == "recall" and recall.json()["institution"] == "block-b"
    _vote_poll(client, "block-b", recall.json()["poll_id"], b.people, FOR)
    close_now(Poll.objects.get(pk=recall.json()["poll_id"]))
    after = client.get(f"{BASE}/northside/delegates/{world.delegates['b'].pk}").json()
    assert (after["sitting"], after["end_reason"]) == (False, "recalled")
    assert after["recalls"][0]["result"] == "recalled"


def test_an_assembly_votes_to_leave_join_and_elect(client, world):
    from bloc.decisions.models import Poll

    a = world.blocks["a"]
    as_facilitator = bearer(a.facilitator)
    made = post(
        client,
        f"{BASE}/",
        {"chapter": "riverside", "name": "Eastside", "delegates_per_member": 2},
        as_facilitator,
    )
    assert made.status_code == 201
    same_level = post(
        client,
        f"{BASE}/eastside/join",
        {"institution": "block-a", "closes_at": soon()},
        as_facilitator,
    )
    assert same_level.status_code == 409 and same_level.json()["code"] == "same_level"

    leave = post(
        client,
        f"{BASE}/northside/leave",
        {"institution": "block-a", "closes_at": soon()},
        as_facilitator,
    )
    assert leave.status_code == 201, leave.json()
    _vote_poll(client, "block-a", leave.json()["poll_id"], a.people, FOR)
    close_now(Poll.objects.get(pk=leave.json()["poll_id"]))

    not_facilitator = post(
        client,
        f"{BASE}/eastside/join",
        {"institution": "block-a", "closes_at": soon()},
        bearer(a.people[3]),
    )
    assert not_facilitator.status_code == 403
    past = (timezone.now() - datetime.timedelta(minutes=5)).isoformat()
    too_late = post(
        client,
        f"{BASE}/eastside/join",
        {"institution": "block-a", "closes_at": past},
        as_facilitator,
    )
    assert too_late.status_code == 422 and "closes_at" in too_late.json()["fields"]
    join = post(
        client,
        f"{BASE}/eastside/join",
        {"institution": "block-a", "closes_at": soon()},
        as_facilitator,
    )
    assert join.status_code == 201, join.json()
    _vote_poll(client, "block-a", join.json()["poll_id"], a.people, FOR)
    close_now(Poll.objects.get(pk=join.json()["poll_id"]))
    east = client.get(f"{BASE}/eastside").json()
    assert [m["slug"] for m in east["members"]] == ["block-a"]

    elect = post(
        client,
        f"{BASE}/eastside/elect",
        {
            "institution": "block-a",
            "candidates": [a.people[0].pk, a.people[2].pk],
            "closes_at": soon(),
        },
        as_facilitator,
    )
    assert elect.status_code == 201, elect.json()
    assert elect.json()["candidates"] == [a.people[0].pk, a.people[2].pk]
    outsider = post(
        client,
        f"{BASE}/eastside/elect",
        {
            "institution": "block-a",
            "candidates": [world.blocks["d"].people[2].pk],
            "closes_at": soon(),
        },
        as_facilitator,
    )
    assert outsider.status_code == 409  # an election is already open
    _vote_poll(client, "block-a", elect.json()["poll_id"], a.people, FOR)
    close_now(Poll.objects.get(pk=elect.json()["poll_id"]))
    delegates = client.get(f"{BASE}/eastside").json()["delegates"]
    assert {d["user_id"] for d in delegates} == {a.people[0].pk, a.people[2].pk}


def test_a_recall_by_an_outsider_is_refused_and_nothing_is_written(client, world):
    from bloc.confederation.models import AssemblyVote
    from bloc.decisions.models import Poll

    before = (AssemblyVote.objects.count(), Poll.objects.count())
    outsider = world.blocks["d"].people[2]
    refused = post(
        client,
        f"{BASE}/northside/delegates/{world.delegates['a'].pk}/recall",
        {"reason": "Not ours to say", "closes_at": soon()},
        bearer(outsider),
    )
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "verified_members_only" and "Block A" in body["message"]
    assert (AssemblyVote.objects.count(), Poll.objects.count()) == before
    anonymous = client.post(
        f"{BASE}/northside/delegates/{world.delegates['a'].pk}/recall",
        {"reason": "x", "closes_at": soon()},
        "application/json",
    )
    assert anonymous.status_code == 401


def test_a_cycle_through_a_join_effect_is_refused(client, world):
    from bloc.confederation.models import Question, Seat

    before = (Seat.objects.count(), Question.objects.count())
    as_city_delegate = bearer(world.blocks["a"].people[1])
    cycle = post(
        client,
        f"{BASE}/city/questions",
        {"title": "Join Northside", "effect": {"join": "northside"}},
        as_city_delegate,
    )
    assert cycle.status_code == 409
    assert cycle.json()["code"] == "cycle" and "cycle" in cycle.json()["message"]
    two = post(
        client,
        f"{BASE}/city/questions",
        {"title": "Both", "effect": {"join": "northside", "send": 1}},
        as_city_delegate,
    )
    assert two.status_code == 422 and "effect" in two.json()["fields"]
    unknown = post(
        client,
        f"{BASE}/city/questions",
        {"title": "Join nowhere", "effect": {"join": "nowhere"}},
        as_city_delegate,
    )
    assert unknown.status_code == 422 and "effect.join" in unknown.json()["fields"]
    assert (Seat.objects.count(), Question.objects.count()) == before


def test_only_a_delegate_or_an_organizer_convenes(client, world):
    stranger = world.blocks["d"].people[3]
    refused = post(client, f"{BASE}/city/questions", {"title": "Anything"}, bearer(stranger))
    assert refused.status_code == 403 and refused.json()["code"] == "delegates_only"
    missing = client.get(f"{BASE}/city/questions/999999")
    assert missing.status_code == 404


PLACES = ["Church hall", "Library annex", "Garage on B Street"]


def test_a_ranked_question_is_put_mandated_voted_and_decided(client, world):
    from bloc.decisions.models import Poll
    from bloc.decisions.voting import vote

    a, b = world.blocks["a"], world.blocks["b"]
    as_a1, as_b1 = bearer(a.people[1]), bearer(b.people[1])
    same = post(
        client,
        f"{BASE}/northside/questions",
        {"title": "Where?", "options": ["Park", "park"]},
        as_a1,
    )
    assert same.status_code == 422 and "options" in same.json()["fields"]
    made = post(
        client,
        f"{BASE}/northside/questions",
        {
            "title": "Where should the tool library go?",
            "options": PLACES,
            "mandates_close_at": soon(),
        },
        as_a1,
    )
    assert made.status_code == 201, made.json()
    question = made.json()
    assert question["options"] == PLACES and question["state"] == "mandating"
    assert question["mandate_results"] == [] and question["winner"] is None
    # Nothing ranked yet: every node's ranking so far is null.
    assert [r["ranking"] for r in question["ranked_mandate_results"]] == [None, None, None]
    url = f"{BASE}/northside/questions/{question['id']}"
    polls = {v["institution"]: v["poll_id"] for v in question["assembly_votes"]}
    for person in a.people:  # annex > hall > garage
        vote(
            actor=person, poll=Poll.objects.get(pk=polls["block-a"]), data={"0": 2, "1": 1, "2": 3}
        )
    for person in b.people:  # garage > annex > hall
        vote(
            actor=person, poll=Poll.objects.get(pk=polls["block-b"]), data={"0": 3, "1": 2, "2": 1}
        )
    for poll in Poll.objects.filter(pk__in=polls.values()):
        close_now(poll)

    opened = post(client, f"{url}/open-voting", {}, as_a1)
    assert opened.status_code == 200, opened.json()
    mandates = {m["member"]["slug"]: m for m in opened.json()["mandates"]}
    assert mandates["block-a"]["position"] is None
    assert mandates["block-a"]["ranking"] == {
        "tiers": [[1], [0], [2]],
        "names": [["Library annex"], ["Church hall"], ["Garage on B Street"]],
        "first": "Library annex",
    }
    assert mandates["block-b"]["ranking"]["tiers"] == [[2], [1], [0]]
    north, block_a, block_b = opened.json()["ranked_mandate_results"]
    assert (north["slug"], north["depth"], north["quorum_met"]) == ("northside", 0, True)
    assert north["counted"][world.seats["a"].node]["first"] == "Library annex"
    assert (block_a["slug"], block_a["parent"], block_a["weight"]) == ("block-a", north["node"], 4)
    assert block_b["ranking"]["first"] == "Garage on B Street"

    faithful = post(client, f"{url}/vote", {"ranking": [[1], [0], [2]]}, as_a1)
    assert faithful.status_code == 200, faithful.json()
    assert faithful.json()["deviated"] is False and faithful.json()["position"] == ""
    # Bad rankings: refused with the reason, nothing recorded.
    for bad in ({"ranking": [[0], [0]]}, {"ranking": [[7]]}, {"ranking": []}, {"position": "for"}):
        refused = post(client, f"{url}/vote", bad, as_b1)
        assert refused.status_code == 422 and "ranking" in refused.json()["fields"], bad
    garbled = post(client, f"{url}/vote", {"ranking": "annex first"}, as_b1)
    assert garbled.status_code == 422
    # b's delegate ties the hall and the garage under the annex: against the mandate.
    deviant = post(client, f"{url}/vote", {"ranking": [[1], [0, 2]]}, as_b1)
    assert deviant.status_code == 200, deviant.json()
    cast = deviant.json()
    assert cast["deviated"] is True
    assert cast["ranking"]["names"] == [["Library annex"], ["Church hall", "Garage on B Street"]]
    assert cast["mandate_ranking"]["tiers"] == [[2], [1], [0]]

    closed = post(client, f"{url}/close", {}, as_a1)
    assert closed.status_code == 200, closed.json()
    decided = closed.json()
    assert decided["state"] == "carried" and decided["decision"] is None
    assert decided["winner"] == "Library annex"
    assert decided["ranked_decision"]["ranking"]["tiers"][0] == [1]
    assert decided["ranked_decision"]["node"] == f"c{world.north.pk}"
    assert {v["member"]["slug"]: v["deviated"] for v in decided["votes"]} == {
        "block-a": False,
        "block-b": True,
    }
    record = client.get(f"{BASE}/northside/delegates/{world.delegates['b'].pk}").json()
    assert record["deviations"] == 1 and record["votes"][0]["ranking"]["tiers"] == [[1], [0, 2]]


def test_a_motion_is_voted_with_a_position_not_a_ranking(client, world):
    as_a1 = bearer(world.blocks["a"].people[1])
    made = post(client, f"{BASE}/northside/questions", {"title": "Plant trees"}, as_a1)
    assert made.status_code == 201 and made.json()["options"] == []
    url = f"{BASE}/northside/questions/{made.json()['id']}"
    ranked = post(client, f"{url}/vote", {"ranking": [[0], [1]]}, as_a1)
    assert ranked.status_code == 422 and "position" in ranked.json()["fields"]
    voted = post(client, f"{url}/vote", {"position": "for"}, as_a1)
    assert voted.status_code == 200 and voted.json()["ranking"] is None
