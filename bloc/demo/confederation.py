"""Demo councils: Riverside's blocks confederated in two neighborhoods and a city.

Three levels: the ten small bodies of the demo chapter (blocks, tenants' unions, a
building meeting, HOAs, clubs and Harbor View's assembly) → two neighborhood councils,
Riverside North (one assembly, one vote) and Riverside South (weighted by membership)
→ the Riverside City Council (double majority). Everything goes through the services,
with ballots cast by the demo's residents (a fixed seed), so the polls, counts and
audit events are real:

* the five North bodies joined their council by their own votes (polls, counted);
  the South ones were seated directly; Maple Street elected Marcus Green (the
  facilitator login) its delegate by single transferable vote; North decided by a
  question to join the city and to send Oak Avenue's delegate there;
* Maple Street's adopted proposal (by Sam Okafor, the resident login) rose to Riverside
  North, was carried and sent up to the city; the assemblies decided their mandates
  (North for, South against), South's delegate voted for against the mandate (the
  deviation shows), the city carried it by double majority and sent it down, and all
  ten assemblies' ratification polls ratified it;
* a second question is before Riverside North, its mandates decided and some delegates
  voted: Marcus, Maple Street's delegate, has not yet.
"""

from __future__ import annotations

from datetime import timedelta
from random import Random
from typing import Any

from django.utils import timezone

from bloc import permissions
from bloc.accounts.models import User
from bloc.actors import SYSTEM
from bloc.budgeting.models import Budget
from bloc.confederation import councils as council_services
from bloc.confederation import questions as question_services
from bloc.confederation.models import Council, Question, Seat
from bloc.decisions import voting
from bloc.decisions.models import Poll, Proposal
from bloc.decisions.polls import poll_sync
from bloc.decisions.proposals import (
    proposal_create,
    proposal_move_to_vote,
    proposal_open_discussion,
)
from bloc.institutions.models import Institution
from bloc.membership.models import Membership

SEED = 9
FOR, AGAINST = 0, 1  # a motion's options

NORTH = ("maple-street-block", "oak-avenue-block", "grand-concourse-tenants",
         "river-road-220", "market-street-club")  # fmt: skip
SOUTH = ("las-palmas-tenants", "willow-creek-hoa", "cedar-glen-hoa", "barrio-libertad",
         "harbor-view-assembly")  # fmt: skip

# The city question: each body's share of "for" in its mandate poll and its ratification
# poll. North mandates for (4 of 5 bodies); South, weighted by membership, against
# (Willow Creek and Cedar Glen); both ratify (Willow Creek, narrowly, after the debate).
MANDATE = {"maple-street-block": 0.8, "oak-avenue-block": 0.7, "grand-concourse-tenants": 0.9,
           "river-road-220": 0.3, "market-street-club": 0.6, "las-palmas-tenants": 0.9,
           "willow-creek-hoa": 0.35, "cedar-glen-hoa": 0.25, "barrio-libertad": 0.8,
           "harbor-view-assembly": 1.0}  # fmt: skip
RATIFY = {**MANDATE, "river-road-220": 0.7, "market-street-club": 0.4, "willow-creek-hoa": 0.6}
# The question still before North: its bodies' mandates.
TOOLS = {"maple-street-block": 0.75, "oak-avenue-block": 0.6, "grand-concourse-tenants": 0.3,
         "river-road-220": 0.65, "market-street-club": 0.55}  # fmt: skip

CITY_SLUG = "riverside-city-council"


def _soon() -> Any:
    return timezone.now() + timedelta(days=7)


def _voters(institution: Institution) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            institution=institution, verified_at__isnull=False, left_at__isnull=True
        )
        .select_related("user")
        .order_by("user__email")
    ]


def _convener(institution: Institution, logins: dict[str, User]) -> User:
    """Who may put the body's votes (its facilitator or secretary), the demo's own first."""
    people = [logins["facilitator"], *_voters(institution)]
    return next(p for p in people if permissions.check(p, "council.assembly_vote", institution))


def _close_now(poll: Poll) -> Poll:
    """Close a poll now (its closing time moved to now) and count it."""
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    poll.refresh_from_db()
    return poll_sync(poll)


def _motion(poll: Poll, voters: list[User], share_for: float, rng: Random) -> Poll:
    """About three in four voters vote, ``share_for`` of them for; then it is counted."""
    turnout = [v for v in voters if rng.random() < 0.75] or voters[:1]
    in_favour = round(len(turnout) * share_for)
    rng.shuffle(turnout)
    for n, voter in enumerate(turnout):
        voting.vote(actor=voter, poll=poll, data=FOR if n < in_favour else AGAINST)
    return _close_now(poll)


def _delegate_for(institution: Institution, logins: dict[str, User]) -> User:
    """A body's delegate: a verified resident who holds no demo login."""
    logins_pk = {u.pk for u in logins.values()}
    return next(v for v in _voters(institution) if v.pk not in logins_pk)


def load_confederation(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    if Council.objects.filter(slug=CITY_SLUG).exists():
        return
    rng = Random(SEED)
    organizer, facilitator = logins["organizer"], logins["facilitator"]
    chapter = institutions["maple-street-block"].chapter
    north = council_services.council_create(
        actor=organizer, chapter=chapter, name="Riverside North Council", level=1,
        slug="riverside-north-council",
        description="The blocks, buildings and clubs of Riverside North, one vote each.",
    )  # fmt: skip
    south = council_services.council_create(
        actor=organizer, chapter=chapter, name="Riverside South Council", level=1,
        slug="riverside-south-council", rule="members",
        description="The bodies of Riverside South, each weighted by its members.",
    )  # fmt: skip
    city = council_services.council_create(
        actor=organizer, chapter=chapter, name="Riverside City Council", level=2,
        slug=CITY_SLUG, rule="double",
        description="Riverside's neighborhoods: a decision needs a majority of the "
        "neighborhoods and of the people they speak for.",
    )  # fmt: skip

    # North's bodies join by their own votes; South's are seated directly.
    for slug in NORTH:
        body = institutions[slug]
        join = council_services.join_vote(
            actor=_convener(body, logins), institution=body, council=north, closes_at=_soon()
        )
        _motion(join.poll, _voters(body), 0.85, rng)
    for slug in SOUTH:
        council_services.seat_add(actor=SYSTEM, council=south, member=institutions[slug])

    # Delegates: Maple Street elects Marcus by STV; the others are recorded directly.
    maple = institutions["maple-street-block"]
    rival = _delegate_for(maple, logins)
    election = council_services.election_vote(
        actor=facilitator, institution=maple, council=north,
        candidates=[facilitator.pk, rival.pk], closes_at=_soon(),
    )  # fmt: skip
    for voter in _voters(maple):
        if rng.random() < 0.8:
            first = 0 if rng.random() < 0.7 else 1
            voting.vote(actor=voter, poll=election.poll, data={str(first): 1, str(1 - first): 2})
    _close_now(election.poll)
    delegates: dict[str, User] = {"maple-street-block": facilitator}
    for slug in (*NORTH[1:], *SOUTH):
        body = institutions[slug]
        council = north if slug in NORTH else south
        seat = Seat.objects.get(council=council, institution=body, left_at=None)
        delegates[slug] = _delegate_for(body, logins)
        council_services.delegate_add(actor=SYSTEM, seat=seat, user=delegates[slug])

    def north_decides(effect: dict[str, int], title: str) -> None:
        question = question_services.question_create(
            actor=facilitator, council=north, title=title, effect=effect
        )
        for slug in NORTH:
            question_services.delegate_vote(actor=delegates[slug], question=question,
                                            position="for")  # fmt: skip
        question_services.question_close(actor=facilitator, question=question)

    # North joins the city and sends Oak Avenue's delegate; South is seated directly.
    north_decides({"join": city.pk}, "Join the Riverside City Council")
    envoy = delegates["oak-avenue-block"]
    north_decides({"send": envoy.pk}, f"Send {envoy.full_name} to the City Council")
    south_seat = council_services.seat_add(actor=SYSTEM, council=city, member=south)
    south_envoy = delegates["barrio-libertad"]
    council_services.delegate_add(actor=SYSTEM, seat=south_seat, user=south_envoy)

    _ratified_question(institutions, logins, north, city, delegates, envoy, south_envoy, rng)
    _open_question(institutions, logins, north, delegates, rng)
    _ranked_question(logins, south, delegates, rng)
    _council_budget(institutions, logins, north, delegates)


def _ratified_question(
    institutions: dict[str, Institution],
    logins: dict[str, User],
    north: Council,
    city: Council,
    delegates: dict[str, User],
    envoy: User,
    south_envoy: User,
    rng: Random,
) -> Question:
    """Maple Street's proposal, up through North to the city, down again and ratified."""
    maple = institutions["maple-street-block"]
    facilitator, organizer = logins["facilitator"], logins["organizer"]
    proposal = proposal_create(
        actor=logins["resident"],
        institution=maple,
        title="Open the schoolyards to neighbours at weekends",
        body="Ask the city to keep every public schoolyard in Riverside open on Saturdays "
        "and Sundays, 9 to 6, with the blocks taking turns to look after them.",
    )
    proposal_open_discussion(actor=logins["resident"], proposal=proposal)
    # The discussion ran its course (the demo dates it back past the bylaws' minimum).
    Proposal.objects.filter(pk=proposal.pk).update(
        discussion_since=timezone.now() - timedelta(days=14)
    )
    proposal.refresh_from_db()
    poll = proposal_move_to_vote(actor=facilitator, proposal=proposal, closes_at=_soon())
    _motion(poll, _voters(maple), 0.8, rng)
    proposal.refresh_from_db()

    in_north = question_services.question_from_proposal(
        actor=facilitator, proposal=proposal, council=north
    )
    for slug in NORTH:
        position = "against" if slug == "river-road-220" else "for"
        question_services.delegate_vote(actor=delegates[slug], question=in_north,
                                        position=position)  # fmt: skip
    in_north = question_services.question_close(actor=facilitator, question=in_north)
    in_city = question_services.question_send_up(
        actor=facilitator, question=in_north, mandates_close_at=_soon()
    )
    for vote in in_city.assembly_votes.select_related("poll", "institution"):
        _motion(vote.poll, _voters(vote.institution), MANDATE[vote.institution.slug], rng)
    in_city = question_services.voting_open(actor=organizer, question=in_city)
    question_services.delegate_vote(actor=envoy, question=in_city, position="for")
    # South's mandate is against; its delegate votes for (the deviation is public).
    question_services.delegate_vote(actor=south_envoy, question=in_city, position="for")
    in_city = question_services.question_close(actor=organizer, question=in_city)
    in_city = question_services.ratification_send(
        actor=organizer, question=in_city, closes_at=_soon()
    )
    for vote in in_city.assembly_votes.filter(kind="ratify").select_related("poll", "institution"):
        _motion(vote.poll, _voters(vote.institution), RATIFY[vote.institution.slug], rng)
    in_city.refresh_from_db()
    return question_services.ratification_sync(in_city)


def _open_question(
    institutions: dict[str, Institution],
    logins: dict[str, User],
    north: Council,
    delegates: dict[str, User],
    rng: Random,
) -> Question:
    """Before North now: mandates decided, three delegates voted, Maple's Marcus not yet."""
    facilitator = logins["facilitator"]
    question = question_services.question_create(
        actor=facilitator,
        council=north,
        title="One tool library for all the North blocks",
        body="Merge the blocks' tool sheds into one library at Market Street's garden, "
        "open to every member of a North body, with a shared rota of keepers.",
        mandates_close_at=_soon(),
    )
    for vote in question.assembly_votes.select_related("poll", "institution"):
        _motion(vote.poll, _voters(vote.institution), TOOLS[vote.institution.slug], rng)
    question = question_services.voting_open(actor=facilitator, question=question)
    for slug in ("oak-avenue-block", "grand-concourse-tenants", "river-road-220"):
        seat = Seat.objects.get(council=north, institution=institutions[slug], left_at=None)
        mandate = (question.mandates or {}).get(seat.node) or "abstain"
        question_services.delegate_vote(actor=delegates[slug], question=question,
                                        position=mandate)  # fmt: skip
    return question


SHELTERS = ["Harbor Street at 3rd", "Cedar Glen gate", "Palmas Avenue market"]


def _ranked_question(
    logins: dict[str, User], south: Council, delegates: dict[str, User], rng: Random
) -> Question:
    """South ranks where its first bus shelter goes: each body ranks the three corners
    by its own Schulze poll, the delegates vote their mandates, Harbor Street comes first."""
    organizer = logins["organizer"]
    question = question_services.question_create(
        actor=organizer,
        council=south,
        title="Where should South's first bus shelter go?",
        body="The city funds one shelter this year; the neighbourhood ranks the corners.",
        options=SHELTERS,
        mandates_close_at=_soon(),
    )
    for vote in question.assembly_votes.select_related("poll", "institution"):
        for voter in _voters(vote.institution):
            if rng.random() < 0.7:
                ranks = rng.sample([1, 2, 3], 3) if rng.random() < 0.4 else [1, 3, 2]
                voting.vote(
                    actor=voter, poll=vote.poll, data={str(i): r for i, r in enumerate(ranks)}
                )
        _close_now(vote.poll)
    question = question_services.voting_open(actor=organizer, question=question)
    for slug in SOUTH:
        seat = Seat.objects.get(council=south, institution__slug=slug, left_at=None)
        mandate = (question.mandates or {}).get(seat.node) or [[0], [1], [2]]
        question_services.delegate_vote(actor=delegates[slug], question=question, ranking=mandate)
    return question_services.question_close(actor=organizer, question=question)


NORTH_IDEAS = (
    (
        "oak-avenue-block",
        "Shade trees on Oak Avenue",
        "Twelve street trees on the sunny side.",
        6000,
    ),
    (
        "grand-concourse-tenants",
        "Free legal clinic for tenants",
        "A lawyer two evenings a month.",
        8000,
    ),
    (
        "market-street-club",
        "Covered stalls for the Saturday market",
        "Six awnings and tables.",
        5000,
    ),
)


def _council_budget(
    institutions: dict[str, Institution],
    logins: dict[str, User],
    north: Council,
    delegates: dict[str, User],
) -> Budget:
    """North's share of the city's neighbourhood fund, run by Maple Street: members of
    every North body submit ideas (and will vote)."""
    from bloc.budgeting import services as budget_services
    from bloc.demo.budgeting import _settings

    budget = budget_services.budget_create(
        actor=logins["facilitator"],
        institution=institutions["maple-street-block"],
        settings=_settings(
            "Riverside North Fund 2027", 20000, (-3, 10, 14, 28, 45), source="city",
            source_detail="The city's neighbourhood fund", council_id=north.pk,
            description="North's share of the city's fund: every verified member of a "
            "North body may propose and vote.",
        ),
    )  # fmt: skip
    for slug, title, text, cost in NORTH_IDEAS:
        budget_services.idea_submit(actor=delegates[slug], budget=budget, title=title,
                                    description=text, estimated_cost=cost)  # fmt: skip
    return budget
