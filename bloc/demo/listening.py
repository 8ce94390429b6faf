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


# The Town Hall's conversation: (statement, how likely each of three camps agrees).
# Camp 0: tenants worried about rents; camp 1: homeowners worried about traffic and
# taxes; camp 2: young families. Everyone wants the creek cleaned and the buses on time.
STATEMENTS = (
    ("Rent increases should be capped at the rate of inflation.", (0.95, 0.2, 0.7)),
    ("The city should build more parking before more housing.", (0.1, 0.85, 0.3)),
    ("Empty lots should go to a community land trust.", (0.9, 0.3, 0.6)),
    ("Property taxes are already too high to fund new programmes.", (0.15, 0.9, 0.4)),
    ("Every school should have a safe walking route by next year.", (0.6, 0.5, 0.95)),
    ("Speed bumps on residential streets would make us safer.", (0.5, 0.4, 0.9)),
    ("Riverside Creek should be cleaned up and opened to the public.", (0.9, 0.85, 0.9)),
    ("Buses should come at least every ten minutes at rush hour.", (0.9, 0.7, 0.85)),
    ("Short-term rentals should be banned in apartment buildings.", (0.85, 0.25, 0.5)),
    ("New apartment buildings would change the character of the neighbourhood.", (0.1, 0.8, 0.3)),
    ("The library should open on Sundays.", (0.7, 0.5, 0.85)),
    ("Police should patrol more at night.", (0.3, 0.8, 0.5)),
    ("Childcare should be free at the community centres.", (0.7, 0.2, 0.95)),
    ("Street trees should be planted on every block.", (0.75, 0.7, 0.8)),
)  # fmt: skip
CAMPS = (0.45, 0.35, 0.2)  # each camp's share of the residents


def load_opinion(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    """Riverside's residents come to the Town Hall's listening session: they join (and
    are verified at the door), vote on the statements, and add a few of their own."""
    from bloc.actors import SYSTEM
    from bloc.demo.chapter import ALL_ADDRESSES
    from bloc.listening import opinions
    from bloc.listening.models import OpinionConversation
    from bloc.membership import services as membership_services
    from bloc.membership.models import Membership

    hall = institutions["riverside-town-hall"]
    if OpinionConversation.objects.filter(institution=hall).exists():
        return
    rng = Random(SEED + 1)
    officer = _officer(hall, logins)
    talk = opinions.conversation_open(
        actor=officer,
        institution=hall,
        topic="What should Riverside work on in the next two years?",
        description="Vote on each statement, and add your own: the map shows where the "
        "neighbourhood agrees, and where its groups differ.",
        seeds=[text for text, _camps in STATEMENTS],
    )
    people = User.objects.filter(address__in=ALL_ADDRESSES).order_by("email")
    joined = {
        m.user_id: m for m in Membership.objects.filter(institution=hall, left_at__isnull=True)
    }
    statements = list(talk.statements.order_by("pk"))
    likely = dict(zip((s.pk for s in statements), (c for _t, c in STATEMENTS), strict=True))
    voters = []
    for person in people:
        membership = joined.get(person.pk) or membership_services.membership_join(
            actor=SYSTEM, institution=hall, user=person
        )
        if membership.verified_at is None:
            membership_services.membership_verify(actor=SYSTEM, membership=membership)
        voters.append(person)
    for person in voters:
        if rng.random() < 0.1:
            continue  # joined, never voted
        camp = rng.choices(range(3), weights=CAMPS)[0]
        for statement in statements:
            if rng.random() < 0.3:
                continue  # not every statement
            roll = rng.random()
            agree = likely[statement.pk][camp]
            vote = 0 if roll < 0.08 else (1 if rng.random() < agree else -1)
            opinions.vote_cast(actor=person, statement=statement, vote=vote)
    # A few of their own: two accepted by the facilitators, one still waiting.
    for n, text in enumerate(
        (
            "The laundromat on River Road should stay open late.",
            "Sidewalks should be cleared of snow by the city, not the owners.",
            "A monthly night market on Market Street.",
        )
    ):
        own = opinions.statement_submit(actor=voters[n * 7], conversation=talk, text=text)
        if n < 2:
            opinions.statement_moderate(actor=officer, statement=own, accept=True)
    opinions.analysis_refresh(conversation=talk)


def _officer(institution: Institution, logins: dict[str, User]) -> User:
    from bloc import permissions

    people = [logins["facilitator"], logins["organizer"], *_voters(institution)]
    return next(p for p in people if permissions.check(p, "opinion.manage", institution))
