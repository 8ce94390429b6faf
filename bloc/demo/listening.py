"""Demo listening: Maple Street's survey of what the block needs, answered by most of
its members; door-to-door conversations on Maple Street and Oak Avenue, some turned into
a concern. Everything goes through the services, from a fixed seed."""

from __future__ import annotations

from random import Random

from bloc.accounts.models import User
from bloc.demo.confederation import _voters
from bloc.institutions.models import Institution
from bloc.listening import needs, surveys
from bloc.listening.models import NeedsConversation, Survey

SEED = 11

QUESTIONS = (
    ("single", "What should the block work on first?", "¿En qué debería trabajar primero la cuadra?",
     [("Street lighting", "Alumbrado"), ("Rents and evictions", "Alquileres y desalojos"),
      ("Traffic and speeding", "Tráfico y velocidad"), ("Trees and green space", "Árboles y verde")]),
    ("multiple", "Which would you help with?", "¿Con qué ayudarías?",
     [("Knocking on doors", "Tocar puertas"), ("Cooking for meetings", "Cocinar para reuniones"),
      ("Translation", "Traducción"), ("Childcare", "Cuidado de niños")]),
    ("scale", "How safe do you feel walking on the block at night?",
     "¿Qué tan seguro te sientes caminando por la cuadra de noche?", []),
    ("text", "Anything else the block should know?", "¿Algo más que la cuadra deba saber?", []),
)  # fmt: skip
# How likely each first-choice option is (lighting and rents lead).
FIRST = (0.35, 0.4, 0.15, 0.1)

NEEDS = (
    (["housing"], "The landlord has not fixed the heating since October."),
    (["safety", "infrastructure"], "The corner light by the bus stop has been out for weeks."),
    (["cost_of_living"], "Rent went up 12% this year; they may have to move."),
    (["environment"], "Flooding in the basement every time it rains hard."),
    (["health"], "An older neighbour alone all day who needs someone to check in."),
    (["infrastructure"], "Potholes on the crossing the kids use to walk to school."),
    (["housing", "cost_of_living"], "Wants to know their rights before the lease renewal."),
    (["safety"], "Cars speed down the block after 10 pm."),
)


def load_listening(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    maple = institutions["maple-street-block"]
    if Survey.objects.filter(institution=maple).exists():
        return
    rng = Random(SEED)
    _survey(maple, logins, rng)
    _needs(institutions, logins, rng)


def _survey(maple: Institution, logins: dict[str, User], rng: Random) -> None:
    survey, _secret = surveys.survey_create(
        actor=logins["facilitator"],
        institution=maple,
        title="What Maple Street needs in 2027",
        description="Five minutes: your answers set the block's plan for the year.",
    )
    questions = [
        surveys.survey_question_add(
            actor=logins["facilitator"],
            survey=survey,
            kind=kind,
            text_en=en,
            text_es=es,
            required=kind in ("single", "scale"),
            options=[{"en": o_en, "es": o_es} for o_en, o_es in options],
        )  # fmt: skip
        for kind, en, es, options in QUESTIONS
    ]
    single, multiple, scale, text = questions
    for voter in _voters(maple):
        if voter == logins["resident"] or rng.random() < 0.25:
            continue  # Sam has yet to answer (the demo's resident sees the form)
        answers: dict[int, object] = {
            single.pk: rng.choices(range(4), weights=FIRST)[0],
            multiple.pk: sorted(rng.sample(range(4), rng.randint(0, 2))),
            scale.pk: rng.choice((2, 3, 3, 4, 4, 5)),
        }
        if rng.random() < 0.2:
            answers[text.pk] = "A monthly clean-up Saturday would bring people out."
        surveys.survey_respond(actor=voter, survey=survey, answers=answers)


def _needs(institutions: dict[str, Institution], logins: dict[str, User], rng: Random) -> None:
    recorded: list[NeedsConversation] = []
    for slug, canvasser in (
        ("maple-street-block", logins["resident"]),
        ("oak-avenue-block", None),
    ):
        body = institutions[slug]
        canvasser = canvasser or _voters(body)[0]
        doors = list(body.addresses.order_by("address")[: len(NEEDS)])
        for door, (categories, need) in zip(doors, NEEDS, strict=False):
            consent = rng.random() < 0.5
            recorded.append(
                needs.need_record(
                    actor=canvasser,
                    institution=body,
                    categories=categories,
                    need=need,
                    address=door,
                    follow_up=rng.random() < 0.4,
                    consent=consent,
                    contact_name="A neighbour" if consent else "",
                )  # fmt: skip
            )
    # The broken light became a concern for the block's working group.
    light = next(r for r in recorded if "corner light" in r.need)
    needs.need_to_concern(actor=logins["facilitator"], conversation=light)
