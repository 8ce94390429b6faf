"""Survey pages: build one question per submit, answer without JavaScript, results,
CSV export."""

from __future__ import annotations

import pytest

from bloc.audit.models import AuditEvent
from bloc.listening import surveys as svc
from bloc.listening.models import Survey, SurveyAnswer, SurveyResponse

pytestmark = pytest.mark.django_db


def test_an_officer_builds_a_survey_page_by_page(client, maple, fiona):  # type: ignore[no-untyped-def]
    client.force_login(fiona)
    made = client.post("/listening/maple/surveys/new/", {"title": "Spring", "audience": "members"})
    assert made.status_code == 302
    survey = Survey.objects.get()
    edit = f"/listening/maple/surveys/{survey.pk}/edit/"
    assert made["Location"] == edit
    added = client.post(
        edit,
        {
            "kind": "single",
            "text_en": "Which first?",
            "text_es": "¿Cuál primero?",
            "required": "on",
            "options": "Rent | Alquiler\nRepairs | Reparaciones\n",
        },
    )
    assert added.status_code == 302
    bad = client.post(edit, {"kind": "single", "text_en": "Only one?", "options": "Yes"})
    assert bad.status_code == 422
    assert "at least two choices" in bad.content.decode()
    question = survey.questions.get()
    assert question.options == [
        {"en": "Rent", "es": "Alquiler"},
        {"en": "Repairs", "es": "Reparaciones"},
    ]
    assert client.get(edit).status_code == 200


def test_a_public_survey_shows_its_link_once_to_its_maker(client, maple, fiona):  # type: ignore[no-untyped-def]
    client.force_login(fiona)
    client.post("/listening/maple/surveys/new/", {"title": "All", "audience": "public"})
    survey = Survey.objects.get()
    page = client.get(f"/listening/maple/surveys/{survey.pk}/edit/").content.decode()
    assert "/listening/s/" in page


def test_a_member_answers_once_and_sees_why_not_twice(client, survey, questions, resident):  # type: ignore[no-untyped-def]
    client.force_login(resident)
    url = f"/listening/maple/surveys/{survey.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Which matters most?" in page.content.decode()
    q1, q2, q3, q4 = questions
    missing = client.post(url, {f"q{q2.pk}": ["0", "2"]})
    assert missing.status_code == 422
    assert "Answer this question." in missing.content.decode()
    assert SurveyResponse.objects.count() == 0
    sent = client.post(url, {f"q{q1.pk}": "1", f"q{q2.pk}": ["0", "2"], f"q{q3.pk}": "3"})
    assert sent.status_code == 302
    assert SurveyAnswer.objects.count() == 3
    again = client.post(url, {f"q{q1.pk}": "0"})
    assert again.status_code == 409
    assert "already" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_spanish_reader_sees_the_spanish_question(client, survey, questions, resident):  # type: ignore[no-untyped-def]
    client.force_login(resident)
    client.post("/language/", {"language": "es", "next": "/"})
    page = client.get(f"/listening/maple/surveys/{survey.pk}/").content.decode()
    assert "¿Qué importa más?" in page
    assert "Which days suit you?" in page  # not translated: English


def test_a_link_holder_answers_once_without_an_account(client, maple, fiona):  # type: ignore[no-untyped-def]
    survey, secret = svc.survey_create(
        actor=fiona, institution=maple, title="Open", audience="public"
    )
    question = svc.survey_question_add(
        actor=fiona, survey=survey, kind="text", text_en="Ideas?", required=True
    )
    url = f"/listening/s/{secret}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {f"q{question.pk}": "A garden"}).status_code == 302
    assert client.post(url, {f"q{question.pk}": "Again"}).status_code == 409
    assert SurveyResponse.objects.count() == 1
    assert client.get("/listening/s/wrong/").status_code == 404
    # Not by the members' address.
    assert client.get(f"/listening/maple/surveys/{survey.pk}/").status_code == 404


def test_results_chart_table_and_logged_csv(client, survey, questions, resident, fiona):  # type: ignore[no-untyped-def]
    q1, q2, q3, q4 = questions
    svc.survey_respond(actor=resident, survey=survey, answers={q1.pk: 0, q3.pk: 5})
    client.force_login(resident)
    assert client.get(f"/listening/maple/surveys/{survey.pk}/results/").status_code == 403
    assert client.get(f"/listening/maple/surveys/{survey.pk}/export.csv").status_code == 403
    client.force_login(fiona)
    page = client.get(f"/listening/maple/surveys/{survey.pk}/results/").content.decode()
    assert "<svg" in page and "<table" in page and "Rent" in page
    export = client.get(f"/listening/maple/surveys/{survey.pk}/export.csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert "Rent" in export.content.decode()
    assert AuditEvent.objects.filter(action="survey.export").count() == 1


def _queries(client, url):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_results_page_costs_the_same_however_many_responses(  # type: ignore[no-untyped-def]
    client, maple, survey, questions, resident, fiona
):
    from tests.conftest import make_person, member

    q1, q2, q3, q4 = questions
    svc.survey_respond(actor=resident, survey=survey, answers={q1.pk: 0, q4.pk: "A"})
    client.force_login(fiona)
    url = f"/listening/maple/surveys/{survey.pk}/results/"
    one = _queries(client, url)
    for n in range(4):
        person = make_person(f"p{n}@example.org", f"P {n}", address="114 Maple Street")
        member(maple, person)
        svc.survey_respond(actor=person, survey=survey, answers={q1.pk: 1, q2.pk: [0, 1]})
    assert _queries(client, url) == one
