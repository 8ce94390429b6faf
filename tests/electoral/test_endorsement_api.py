"""The endorsement over the JSON API: read where a candidate stands, move them through
the stages, send them to the assemblies, put them to the council, score the rubric,
recall; and the refusals, which write nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.accounts import services
from bloc.audit.models import AuditEvent
from tests.confederation.conftest import FOR, vote_all
from tests.conftest import make_person
from tests.decisions.conftest import close_now
from tests.electoral.test_endorsement_flow import make_candidate, make_cycle, nominate, pledge

pytestmark = pytest.mark.django_db

BASE = "/api/v1/electoral"


@pytest.fixture
def organizer(world):
    from bloc.actors import SYSTEM
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
    return (timezone.now() + datetime.timedelta(days=2)).isoformat()


def test_the_whole_endorsement_over_the_api(client, world, organizer):
    from bloc.confederation.questions import delegate_vote, question_close

    cycle = make_cycle(world, questionnaire=False, nominations_needed=1)
    candidate = make_candidate(cycle, level="state")
    nominate(candidate, world, "a")
    one = f"{BASE}/candidates/{candidate.pk}/endorsement"
    auth = bearer(organizer)

    read = client.get(one)
    assert read.status_code == 200, read.json()
    body = read.json()
    assert body["stage"] == "nomination" and body["next_stage"] == "assembly_votes"
    assert [s["state"] for s in body["stages"]] == ["current", "skipped", "upcoming", "upcoming"]
    assert body["nominated_by"] == ["block-a"] and body["waiting_for"] is None

    moved = post(client, f"{one}/advance", {}, auth)
    assert moved.status_code == 200 and moved.json()["stage"] == "assembly_votes"
    scored = post(client, f"{one}/rubric", {"scores": {"0": 4, "2": 1}}, auth)
    assert scored.status_code == 200, scored.json()
    assert [r["average"] for r in scored.json()["rubric"]] == [4.0, None, 1.0]
    assert scored.json()["rubric_total"] == 5.0

    sent = post(client, f"{one}/send", {"closes_at": soon()}, auth)
    assert sent.status_code == 200, sent.json()
    assemblies = sent.json()["assemblies"]
    assert len(assemblies) == 4 and sent.json()["assemblies_voting"] == 4
    for ballot in candidate.endorsement_ballots.select_related("poll", "institution"):
        vote_all(ballot.poll, world.blocks[ballot.institution.slug[-1]].people, FOR)
        close_now(ballot.poll)
    body = client.get(one).json()
    assert body["stage"] == "chapter_vote" and body["assemblies_for"] == 4

    opened = post(client, f"{one}/chapter-vote", {}, auth)
    assert opened.status_code == 201, opened.json()
    assert opened.json()["council"] == world.city.slug
    from bloc.confederation.models import Question

    question = Question.objects.get(pk=opened.json()["question_id"])
    pledge(candidate, world, 2)
    delegate_vote(actor=world.blocks["a"].people[1], question=question, position="for")
    delegate_vote(actor=world.blocks["c"].people[1], question=question, position="for")
    question_close(actor=organizer, question=question)
    body = client.get(one).json()
    assert body["stage"] == "endorsed" and body["chapter_votes"][0]["passed"] is True
    assert body["chapter_votes"][0]["delegates_for"] == 2

    c = world.blocks["c"]
    recall = post(client, f"{one}/recall",
                  {"institution": c.institution.slug, "reason": "Broke a pledge."},
                  bearer(c.facilitator))  # fmt: skip
    assert recall.status_code == 201, recall.json()
    assert recall.json()["kind"] == "recall" and recall.json()["started_by"] == "block-c"
    listed = client.get(f"{BASE}/endorsements").json()
    assert [e["name"] for e in listed["endorsed"]] == ["Rosa Ortiz"]
    assert listed["recalls"][0]["passed"] is None


def test_refusals_over_the_api_write_nothing(client, world, organizer):
    cycle = make_cycle(world)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    one = f"{BASE}/candidates/{candidate.pk}/endorsement"
    c = world.blocks["c"]
    officer, stranger_auth, auth = (
        bearer(c.facilitator),
        bearer(world.blocks["a"].facilitator),
        bearer(organizer),
    )
    before = AuditEvent.objects.count()  # the tokens above are audited

    stranger = post(client, f"{one}/advance", {}, stranger_auth)
    assert stranger.status_code == 403
    short = post(client, f"{one}/advance", {}, auth)
    assert short.status_code == 409 and short.json()["code"] == "threshold_not_met"
    assert "1 of the 2" in short.json()["message"]
    local = post(client, f"{one}/rubric", {"scores": {"0": 3}}, auth)
    assert local.status_code == 409 and local.json()["code"] == "local_race"
    early = post(client, f"{one}/send", {"closes_at": soon()}, auth)
    assert early.status_code == 409 and early.json()["code"] == "wrong_stage"
    not_yet = post(client, f"{one}/recall", {"institution": c.institution.slug, "reason": "x"},
                   officer)  # fmt: skip
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "not_endorsed"
    assert client.get(f"{BASE}/candidates/999/endorsement").status_code == 404
    anonymous = client.post(f"{one}/advance", {}, content_type="application/json")
    assert anonymous.status_code == 401
    candidate.refresh_from_db()
    assert candidate.stage == "nomination"
    assert AuditEvent.objects.count() == before
