# ruff: noqa: F811 - the shared fixtures are imported from test_candidates
"""The questionnaire by the candidate's private link: organizers write the questions,
the candidate answers (free text, yes/no, 1-5), signs pledges by typing their name,
withdraws; the answers are public only from the cycle's time. A link reaches only its
own candidate, and bad input writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.electoral.test_candidates import (  # noqa: F401 - fixtures
    cycle,
    events,
    nominate,
    nominated,
    organizer,
    platform,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(cycle, organizer, platform):  # type: ignore[no-untyped-def]
    from bloc.electoral.questionnaires import question_add

    trust = platform.priorities.get(title__startswith="A land trust")
    return {
        "text": question_add(actor=organizer, cycle=cycle, text="Why do you run?", kind="text"),
        "yes_no": question_add(
            actor=organizer,
            cycle=cycle,
            text="Will you fund the trust?",
            kind="yes_no",
            priority=trust,
        ),  # fmt: skip
        "scale": question_add(
            actor=organizer, cycle=cycle, text="Rent control matters.", kind="scale"
        ),  # fmt: skip
    }


@pytest.fixture
def other(world, cycle):  # type: ignore[no-untyped-def]
    """Another candidate of the same cycle: (candidate, secret)."""
    return nominate(world, cycle, key="c", name="Lucy Parsons", email="lucy@example.org")


def answers_of(candidate):  # type: ignore[no-untyped-def]
    from bloc.electoral.models import Answer

    return {
        a.question_id: (a.text, a.yes, a.scale) for a in Answer.objects.filter(candidate=candidate)
    }


# --- questions --------------------------------------------------------------------


def test_organizers_write_the_questions_in_order(questions, cycle):
    from bloc.electoral.candidate_selectors import cycle_questions

    assert [q.kind for q in cycle_questions(cycle)] == ["text", "yes_no", "scale"]
    assert questions["yes_no"].priority.title.startswith("A land trust")
    assert len(events("cycle.question_add")) == 3


def test_only_organizers_write_questions_and_bad_ones_are_refused(world, cycle, organizer):
    from bloc.electoral.models import Question
    from bloc.electoral.questionnaires import question_add

    with pytest.raises(PermissionDenied):
        question_add(actor=world.blocks["a"].facilitator, cycle=cycle, text="Q?", kind="text")
    with pytest.raises(ValidationFailed):
        question_add(actor=organizer, cycle=cycle, text="", kind="text")
    with pytest.raises(ValidationFailed):
        question_add(actor=organizer, cycle=cycle, text="Q?", kind="essay")
    assert not Question.objects.exists()


def test_an_answered_question_is_not_removed(questions, nominated, organizer):
    from bloc.electoral.models import Question
    from bloc.electoral.questionnaires import answer_save, question_remove

    _candidate, secret = nominated
    answer_save(secret=secret, answers={questions["text"].pk: {"text": "For the block."}})
    with pytest.raises(Conflict):
        question_remove(actor=organizer, question=questions["text"])
    question_remove(actor=organizer, question=questions["scale"])
    assert Question.objects.count() == 2


# --- answers ----------------------------------------------------------------------


def test_the_candidate_answers_every_kind_of_question(questions, nominated):
    from bloc.electoral.questionnaires import answer_save

    candidate, secret = nominated
    answer_save(secret=secret, answers={
        questions["text"].pk: {"text": "Because the rent is too high."},
        questions["yes_no"].pk: {"yes": True, "text": "From the first budget."},
        questions["scale"].pk: {"scale": 5},
    })  # fmt: skip
    assert answers_of(candidate) == {
        questions["text"].pk: ("Because the rent is too high.", None, None),
        questions["yes_no"].pk: ("From the first budget.", True, None),
        questions["scale"].pk: ("", None, 5),
    }
    # Changed later, until the answers are public.
    answer_save(secret=secret, answers={questions["scale"].pk: {"scale": 4}})
    assert answers_of(candidate)[questions["scale"].pk] == ("", None, 4)
    (first, _second) = events("candidate.answers")
    assert secret not in str(first.data) and first.data["by"] == f"candidate:{candidate.pk}"


@pytest.mark.parametrize(
    ("kind", "entry"),
    [
        ("text", {"text": "  "}),
        ("yes_no", {"yes": "maybe"}),
        ("scale", {"scale": 6}),
        ("scale", {"scale": True}),
        ("text", {"text": "x" * 5001}),
    ],
)
def test_a_bad_answer_writes_nothing_at_all(questions, nominated, kind, entry):
    from bloc.electoral.questionnaires import answer_save

    candidate, secret = nominated
    good = questions["text" if kind != "text" else "scale"]
    good_entry = {"text": "Fine."} if kind != "text" else {"scale": 3}
    with pytest.raises(ValidationFailed):
        answer_save(secret=secret, answers={good.pk: good_entry, questions[kind].pk: entry})
    assert answers_of(candidate) == {} and not events("candidate.answers")


def test_a_link_cannot_touch_another_candidates_answers(world, questions, nominated, other):
    from bloc.electoral.candidates import cycle_create
    from bloc.electoral.models import Answer
    from bloc.electoral.questionnaires import answer_save, question_add

    rosa, rosa_secret = nominated
    lucy, lucy_secret = other
    answer_save(secret=lucy_secret, answers={questions["text"].pk: {"text": "Lucy's own."}})
    # Rosa's link answers the same questions: her own answers, never Lucy's.
    answer_save(secret=rosa_secret, answers={questions["text"].pk: {"text": "Rosa's."}})
    assert answers_of(lucy) == {questions["text"].pk: ("Lucy's own.", None, None)}
    assert answers_of(rosa) == {questions["text"].pk: ("Rosa's.", None, None)}
    # A question of another cycle, an id that is no question, or a candidate named in
    # the request: refused, and nothing is written (not even the good answer beside it).
    organizer = rosa.cycle.created_by
    later = cycle_create(actor=organizer, chapter=world.chapter, title="2028",
                         election_date=timezone.localdate() + datetime.timedelta(days=400),
                         council=world.city, pledges_needed=0)  # fmt: skip
    elsewhere = question_add(actor=organizer, cycle=later, text="Other?", kind="text")
    for key in (elsewhere.pk, Answer.objects.get(candidate=lucy).pk + 1000, "candidate"):
        with pytest.raises(ValidationFailed) as refused:
            answer_save(secret=rosa_secret, answers={
                questions["scale"].pk: {"scale": 1}, key: {"text": "Hijacked.", "candidate": lucy.pk},
            })  # fmt: skip
        assert refused.value.code == "foreign_question"
    assert answers_of(lucy) == {questions["text"].pk: ("Lucy's own.", None, None)}
    assert answers_of(rosa) == {questions["text"].pk: ("Rosa's.", None, None)}


def test_a_wrong_or_old_link_finds_nobody(questions, nominated, organizer):
    from bloc.electoral.questionnaires import answer_save, candidate_link_rotate

    candidate, secret = nominated
    with pytest.raises(NotFound):
        answer_save(secret="not-a-secret", answers={questions["text"].pk: {"text": "Hi"}})
    new = candidate_link_rotate(actor=organizer, candidate=candidate)
    with pytest.raises(NotFound):
        answer_save(secret=secret, answers={questions["text"].pk: {"text": "Hi"}})
    answer_save(secret=new, answers={questions["text"].pk: {"text": "Hi"}})
    (event,) = events("candidate.link_rotate")
    assert event.data == {} and new not in str(event.data)


def test_only_organizers_make_a_new_link(world, nominated):
    from bloc.electoral.questionnaires import candidate_by_secret, candidate_link_rotate

    candidate, secret = nominated
    with pytest.raises(PermissionDenied):
        candidate_link_rotate(actor=world.blocks["a"].facilitator, candidate=candidate)
    assert candidate_by_secret(secret) == candidate


# --- public at the cycle's time ---------------------------------------------------


def test_answers_are_hidden_until_the_public_time(questions, nominated, cycle):
    from bloc.electoral.candidate_selectors import candidate_record
    from bloc.electoral.questionnaires import answer_save

    candidate, secret = nominated
    answer_save(secret=secret, answers={questions["text"].pk: {"text": "Secret until then."}})
    before = candidate_record(candidate)
    assert not before.answers_public and before.questions == [] and before.answered == 1
    after = candidate_record(candidate, now=cycle.answers_public_at + datetime.timedelta(seconds=1))
    assert after.answers_public
    assert [aq.answer.text for aq in after.questions if aq.answer] == ["Secret until then."]


def test_without_a_public_time_the_answers_stay_hidden(questions, nominated, cycle, organizer):
    from bloc.electoral.candidate_selectors import candidate_record
    from bloc.electoral.candidates import cycle_update

    candidate, _secret = nominated
    cycle_update(actor=organizer, cycle=cycle, answers_public_at=None)
    candidate.cycle.refresh_from_db()
    later = timezone.now() + datetime.timedelta(days=3650)
    assert not candidate_record(candidate, now=later).answers_public


def test_public_answers_are_final(questions, nominated, cycle):
    from bloc.electoral.models import Cycle
    from bloc.electoral.questionnaires import answer_save

    _candidate, secret = nominated
    Cycle.objects.filter(pk=cycle.pk).update(answers_public_at=timezone.now())
    with pytest.raises(Conflict) as refused:
        answer_save(secret=secret, answers={questions["text"].pk: {"text": "Too late."}})
    assert refused.value.code == "answers_public"


# --- pledges and withdrawal -------------------------------------------------------


def test_the_candidate_signs_pledges_by_typing_their_name(nominated, platform):
    from bloc.electoral.models import Pledge
    from bloc.electoral.questionnaires import pledge_sign

    candidate, secret = nominated
    trust, creek, _police = platform.priorities.order_by("pk")
    pledge_sign(secret=secret, priorities=[trust, creek], signed_name="  rosa  PARKS ")
    pledge_sign(secret=secret, priorities=[trust], signed_name="Rosa Parks")  # already: skipped
    assert {p.priority_id for p in Pledge.objects.filter(candidate=candidate)} == {
        trust.pk,
        creek.pk,
    }


def test_a_wrong_signature_or_priority_signs_nothing(world, nominated, platform, organizer):
    from bloc.electoral.models import Pledge
    from bloc.electoral.platforms import priority_propose
    from bloc.electoral.questionnaires import pledge_sign

    _candidate, secret = nominated
    trust = platform.priorities.order_by("pk").first()
    with pytest.raises(ValidationFailed) as refused:
        pledge_sign(secret=secret, priorities=[trust], signed_name="Someone Else")
    assert "signed_name" in refused.value.fields
    outside = priority_propose(actor=world.blocks["b"].facilitator,
                               institution=world.blocks["b"].institution,
                               title="Not on the platform", category="other")  # fmt: skip
    with pytest.raises(ValidationFailed):
        pledge_sign(secret=secret, priorities=[trust, outside], signed_name="Rosa Parks")
    assert not Pledge.objects.exists()


def test_the_candidate_withdraws_and_the_link_then_only_reads(questions, nominated):
    from bloc.electoral.models import Stage
    from bloc.electoral.questionnaires import answer_save, candidate_withdraw

    candidate, secret = nominated
    candidate_withdraw(secret=secret)
    candidate.refresh_from_db()
    assert candidate.stage == Stage.WITHDRAWN
    with pytest.raises(Conflict):
        answer_save(secret=secret, answers={questions["text"].pk: {"text": "Back?"}})
    with pytest.raises(Conflict):
        candidate_withdraw(secret=secret)
