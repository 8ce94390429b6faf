"""Surveys: building, answering once, results, CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import IntegrityError, transaction

from bloc.audit.models import AuditEvent
from bloc.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from bloc.listening import selectors as sel
from bloc.listening import surveys as svc
from bloc.listening.models import SurveyAnswer, SurveyResponse
from tests.conftest import make_person, member

pytestmark = pytest.mark.django_db


def answers(questions, single=0, multiple=(1, 2), scale=4, text="More benches"):  # type: ignore[no-untyped-def]
    q1, q2, q3, q4 = questions
    return {q1.pk: single, q2.pk: list(multiple), q3.pk: scale, q4.pk: text}


def test_only_officers_build_surveys(maple, resident):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        svc.survey_create(actor=resident, institution=maple, title="Mine")


def test_a_public_survey_has_a_link_stored_as_a_hash(maple, fiona):  # type: ignore[no-untyped-def]
    survey, secret = svc.survey_create(
        actor=fiona, institution=maple, title="Open to all", audience="public"
    )
    assert secret and survey.link_hash == svc.secret_hash(secret) != secret
    assert svc.survey_by_link(secret) == survey
    with pytest.raises(NotFound):
        svc.survey_by_link("nope")


def test_a_choice_question_needs_two_options(survey, fiona):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as failed:
        svc.survey_question_add(
            actor=fiona, survey=survey, kind="single", text_en="Yes?", options=["Yes"]
        )
    assert "options" in failed.value.fields
    assert survey.questions.count() == 4


def test_a_member_answers_once(survey, questions, resident):  # type: ignore[no-untyped-def]
    svc.survey_respond(actor=resident, survey=survey, answers=answers(questions))
    with pytest.raises(Conflict) as refused:
        svc.survey_respond(actor=resident, survey=survey, answers=answers(questions, single=1))
    assert refused.value.code == "already_answered"
    assert "already" in refused.value.message
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.count() == 4


def test_the_database_refuses_a_second_response_of_a_member(survey, resident):  # type: ignore[no-untyped-def]
    SurveyResponse.objects.create(survey=survey, member=resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey, member=resident)


def test_a_concurrent_double_submit_is_refused(survey, questions, resident, monkeypatch):  # type: ignore[no-untyped-def]
    # The other submit wrote its response between our check and our insert.
    real_filter = SurveyResponse.objects.filter
    SurveyResponse.objects.create(survey=survey, member=resident)
    monkeypatch.setattr(SurveyResponse.objects, "filter", lambda **kw: real_filter(pk=-1))
    with pytest.raises(Conflict) as refused:
        svc.survey_respond(actor=resident, survey=survey, answers=answers(questions))
    assert refused.value.code == "already_answered"
    assert SurveyAnswer.objects.count() == 0


def test_a_required_question_must_be_answered(survey, questions, resident):  # type: ignore[no-untyped-def]
    given = answers(questions)
    given[questions[0].pk] = ""
    with pytest.raises(ValidationFailed) as failed:
        svc.survey_respond(actor=resident, survey=survey, answers=given)
    assert f"q{questions[0].pk}" in failed.value.fields
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"single": 7},
        {"single": "rent"},
        {"multiple": (0, 9)},
        {"scale": 6},
        {"text": "x" * 2_001},
    ],
)
def test_bad_input_writes_nothing(survey, questions, resident, bad):  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        svc.survey_respond(actor=resident, survey=survey, answers=answers(questions, **bad))
    assert SurveyResponse.objects.count() == 0
    assert SurveyAnswer.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_only_members_answer_a_members_survey(survey, questions, bob):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        svc.survey_respond(actor=bob, survey=survey, answers=answers(questions))


def test_questions_cannot_change_once_answered(survey, questions, resident, fiona):  # type: ignore[no-untyped-def]
    svc.survey_respond(actor=resident, survey=survey, answers=answers(questions))
    with pytest.raises(Conflict):
        svc.survey_question_add(actor=fiona, survey=survey, kind="text", text_en="Late?")


def test_a_public_survey_is_answered_once_per_link_holder(maple, fiona):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    survey, _secret = svc.survey_create(
        actor=fiona, institution=maple, title="Open", audience="public"
    )
    question = svc.survey_question_add(
        actor=fiona, survey=survey, kind="scale", text_en="How loud?", required=True
    )
    visitor = AnonymousUser()
    svc.survey_respond(
        actor=visitor, survey=survey, answers={question.pk: 3}, respondent_token="t1"
    )
    with pytest.raises(Conflict):
        svc.survey_respond(
            actor=visitor, survey=survey, answers={question.pk: 2}, respondent_token="t1"
        )
    svc.survey_respond(
        actor=visitor, survey=survey, answers={question.pk: 5}, respondent_token="t2"
    )
    stored = list(SurveyResponse.objects.values_list("member_id", "respondent_token"))
    assert [m for m, _t in stored] == [None, None]
    assert {t for _m, t in stored} == {svc.secret_hash("t1"), svc.secret_hash("t2")}
    with pytest.raises(ValidationFailed):
        svc.survey_respond(actor=visitor, survey=survey, answers={question.pk: 5})


def test_results_on_a_hand_computed_example(maple, survey, questions, resident, fiona):  # type: ignore[no-untyped-def]
    third = make_person("tom@example.org", "Tom Third", address="114 Maple Street")
    member(maple, third)
    svc.survey_respond(actor=resident, survey=survey, answers=answers(questions))
    svc.survey_respond(
        actor=fiona,
        survey=survey,
        answers=answers(questions, single=1, multiple=(1,), scale=2, text=""),
    )
    svc.survey_respond(
        actor=third, survey=survey, answers=answers(questions, multiple=(), scale=5, text="Trees")
    )
    results = sel.survey_results(survey, "en")
    assert results.responses == 3
    single, multiple, scale, text = results.questions
    assert single.rows == [("Rent", 2), ("Repairs", 1)]
    assert multiple.answered == 2
    assert multiple.rows == [("Monday", 0), ("Wednesday", 2), ("Saturday", 1)]
    assert scale.rows == [("1", 0), ("2", 1), ("3", 0), ("4", 1), ("5", 1)]
    assert scale.mean == pytest.approx((4 + 2 + 5) / 3, abs=0.01)
    assert text.texts == ["More benches", "Trees"]
    spanish = sel.survey_results(survey, "es").questions
    assert spanish[0].text == "¿Qué importa más?"
    assert spanish[0].rows[0] == ("Alquiler", 2)
    assert spanish[1].text == "Which days suit you?"  # no Spanish: English


def test_csv_export_is_logged_and_for_officers_only(survey, questions, resident, fiona):  # type: ignore[no-untyped-def]
    svc.survey_respond(
        actor=resident, survey=survey, answers=answers(questions, text="=HYPERLINK(1)")
    )
    with pytest.raises(PermissionDenied):
        svc.survey_export_csv(actor=resident, survey=survey)
    assert not AuditEvent.objects.filter(action="survey.export").exists()
    data = svc.survey_export_csv(actor=fiona, survey=survey)
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0][2:] == [
        "1. Which matters most?",
        "2. Which days suit you?",
        "3. How safe is it?",
        "4. Anything else?",
    ]
    assert rows[1][2:] == ["Rent", "Wednesday; Saturday", "4", "'=HYPERLINK(1)"]
    event = AuditEvent.objects.get(action="survey.export")
    assert event.data["responses"] == 1


def test_a_closed_survey_takes_no_answers(survey, questions, resident):  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.save()
    with pytest.raises(Conflict):
        svc.survey_respond(actor=resident, survey=survey, answers=answers(questions))
