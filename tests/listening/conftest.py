"""Fixtures for listening: a members' survey and a public one on Maple Street."""

from __future__ import annotations

import pytest

from tests.conftest import make_person, member


@pytest.fixture
def resident(maple):  # type: ignore[no-untyped-def]
    """A member of Maple Street (not verified, no role)."""
    person = make_person("rosa@example.org", "Rosa Resident", address="116 Maple Street")
    member(maple, person)
    return person


@pytest.fixture
def canvasser(maple):  # type: ignore[no-untyped-def]
    """A verified member of Maple Street, who knocks on doors."""
    person = make_person("carl@example.org", "Carl Canvasser", address="118 Maple Street")
    member(maple, person, verified=True)
    return person


@pytest.fixture
def survey(maple, fiona):  # type: ignore[no-untyped-def]
    """A members-only survey: a single choice (required), a multiple choice, a scale,
    a free text."""
    from bloc.listening import surveys as svc

    made, _secret = svc.survey_create(actor=fiona, institution=maple, title="The block in spring")
    svc.survey_question_add(
        actor=fiona,
        survey=made,
        kind="single",
        text_en="Which matters most?",
        text_es="¿Qué importa más?",
        required=True,
        options=[{"en": "Rent", "es": "Alquiler"}, {"en": "Repairs", "es": "Reparaciones"}],
    )
    svc.survey_question_add(
        actor=fiona,
        survey=made,
        kind="multiple",
        text_en="Which days suit you?",
        options=["Monday", "Wednesday", "Saturday"],
    )
    svc.survey_question_add(actor=fiona, survey=made, kind="scale", text_en="How safe is it?")
    svc.survey_question_add(actor=fiona, survey=made, kind="text", text_en="Anything else?")
    return made


@pytest.fixture
def questions(survey):  # type: ignore[no-untyped-def]
    return list(survey.questions.order_by("position"))
