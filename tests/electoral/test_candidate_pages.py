# ruff: noqa: F811 - the shared fixtures are imported from test_candidates
"""The cycle and candidate pages: organizers set up a cycle and its questions, an
assembly's facilitator nominates (the private link is shown once), another assembly
seconds, a person applies; the candidate answers by the private link without an
account, signs pledges, updates their profile and withdraws. The link's pages send no
referrer, and one candidate's link never reaches another's answers."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
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


def logged_in(client, user):  # type: ignore[no-untyped-def]
    assert client.login(username=user.email, password=PASSWORD)
    return client


def answer_url(secret: str, what: str = "") -> str:
    return f"/electoral/answer/{secret}/{what}"


def answers_of(candidate):  # type: ignore[no-untyped-def]
    from bloc.electoral.models import Answer

    return {
        a.question_id: (a.text, a.yes, a.scale) for a in Answer.objects.filter(candidate=candidate)
    }


# --- cycles -----------------------------------------------------------------------


def test_an_organizer_sets_up_a_cycle_on_the_page(client, world, organizer, platform):
    from bloc.electoral.models import Cycle

    logged_in(client, organizer)
    page = client.get("/electoral/cycles/")
    assert page.status_code == 200 and b"Set up a cycle" in page.content
    form = client.get(f"/electoral/cycles/new/?chapter={world.chapter.slug}")
    assert form.status_code == 200 and b"Reach: how many people" in form.content
    election = timezone.localdate() + datetime.timedelta(days=90)
    response = client.post("/electoral/cycles/new/", {
        "chapter": world.chapter.slug, "title": "City 2027", "election_date": election.isoformat(),
        "council": world.city.pk, "platform": platform.pk, "nominations_needed": 2,
        "questionnaire": "on", "answered_percent": 80, "assembly_votes": "on",
        "assembly_percent": 50, "chapter_percent": 60, "pledges_needed": 2,
        "rubric": "Reach\nMovement\n", "answers_public_at": "",
    })  # fmt: skip
    cycle = Cycle.objects.get()
    assert response.status_code == 302 and response.url == f"/electoral/cycles/{cycle.pk}/"
    assert cycle.rubric == ["Reach", "Movement"] and cycle.answered_percent == 80
    page = client.get(response.url)
    assert b"City 2027" in page.content and b"No candidate yet." in page.content


def test_a_bad_cycle_shows_the_form_again_and_writes_nothing(client, world, organizer, platform):
    from bloc.electoral.models import Cycle

    logged_in(client, organizer)
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post("/electoral/cycles/new/", {
        "chapter": world.chapter.slug, "title": "Old", "election_date": past.isoformat(),
        "council": world.city.pk, "platform": platform.pk, "nominations_needed": 1,
        "answered_percent": 100, "assembly_percent": 50, "chapter_percent": 60,
        "pledges_needed": 1, "rubric": "Reach",
    })  # fmt: skip
    assert response.status_code == 422
    assert b"The election date is in the past." in response.content
    assert not Cycle.objects.exists()


def test_a_resident_cannot_set_up_a_cycle(client, world, organizer):
    logged_in(client, world.blocks["a"].facilitator)
    assert b"Set up a cycle" not in client.get("/electoral/cycles/").content
    assert client.get("/electoral/cycles/new/").status_code == 403


def test_an_organizer_adds_and_removes_questions(client, cycle, organizer, platform):
    from bloc.electoral.models import Question

    logged_in(client, organizer)
    url = f"/electoral/cycles/{cycle.pk}/"
    trust = platform.priorities.order_by("pk").first()
    response = client.post(f"{url}questions/", {"text": "Will you fund the trust?",
                                                "kind": "yes_no", "priority": trust.pk})  # fmt: skip
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.priority == trust and question.kind == "yes_no"
    bad = client.post(f"{url}questions/", {"text": "", "kind": "text"})
    assert bad.status_code == 422 and Question.objects.count() == 1
    client.post(f"{url}questions/{question.pk}/remove/")
    assert not Question.objects.exists()


def test_a_facilitator_cannot_add_questions(client, world, cycle):
    from bloc.electoral.models import Question

    logged_in(client, world.blocks["a"].facilitator)
    url = f"/electoral/cycles/{cycle.pk}/questions/"
    response = client.post(url, {"text": "Mine?", "kind": "text"})
    assert response.status_code == 403 and not Question.objects.exists()
    assert b"Only the chapter&#x27;s organizers can do this." in response.content


# --- nominating, seconding, applying --------------------------------------------------


def test_a_facilitator_nominates_on_the_page_and_sees_the_link_once(client, world, cycle):
    from bloc.electoral.models import Candidate
    from bloc.electoral.questionnaires import candidate_by_secret

    block = world.blocks["a"]
    logged_in(client, block.facilitator)
    url = f"/electoral/cycles/{cycle.pk}/nominate/"
    assert b"Nominate a candidate" in client.get(f"/electoral/cycles/{cycle.pk}/").content
    form = client.get(url)
    assert form.status_code == 200 and block.people[2].full_name.encode() in form.content
    response = client.post(url, {
        "institution": block.institution.pk, "member": block.people[2].pk, "name": "",
        "office": "City council", "district": "3", "level": "local", "profile": "",
        "website": "", "email": "", "statement": "Our treasurer.",
    })  # fmt: skip
    assert response.status_code == 200
    assert (
        response["Referrer-Policy"] == "strict-origin" and "no-store" in response["Cache-Control"]
    )
    link = re.search(rb"/electoral/answer/([\w-]+)/", response.content).group(1).decode()
    candidate = Candidate.objects.get()
    assert candidate_by_secret(link) == candidate and candidate.member == block.people[2]
    # The candidate's public page shows who nominated them, never the link.
    page = client.get(f"/electoral/candidates/{candidate.pk}/")
    assert b"Our treasurer." in page.content and link.encode() not in page.content


def test_a_member_without_a_role_cannot_nominate(client, world, cycle):
    from bloc.electoral.models import Candidate

    logged_in(client, world.blocks["a"].people[2])
    url = f"/electoral/cycles/{cycle.pk}/nominate/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"institution": world.blocks["a"].institution.pk,
                                 "name": "Me", "office": "Mayor", "level": "local"})  # fmt: skip
    assert response.status_code == 403 and not Candidate.objects.exists()


def test_a_bad_nomination_shows_the_message_and_writes_nothing(client, world, cycle):
    from bloc.electoral.models import Candidate

    block = world.blocks["a"]
    logged_in(client, block.facilitator)
    response = client.post(f"/electoral/cycles/{cycle.pk}/nominate/", {
        "institution": block.institution.pk, "name": "Rosa", "office": "Mayor",
        "level": "local", "website": "javascript:alert(1)",
    })  # fmt: skip
    assert response.status_code == 422
    assert b"Give a web address starting with https://." in response.content
    assert not Candidate.objects.exists()


def test_another_assembly_seconds_on_the_candidates_page(client, world, nominated):
    from bloc.electoral.models import Nomination

    candidate, _secret = nominated
    b = world.blocks["b"]
    logged_in(client, b.facilitator)
    url = f"/electoral/candidates/{candidate.pk}/"
    assert b"Second the nomination" in client.get(url).content
    response = client.post(f"{url}second/", {"institution": b.institution.pk,
                                             "statement": "Seconded gladly."})  # fmt: skip
    assert response.status_code == 302
    assert Nomination.objects.filter(candidate=candidate).count() == 2
    again = client.post(f"{url}second/", {"institution": b.institution.pk})
    assert again.status_code == 409 and b"has already nominated" in again.content
    assert Nomination.objects.filter(candidate=candidate).count() == 2


def test_a_resident_cannot_second(client, world, nominated):
    from bloc.electoral.models import Nomination

    candidate, _secret = nominated
    logged_in(client, world.blocks["b"].people[1])
    url = f"/electoral/candidates/{candidate.pk}/"
    assert b"Second the nomination" not in client.get(url).content
    response = client.post(f"{url}second/", {"institution": world.blocks["b"].institution.pk})
    assert response.status_code == 403 and b"Only a facilitator" in response.content
    assert Nomination.objects.count() == 1


def test_a_person_applies_on_the_page(client, world, cycle):
    from bloc.electoral.models import Candidate

    assert client.get(f"/electoral/cycles/{cycle.pk}/apply/").status_code == 302  # log in first
    person = world.blocks["d"].people[4]
    logged_in(client, person)
    response = client.post(f"/electoral/cycles/{cycle.pk}/apply/", {
        "name": person.full_name, "office": "Mayor", "level": "local", "email": person.email,
    })  # fmt: skip
    assert response.status_code == 200 and b"/electoral/answer/" in response.content
    candidate = Candidate.objects.get()
    assert candidate.applied and candidate.member == person


def test_an_organizer_makes_a_new_link_shown_once(client, organizer, nominated):
    from bloc.electoral.questionnaires import candidate_by_secret

    candidate, old = nominated
    logged_in(client, organizer)
    response = client.post(f"/electoral/candidates/{candidate.pk}/link/")
    assert response.status_code == 200 and response["Referrer-Policy"] == "strict-origin"
    new = re.search(rb"/electoral/answer/([\w-]+)/", response.content).group(1).decode()
    assert new != old and candidate_by_secret(new) == candidate
    assert client.get(answer_url(old)).status_code == 404


# --- the private link -------------------------------------------------------------


def test_the_candidate_answers_by_the_link_without_an_account(client, questions, nominated):
    candidate, secret = nominated
    page = client.get(answer_url(secret))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "strict-origin" and "no-store" in page["Cache-Control"]
    assert b'<meta name="referrer" content="strict-origin">' in page.content
    assert b"Why do you run?" in page.content
    q = {kind: question.pk for kind, question in questions.items()}
    response = client.post(answer_url(secret), {
        f"q{q['text']}": "For the block.", f"q{q['yes_no']}": "yes",
        f"q{q['yes_no']}_comment": "In year one.", f"q{q['scale']}": "",
    })  # fmt: skip
    assert response.status_code == 302 and response.url.startswith(answer_url(secret))
    assert response["Referrer-Policy"] == "strict-origin"
    assert answers_of(candidate) == {
        q["text"]: ("For the block.", None, None),
        q["yes_no"]: ("In year one.", True, None),
    }
    page = client.get(answer_url(secret))
    assert b"For the block." in page.content  # shown again to change


def test_posting_another_candidates_question_ids_changes_nothing_of_theirs(
    client, world, questions, nominated, other, organizer
):
    from bloc.electoral.candidates import cycle_create
    from bloc.electoral.questionnaires import answer_save, question_add

    rosa, rosa_secret = nominated
    lucy, lucy_secret = other
    q = questions["text"].pk
    answer_save(secret=lucy_secret, answers={q: {"text": "Lucy's own."}})
    later = cycle_create(actor=organizer, chapter=world.chapter, title="2028",
                         election_date=timezone.localdate() + datetime.timedelta(days=400),
                         council=world.city, pledges_needed=0)  # fmt: skip
    elsewhere = question_add(actor=organizer, cycle=later, text="Other?", kind="text")
    response = client.post(answer_url(rosa_secret), {
        f"q{q}": "Rosa's.", f"q{elsewhere.pk}": "Hijack.", "candidate": lucy.pk,
        "secret": lucy_secret,
    })  # fmt: skip
    assert response.status_code == 302
    assert answers_of(lucy) == {q: ("Lucy's own.", None, None)}
    assert answers_of(rosa) == {q: ("Rosa's.", None, None)}


def test_a_bad_answer_on_the_page_writes_nothing(client, questions, nominated):
    candidate, secret = nominated
    q = {kind: question.pk for kind, question in questions.items()}
    response = client.post(answer_url(secret), {f"q{q['text']}": "Fine.", f"q{q['scale']}": "9"})
    assert response.status_code == 422 and b"Select a valid choice" in response.content
    assert answers_of(candidate) == {}
    nothing = client.post(answer_url(secret), {})
    assert nothing.status_code == 422 and b"Answer at least one question." in nothing.content


def test_a_wrong_link_is_not_found(client, questions):
    assert client.get(answer_url("not-a-real-secret")).status_code == 404
    assert client.post(answer_url("not-a-real-secret"), {}).status_code == 404


def test_the_candidate_signs_pledges_on_the_page(client, nominated, platform):
    from bloc.electoral.models import Pledge

    candidate, secret = nominated
    trust, creek, _police = platform.priorities.order_by("pk")
    wrong = client.post(answer_url(secret, "pledges/"),
                        {"priorities": [trust.pk], "signed_name": "Somebody"})  # fmt: skip
    assert wrong.status_code == 422 and b"Type your name exactly" in wrong.content
    assert not Pledge.objects.exists()
    response = client.post(answer_url(secret, "pledges/"),
                           {"priorities": [trust.pk, creek.pk], "signed_name": "Rosa Parks"})  # fmt: skip
    assert response.status_code == 302
    assert Pledge.objects.filter(candidate=candidate).count() == 2
    public = client.get(f"/electoral/candidates/{candidate.pk}/")
    assert b"Daylight the creek" in public.content and b"signed Rosa Parks" in public.content


def test_the_candidate_updates_their_profile_and_withdraws(client, nominated):
    candidate, secret = nominated
    response = client.post(answer_url(secret, "profile/"),
                           {"profile": "Tenant organizer.", "website": "https://rosa.example.org"})  # fmt: skip
    assert response.status_code == 302
    unconfirmed = client.post(answer_url(secret, "withdraw/"), {})
    assert unconfirmed.status_code == 422
    candidate.refresh_from_db()
    assert candidate.profile == "Tenant organizer." and candidate.stage == "nomination"
    client.post(answer_url(secret, "withdraw/"), {"confirm": "on"})
    candidate.refresh_from_db()
    assert candidate.stage == "withdrawn"
    page = client.get(answer_url(secret))
    assert page.status_code == 200 and b"Save my answers" not in page.content


def test_the_secret_never_reaches_the_audit_log(client, questions, nominated, platform):
    from bloc.audit.models import AuditEvent

    _candidate, secret = nominated
    client.post(answer_url(secret), {f"q{questions['text'].pk}": "Yes."})
    trust = platform.priorities.order_by("pk").first()
    client.post(
        answer_url(secret, "pledges/"), {"priorities": [trust.pk], "signed_name": "Rosa Parks"}
    )
    client.post(answer_url(secret, "profile/"), {"profile": "Hi.", "website": ""})
    client.post(answer_url(secret, "withdraw/"), {"confirm": "on"})
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "candidate.answers",
        "candidate.pledge",
        "candidate.profile",
        "candidate.withdraw",
    } <= actions
    for event in AuditEvent.objects.all():
        assert secret not in f"{event.action} {event.actor} {event.subject} {event.data}"


# --- the public page: answers from the public time --------------------------------


def test_answers_appear_on_the_public_page_only_from_the_public_time(
    client, questions, nominated, cycle
):
    from bloc.electoral.models import Cycle
    from bloc.electoral.questionnaires import answer_save

    candidate, secret = nominated
    answer_save(secret=secret, answers={questions["text"].pk: {"text": "Rent is too high."},
                                        questions["scale"].pk: {"scale": 4}})  # fmt: skip
    url = f"/electoral/candidates/{candidate.pk}/"
    before = client.get(url)
    assert b"Rent is too high." not in before.content
    assert b"The answers become public on" in before.content
    assert b"Questions answered so far: 2 of 3." in before.content
    Cycle.objects.filter(pk=cycle.pk).update(answers_public_at=timezone.now())
    after = client.get(url)
    assert b"Rent is too high." in after.content and b"4 of 5" in after.content
    assert b"rosa@example.org" not in after.content  # the email is never shown


def test_the_cycle_page_groups_candidates_by_office_in_few_queries(
    client, world, cycle, django_assert_max_num_queries
):
    for n in range(6):
        nominate(world, cycle, key="abcd"[n % 4], name=f"Candidate {n}",
                 office="Mayor" if n % 2 else "City council")  # fmt: skip
    with django_assert_max_num_queries(12):
        page = client.get(f"/electoral/cycles/{cycle.pk}/")
    text = page.content.decode()
    assert text.index("City council") < text.index("Candidate 0") < text.index("Mayor")
    assert text.index("Mayor") < text.index("Candidate 1")


def test_the_candidates_page_is_read_in_a_bounded_number_of_queries(
    client, world, questions, nominated, platform, django_assert_max_num_queries
):
    from bloc.electoral.candidates import nomination_add
    from bloc.electoral.questionnaires import answer_save, pledge_sign

    candidate, secret = nominated
    for key in "bcd":
        block = world.blocks[key]
        nomination_add(actor=block.facilitator, candidate=candidate, institution=block.institution)
    answer_save(secret=secret, answers={q.pk: {"text": "A.", "yes": True, "scale": 3}
                                        for q in questions.values()})  # fmt: skip
    pledge_sign(secret=secret, priorities=list(platform.priorities.all()), signed_name="Rosa Parks")
    with django_assert_max_num_queries(14):
        assert client.get(f"/electoral/candidates/{candidate.pk}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(answer_url(secret)).status_code == 200


def test_an_organizer_changes_the_cycle_on_its_page(client, cycle, organizer, world):
    url = f"/electoral/cycles/{cycle.pk}/edit/"
    logged_in(client, world.blocks["a"].facilitator)
    assert client.get(url).status_code == 403
    client.logout()
    logged_in(client, organizer)
    form = client.get(url)
    assert form.status_code == 200 and b"City elections 2027" in form.content
    data = {name: value for name, value in form.context["form"].initial.items()}
    data.update(
        title="City elections 2027 (general)",
        election_date=cycle.election_date.isoformat(),
        answers_public_at=timezone.localtime(cycle.answers_public_at).strftime("%Y-%m-%dT%H:%M"),
        platform=cycle.platform_id,
        questionnaire="on",
        assembly_votes="on",
        chapter_percent=75,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cycle.refresh_from_db()
    assert cycle.title == "City elections 2027 (general)" and cycle.chapter_percent == 75
    (event,) = events("cycle.update")
    assert set(event.data) == {"title", "chapter_percent"}
