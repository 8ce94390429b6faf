# ruff: noqa: F811 - the shared fixtures are imported from test_candidates
"""Cycles, candidates and the questionnaire over the JSON API: organizers set up a
cycle and its questions, an assembly nominates (the secret comes back once), another
seconds, a person applies; the candidate answers by the secret without an account.
Answers are public only from the cycle's time; a secret reaches only its own
candidate; refusals write nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.accounts import services as accounts
from tests.electoral.test_candidates import (  # noqa: F401 - fixtures
    cycle,
    events,
    nominate,
    nominated,
    organizer,
    platform,
)
from tests.electoral.test_questionnaire import other, questions  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

BASE = "/api/v1/electoral"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = accounts.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method, url, body=None, auth=None):  # type: ignore[no-untyped-def]
    call = getattr(client, method)
    return call(url, body or {}, content_type="application/json", **(auth or {}))


def answers_of(candidate):  # type: ignore[no-untyped-def]
    from bloc.electoral.models import Answer

    return {
        a.question_id: (a.text, a.yes, a.scale) for a in Answer.objects.filter(candidate=candidate)
    }


# --- cycles -----------------------------------------------------------------------


def test_an_organizer_sets_up_a_cycle_and_anyone_reads_it(client, world, organizer, platform):
    election = (timezone.localdate() + datetime.timedelta(days=100)).isoformat()
    response = send(client, "post", f"{BASE}/cycles", {
        "chapter": "riverside", "title": "City 2027", "election_date": election,
        "council": "city", "platform": platform.pk, "pledges_needed": 2,
    }, bearer(organizer))  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["council"] == "city" and body["rubric"][0].startswith("Reach")
    cycle_id = body["id"]
    listed = client.get(f"{BASE}/cycles", {"chapter": "riverside"})
    assert [c["id"] for c in listed.json()] == [cycle_id]
    changed = send(client, "patch", f"{BASE}/cycles/{cycle_id}",
                   {"assembly_percent": 75, "rubric": ["Reach"]}, bearer(organizer))  # fmt: skip
    assert changed.status_code == 200, changed.json()
    assert changed.json()["assembly_percent"] == 75 and changed.json()["rubric"] == ["Reach"]
    question = send(client, "post", f"{BASE}/cycles/{cycle_id}/questions",
                    {"text": "Why run?", "kind": "text"}, bearer(organizer))  # fmt: skip
    assert question.status_code == 201
    detail = client.get(f"{BASE}/cycles/{cycle_id}").json()
    assert [q["text"] for q in detail["questions"]] == ["Why run?"]


def test_a_bad_cycle_is_refused_with_the_field_and_nothing_written(client, world, organizer):
    from bloc.electoral.models import Cycle

    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = send(client, "post", f"{BASE}/cycles", {
        "chapter": "riverside", "title": "Old", "election_date": past, "council": "city",
        "pledges_needed": 0,
    }, bearer(organizer))  # fmt: skip
    assert response.status_code == 422 and "election_date" in response.json()["fields"]
    nowhere = send(client, "post", f"{BASE}/cycles", {
        "chapter": "riverside", "title": "X", "election_date": "2099-01-01",
        "council": "atlantis", "pledges_needed": 0,
    }, bearer(organizer))  # fmt: skip
    assert nowhere.status_code == 422 and "council" in nowhere.json()["fields"]
    assert not Cycle.objects.exists()


def test_a_facilitator_cannot_set_up_a_cycle_or_add_questions(client, world, cycle):
    from bloc.electoral.models import Cycle, Question

    auth = bearer(world.blocks["a"].facilitator)
    response = send(client, "post", f"{BASE}/cycles", {
        "chapter": "riverside", "title": "Mine", "election_date": "2099-01-01",
        "council": "city", "pledges_needed": 0,
    }, auth)  # fmt: skip
    assert response.status_code == 403
    added = send(client, "post", f"{BASE}/cycles/{cycle.pk}/questions",
                 {"text": "Q?", "kind": "text"}, auth)  # fmt: skip
    assert added.status_code == 403
    assert Cycle.objects.count() == 1 and not Question.objects.exists()
    assert send(client, "post", f"{BASE}/cycles/{cycle.pk}/questions",
                {"text": "Q?", "kind": "text"}).status_code == 401  # fmt: skip


# --- candidates -------------------------------------------------------------------


def test_an_assembly_nominates_another_seconds_and_the_list_shows_both(client, world, cycle):
    from bloc.electoral.questionnaires import candidate_by_secret

    a, b = world.blocks["a"], world.blocks["b"]
    response = send(client, "post", f"{BASE}/cycles/{cycle.pk}/candidates", {
        "institution": "block-a", "member": a.people[2].pk, "office": "City council",
        "level": "local", "statement": "Our treasurer.",
    }, bearer(a.facilitator))  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert candidate_by_secret(body["secret"]).pk == body["candidate"]["id"]
    assert body["url"].endswith(f"/electoral/answer/{body['secret']}/")
    candidate_id = body["candidate"]["id"]
    second = send(client, "post", f"{BASE}/candidates/{candidate_id}/nominations",
                  {"institution": "block-b", "statement": "Yes."}, bearer(b.facilitator))  # fmt: skip
    assert second.status_code == 201
    again = send(client, "post", f"{BASE}/candidates/{candidate_id}/nominations",
                 {"institution": "block-b"}, bearer(b.facilitator))  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "already_nominated"
    listed = client.get(f"{BASE}/cycles/{cycle.pk}/candidates").json()
    assert [n["institution"] for n in listed[0]["nominations"]] == ["block-a", "block-b"]
    assert "secret" not in listed[0] and "email" not in listed[0]
    assert body["secret"] not in str(client.get(f"{BASE}/candidates/{candidate_id}").json())


def test_a_resident_cannot_nominate_and_nothing_is_written(client, world, cycle):
    from bloc.electoral.models import Candidate

    response = send(client, "post", f"{BASE}/cycles/{cycle.pk}/candidates", {
        "institution": "block-a", "name": "Me", "office": "Mayor", "level": "local",
    }, bearer(world.blocks["a"].people[2]))  # fmt: skip
    assert response.status_code == 403 and not Candidate.objects.exists()


def test_a_person_applies(client, world, cycle):
    person = world.blocks["d"].people[2]
    response = send(client, "post", f"{BASE}/cycles/{cycle.pk}/applications",
                    {"office": "Mayor", "level": "state"}, bearer(person))  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["candidate"]["applied"] and body["candidate"]["name"] == person.full_name
    assert body["candidate"]["nominations"] == []
    bad = send(client, "post", f"{BASE}/cycles/{cycle.pk}/applications",
               {"office": "Mayor", "level": "cosmic"}, bearer(world.blocks["d"].people[3]))  # fmt: skip
    assert bad.status_code == 422


def test_an_organizer_makes_a_new_link(client, organizer, nominated, world):
    candidate, old = nominated
    refused = send(client, "post", f"{BASE}/candidates/{candidate.pk}/link", {},
                   bearer(world.blocks["a"].facilitator))  # fmt: skip
    assert refused.status_code == 403
    response = send(client, "post", f"{BASE}/candidates/{candidate.pk}/link", {}, bearer(organizer))
    assert response.status_code == 201
    assert client.get(f"{BASE}/answer/{old}").status_code == 404
    assert client.get(f"{BASE}/answer/{response.json()['secret']}").status_code == 200


# --- by the secret ----------------------------------------------------------------


def test_the_candidate_answers_signs_and_updates_by_the_secret(
    client, questions, nominated, platform
):
    candidate, secret = nominated
    q = {kind: question.pk for kind, question in questions.items()}
    view = client.get(f"{BASE}/answer/{secret}").json()
    assert [x["id"] for x in view["questions"]] == [q["text"], q["yes_no"], q["scale"]]
    assert len(view["priorities"]) == 3
    response = send(client, "put", f"{BASE}/answer/{secret}/answers", {"answers": [
        {"question": q["text"], "text": "For the block."},
        {"question": q["yes_no"], "yes": False, "text": "Not yet."},
        {"question": q["scale"], "scale": 2},
    ]})  # fmt: skip
    assert response.status_code == 200, response.json()
    assert answers_of(candidate) == {
        q["text"]: ("For the block.", None, None),
        q["yes_no"]: ("Not yet.", False, None),
        q["scale"]: ("", None, 2),
    }
    assert len(client.get(f"{BASE}/answer/{secret}/answers").json()) == 3
    trust = platform.priorities.order_by("pk").first()
    signed = send(client, "post", f"{BASE}/answer/{secret}/pledges",
                  {"priorities": [trust.pk], "signed_name": "Rosa Parks"})  # fmt: skip
    assert signed.status_code == 201 and signed.json()[0]["priority"] == trust.pk
    profile = send(client, "put", f"{BASE}/answer/{secret}/profile",
                   {"profile": "Organizer.", "website": "https://rosa.example.org"})  # fmt: skip
    assert profile.status_code == 200 and profile.json()["profile"] == "Organizer."
    withdrawn = send(client, "post", f"{BASE}/answer/{secret}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["stage"] == "withdrawn"


def test_a_secret_cannot_reach_another_candidates_answers(
    client, world, questions, nominated, other, organizer
):
    from bloc.electoral.candidates import cycle_create
    from bloc.electoral.questionnaires import answer_save, question_add

    rosa, rosa_secret = nominated
    lucy, lucy_secret = other
    q = questions["text"].pk
    answer_save(secret=lucy_secret, answers={q: {"text": "Lucy's own."}})
    url = f"{BASE}/answer/{rosa_secret}/answers"
    # Naming Lucy in the body is refused outright.
    named = send(client, "put", url, {"answers": [{"question": q, "text": "X"}],
                                      "candidate": lucy.pk})  # fmt: skip
    assert named.status_code == 422
    named_in_answer = send(client, "put", url, {"answers": [
        {"question": q, "text": "X", "candidate": lucy.pk}]})  # fmt: skip
    assert named_in_answer.status_code == 422
    # A question of another cycle: refused, and the good answer beside it is not written.
    later = cycle_create(actor=organizer, chapter=world.chapter, title="2028",
                         election_date=timezone.localdate() + datetime.timedelta(days=400),
                         council=world.city, pledges_needed=0)  # fmt: skip
    elsewhere = question_add(actor=organizer, cycle=later, text="Other?", kind="text")
    foreign = send(client, "put", url, {"answers": [
        {"question": q, "text": "Rosa's."}, {"question": elsewhere.pk, "text": "Hijack."}]})  # fmt: skip
    assert foreign.status_code == 422 and foreign.json()["code"] == "foreign_question"
    # Rosa answering the shared question writes Rosa's answer only.
    mine = send(client, "put", url, {"answers": [{"question": q, "text": "Rosa's."}]})
    assert mine.status_code == 200
    assert answers_of(lucy) == {q: ("Lucy's own.", None, None)}
    assert answers_of(rosa) == {q: ("Rosa's.", None, None)}
    assert client.get(f"{BASE}/answer/{rosa_secret}/answers").json() == [
        {"question": q, "text": "Rosa's.", "yes": None, "scale": None}
    ]


def test_bad_answers_write_nothing(client, questions, nominated):
    candidate, secret = nominated
    q = {kind: question.pk for kind, question in questions.items()}
    url = f"{BASE}/answer/{secret}/answers"
    for answers in (
        [{"question": q["text"], "text": "Fine."}, {"question": q["scale"], "scale": 7}],
        [{"question": q["yes_no"]}],
        [{"question": q["text"], "text": "One."}, {"question": q["text"], "text": "Two."}],
        [],
    ):
        response = send(client, "put", url, {"answers": answers})
        assert response.status_code == 422, answers
    assert answers_of(candidate) == {} and not events("candidate.answers")
    assert send(client, "put", f"{BASE}/answer/wrong/answers",
                {"answers": [{"question": q["text"], "text": "Hi"}]}).status_code == 404  # fmt: skip


def test_answers_are_in_the_public_view_only_from_the_public_time(
    client, questions, nominated, cycle
):
    from bloc.electoral.models import Cycle
    from bloc.electoral.questionnaires import answer_save

    candidate, secret = nominated
    answer_save(secret=secret, answers={questions["text"].pk: {"text": "Rent is too high."}})
    before = client.get(f"{BASE}/candidates/{candidate.pk}").json()
    assert before["answers_public"] is False and before["answers"] == []
    assert before["answered"] == 1 and before["questions"] == 3
    Cycle.objects.filter(pk=cycle.pk).update(answers_public_at=timezone.now())
    after = client.get(f"{BASE}/candidates/{candidate.pk}").json()
    assert after["answers_public"] is True
    assert [a["text"] for a in after["answers"]] == ["Rent is too high."]
    late = send(client, "put", f"{BASE}/answer/{secret}/answers",
                {"answers": [{"question": questions["text"].pk, "text": "Changed."}]})  # fmt: skip
    assert late.status_code == 409 and late.json()["code"] == "answers_public"


def test_the_candidates_of_a_cycle_are_read_in_a_bounded_number_of_queries(
    client, world, cycle, django_assert_max_num_queries
):
    from bloc.electoral.candidates import nomination_add

    for n in range(6):
        candidate, _secret = nominate(world, cycle, name=f"Candidate {n}")
        b = world.blocks["b"]
        nomination_add(actor=b.facilitator, candidate=candidate, institution=b.institution)
    with django_assert_max_num_queries(6):
        listed = client.get(f"{BASE}/cycles/{cycle.pk}/candidates")
    assert len(listed.json()) == 6
    assert all(len(c["nominations"]) == 2 for c in listed.json())
    with django_assert_max_num_queries(10):
        assert client.get(f"{BASE}/candidates/{candidate.pk}").status_code == 200
