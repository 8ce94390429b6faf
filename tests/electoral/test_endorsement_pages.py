"""The endorsement pages through Django's test client: reading, acting, refusals."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.audit.models import AuditEvent
from tests.confederation.conftest import AGAINST, FOR, vote_all
from tests.conftest import make_person
from tests.decisions.conftest import close_now
from tests.electoral.test_endorsement_flow import make_candidate, make_cycle, nominate, pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(world):
    from bloc.actors import SYSTEM
    from bloc.institutions.services import chapter_organizer_add

    person = make_person("org@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=person)
    return person


def later(days: int = 2) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def url(name: str, candidate) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"electoral:{name}", args=[candidate.pk])


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_anyone_reads_where_a_candidate_stands_and_why(client, world):
    cycle = make_cycle(world)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    response = client.get(url("endorsement", candidate))
    page = text(response)
    assert response.status_code == 200
    assert "Endorsement of Rosa Ortiz" in page
    assert "Nominations from at least 2 assemblies." in page
    assert "1 of the 2 assemblies&#x27; nominations needed" in page
    assert "Pledges signed: 0 of the 2 needed" in page
    assert "Move on to" not in page  # a visitor gets no organizer's form
    assert client.get(reverse("electoral:endorsement", args=[999])).status_code == 404


def test_organizers_move_the_candidate_on_and_send_it_to_the_assemblies(client, world, organizer):
    cycle = make_cycle(world, questionnaire=False)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    client.force_login(organizer)
    refused = client.post(url("endorsement_advance", candidate))
    assert refused.status_code == 409 and "1 of the 2 assemblies" in text(refused)
    nominate(candidate, world, "b")
    moved = client.post(url("endorsement_advance", candidate))
    assert moved.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == "assembly_votes"
    page = text(client.get(url("endorsement", candidate)))
    assert "Send to every assembly" in page

    bad = client.post(url("endorsement_send", candidate), {"send-closes_at": "yesterday"})
    assert bad.status_code == 422 and not candidate.endorsement_ballots.exists()
    sent = client.post(url("endorsement_send", candidate), {"send-closes_at": later()})
    assert sent.status_code == 302
    polls = {b.institution.slug[-1]: b.poll for b in candidate.endorsement_ballots.all()}
    assert set(polls) == {"a", "b", "c", "d"}
    vote_all(polls["a"], world.blocks["a"].people, FOR)
    vote_all(polls["b"], world.blocks["b"].people, AGAINST)
    for key in ("a", "b", "c", "d"):
        close_now(polls[key])
    page = text(client.get(url("endorsement", candidate)))
    assert "1 of the 2 assemblies that decided are for (50%; 50% needed)" in page
    assert reverse("institutions:poll_detail", args=["block-a", polls["a"].pk]) in page
    assert "Put it to the council" in page

    put = client.post(url("endorsement_chapter_vote", candidate), {"chapter-mandates_close_at": ""})
    assert put.status_code == 302
    vote = candidate.chapter_votes.get()
    page = text(client.get(url("endorsement", candidate)))
    assert reverse("councils:question", args=[world.city.slug, vote.question_id]) in page


def test_someone_who_is_not_an_organizer_is_refused_and_nothing_is_written(client, world):
    cycle = make_cycle(world, nominations_needed=1)
    candidate = make_candidate(cycle, level="state")
    nominate(candidate, world, "a")
    before = AuditEvent.objects.count()
    client.force_login(world.blocks["a"].facilitator)
    assert client.post(url("endorsement_advance", candidate)).status_code == 403
    sent = client.post(url("endorsement_rubric", candidate), {"rubric-criterion_0": "5"})
    assert sent.status_code == 403
    candidate.refresh_from_db()
    assert candidate.stage == "nomination" and not candidate.rubric_scores.exists()
    assert AuditEvent.objects.count() == before
    client.logout()
    anonymous = client.post(url("endorsement_advance", candidate))
    assert anonymous.status_code == 302 and "login" in anonymous.url


def test_organizers_score_state_races_on_the_rubric_not_local_ones(client, world, organizer):
    from bloc.actors import SYSTEM
    from bloc.institutions.services import chapter_organizer_add

    cycle = make_cycle(world)
    state = make_candidate(cycle, name="Ana State", level="state")
    local = make_candidate(cycle, name="Lou Local", level="local")
    other = make_person("org2@example.org", "Omar Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=other)
    client.force_login(organizer)
    client.post(url("endorsement_rubric", state),
                {"rubric-criterion_0": "4", "rubric-criterion_1": "2", "rubric-criterion_2": "5"})  # fmt: skip
    client.force_login(other)
    client.post(url("endorsement_rubric", state),
                {"rubric-criterion_0": "5", "rubric-criterion_1": "3"})  # fmt: skip
    page = text(client.get(url("endorsement", state)))
    assert "weighing the campaign's value for spreading the platform's ideas" in page
    assert "4.5" in page and "2.5" in page and "12.0 of 15" in page
    bad = client.post(url("endorsement_rubric", state), {"rubric-criterion_0": "9"})
    assert bad.status_code == 422
    refused = client.post(url("endorsement_rubric", local), {"rubric-criterion_0": "3"})
    assert refused.status_code == 409 and "state and national" in text(refused)
    assert not local.rubric_scores.exists()
    assert "Rubric" not in text(client.get(url("endorsement", local)))


def test_an_assembly_officer_starts_a_recall_from_the_page(client, world, organizer):
    from bloc.confederation.questions import delegate_vote, question_close
    from bloc.electoral.endorsements import candidate_advance, chapter_vote_open

    cycle = make_cycle(world, questionnaire=False, assembly_votes=False, nominations_needed=1)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    candidate = candidate_advance(actor=organizer, candidate=candidate)
    pledge(candidate, world, 2)
    question = chapter_vote_open(actor=organizer, candidate=candidate).question
    delegate_vote(actor=world.blocks["a"].people[1], question=question, position="for")
    delegate_vote(actor=world.blocks["c"].people[1], question=question, position="for")
    question_close(actor=organizer, question=question)

    listing = text(client.get(reverse("electoral:endorsements")))
    assert "Rosa Ortiz" in listing
    member = world.blocks["c"].people[2]  # a member, not an officer
    client.force_login(member)
    assert "Start the recall" not in text(client.get(url("endorsement", candidate)))
    c = world.blocks["c"].institution
    refused = client.post(url("endorsement_recall", candidate),
                          {"recall-institution": c.pk, "recall-reason": "Broke a pledge."})  # fmt: skip
    assert refused.status_code == 403 and not candidate.chapter_votes.filter(kind="recall")

    client.force_login(world.blocks["c"].facilitator)
    assert "Start the recall" in text(client.get(url("endorsement", candidate)))
    empty = client.post(url("endorsement_recall", candidate),
                        {"recall-institution": c.pk, "recall-reason": ""})  # fmt: skip
    assert empty.status_code == 422
    started = client.post(url("endorsement_recall", candidate),
                          {"recall-institution": c.pk, "recall-reason": "Broke a pledge."})  # fmt: skip
    assert started.status_code == 302
    recall = candidate.chapter_votes.get(kind="recall")
    delegate_vote(actor=world.blocks["a"].people[1], question=recall.question, position="for")
    delegate_vote(actor=world.blocks["c"].people[1], question=recall.question, position="for")
    question_close(actor=organizer, question=recall.question)
    page = text(client.get(url("endorsement", candidate)))
    assert "Endorsement recalled" in page and "Broke a pledge." in page
    listing = text(client.get(reverse("electoral:endorsements")))
    assert "Recalled" in listing and "Block C" in listing


def test_the_page_reads_in_a_bounded_number_of_queries(
    client, world, organizer, django_assert_max_num_queries
):
    from bloc.electoral.endorsements import candidate_advance, endorsement_send

    cycle = make_cycle(world, questionnaire=False, nominations_needed=1)
    candidate = make_candidate(cycle, level="national")
    nominate(candidate, world, "a")
    candidate = candidate_advance(actor=organizer, candidate=candidate)
    endorsement_send(actor=organizer, candidate=candidate,
                     closes_at=timezone.now() + datetime.timedelta(days=2))  # fmt: skip
    client.force_login(organizer)
    with django_assert_max_num_queries(40):
        assert client.get(url("endorsement", candidate)).status_code == 200
