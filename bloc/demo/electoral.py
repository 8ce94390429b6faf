"""Demo electoral work: Riverside's platform, its endorsement cycles, an officeholder's
scorecard, a canvassing campaign and a petition. Everything goes through the services,
with ballots cast by the demo's residents (a fixed seed):

* the bodies proposed nine priorities; the platform of seven was ranked by all ten
  bodies' Schulze polls and published (one assembly, one vote);
* the 2025 cycle endorsed Jordan Price for City Council District 1, who won, signed
  four pledges and has a scorecard (one pledge kept, one partly, one broken); Barrio
  Libertad started the recall of his endorsement over the broken one, and the City
  Council carried it;
* the 2027 cycle has a candidate at every stage: Ana Ruiz (a Maple Street member,
  endorsed: the bodies and the City Council voted, her campaign canvasses Maple
  Street), Deborah Chen (State Assembly, applied; the bodies are voting; scored on the
  rubric), Frank Doyle (the bodies voted him down), Tom Whitaker (one nomination of
  the two needed);
* a ballot-initiative petition with sheets handed in by several circulators, some
  entered and checked (a duplicate, an address outside the jurisdiction).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from random import Random

from django.utils import timezone

from bloc import permissions
from bloc.accounts.models import User
from bloc.confederation import questions as council_questions
from bloc.confederation.models import Council, Delegate
from bloc.decisions import voting
from bloc.demo.confederation import CITY_SLUG, _close_now, _motion, _soon, _voters
from bloc.electoral import (
    campaigns,
    candidates,
    endorsements,
    petitions,
    platforms,
    questionnaires,
    scorecards,
)
from bloc.electoral.models import (
    Candidate,
    Cycle,
    Platform,
    PlatformBallot,
    Pledge,
    Priority,
    Stage,
)
from bloc.events.models import Event
from bloc.institutions.models import Institution

SEED = 10

# (proposing body, title, category, what it asks for)
PRIORITIES = (
    (
        "grand-concourse-tenants",
        "A community land trust for Riverside",
        "land_trusts",
        "Take vacant and speculative lots off the market for good, owned by the neighbours.",
    ),
    (
        "maple-street-block",
        "Participatory budgeting for 5% of the city budget",
        "direct_democracy",
        "Residents propose and vote on how a share of the budget is spent.",
    ),
    (
        "barrio-libertad",
        "A civilian police oversight board with subpoena power",
        "police",
        "An elected board that can investigate complaints and compel testimony.",
    ),
    (
        "las-palmas-tenants",
        "Right to counsel for every tenant facing eviction",
        "other",
        "A lawyer for every tenant in housing court, paid by the city.",
    ),
    (
        "oak-avenue-block",
        "Recall elections for city officials",
        "direct_democracy",
        "Residents can recall an official who breaks faith, by petition and vote.",
    ),
    (
        "willow-creek-hoa",
        "Open meetings and open books for every HOA",
        "hoa_reform",
        "HOA boards meet in public and publish their accounts.",
    ),
    (
        "market-street-club",
        "A fund to turn retiring owners' shops into worker co-ops",
        "labor",
        "Loans and advice so the workers can buy the business.",
    ),
    (
        "harbor-view-assembly",
        "Close the county youth jail",
        "prisons",
        "Fund community programmes for young people instead of cells.",
    ),
    (
        "river-road-220",
        "Daylight Riverside Creek",
        "ecology",
        "Open the buried creek and plant its banks.",
    ),
)
PLATFORM_SIZE = 7  # the first seven are put to the bodies
# The order the bodies broadly share (indexes into the platform's priorities): each
# member's ranking swaps a couple of neighbours, so rankings differ and yet the
# platform has a clear order.
SHARED = (3, 0, 2, 1, 4, 6, 5)


def _acting_officer(institution: Institution, logins: dict[str, User], rule: str) -> User:
    people = [logins["facilitator"], logins["secretary"], *_voters(institution)]
    return next(p for p in people if permissions.check(p, rule, institution))


def _ranked_polls(platform: Platform, rng: Random) -> None:
    """Each body's members rank the priorities near a shared order, then it is counted."""
    n = len(platform.order)
    for ballot in PlatformBallot.objects.filter(platform=platform).select_related(
        "poll", "institution"
    ):
        voters = [v for v in _voters(ballot.institution) if rng.random() < 0.7]
        for voter in voters or _voters(ballot.institution)[:1]:
            order = list(SHARED[:n])
            for _ in range(2):  # a couple of neighbouring swaps each
                i = rng.randrange(n - 1)
                order[i], order[i + 1] = order[i + 1], order[i]
            voting.vote(
                actor=voter,
                poll=ballot.poll,
                data={str(option): place + 1 for place, option in enumerate(order)},
            )
        _close_now(ballot.poll)


def load_platform(institutions: dict[str, Institution], logins: dict[str, User]) -> Platform:
    existing = Platform.objects.filter(title="Riverside Platform 2027").first()
    if existing is not None:
        return existing
    rng = Random(SEED)
    organizer = logins["organizer"]
    chapter = institutions["maple-street-block"].chapter
    proposed = []
    for slug, title, category, description in PRIORITIES:
        body = institutions[slug]
        proposed.append(
            platforms.priority_propose(
                actor=_acting_officer(body, logins, "priority.propose"),
                institution=body,
                title=title,
                category=category,
                description=description,
            )
        )
    platform = platforms.platform_create(
        actor=organizer,
        chapter=chapter,
        title="Riverside Platform 2027",
        priorities=proposed[:PLATFORM_SIZE],
        method="schulze",
        weighting="assemblies",
    )
    platform = platforms.platform_send(actor=organizer, platform=platform, closes_at=_soon())
    _ranked_polls(platform, rng)
    platform.refresh_from_db()  # published: every body's ranking poll was counted
    return platform


# The questionnaire: (question, kind, the platform priority it is about, by title).
QUESTIONS = (
    ("Will you hold a public meeting in the district every quarter?", "yes_no", None),
    ("Will you vote to put 5% of the city budget to participatory budgeting?", "yes_no",
     "Participatory budgeting for 5% of the city budget"),
    ("How strongly do you support a civilian oversight board with subpoena power?", "scale",
     "A civilian police oversight board with subpoena power"),
    ("What would you do in your first hundred days about evictions?", "text",
     "Right to counsel for every tenant facing eviction"),
)  # fmt: skip


def load_electoral(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    platform = load_platform(institutions, logins)
    if Cycle.objects.filter(chapter=platform.chapter).exists():
        return
    rng = Random(SEED)
    city = Council.objects.get(slug=CITY_SLUG)
    _past_cycle(institutions, logins, platform, city, rng)
    _current_cycle(institutions, logins, platform, city, rng)
    _petition(institutions, logins, rng)


def _cycle(logins: dict[str, User], platform: Platform, city: Council, title: str) -> Cycle:
    organizer = logins["organizer"]
    cycle = candidates.cycle_create(
        actor=organizer,
        chapter=platform.chapter,
        title=title,
        election_date=timezone.localdate() + timedelta(days=330),
        council=city,
        platform=platform,
        nominations_needed=2,
        answers_public_at=timezone.now() + timedelta(days=1),
        assembly_percent=50,
        chapter_percent=60,
        pledges_needed=3,
    )
    titles = dict(platform.priorities.values_list("title", "pk"))
    for text, kind, about in QUESTIONS:
        questionnaires.question_add(
            actor=organizer,
            cycle=cycle,
            text=text,
            kind=kind,
            priority=Priority.objects.get(pk=titles[about]) if about else None,
        )
    return cycle


def _nominate(
    institutions: dict[str, Institution],
    logins: dict[str, User],
    cycle: Cycle,
    bodies: tuple[str, ...],
    **fields: object,
) -> tuple[Candidate, str]:
    first, *others = bodies
    candidate, secret = candidates.candidate_nominate(
        actor=_acting_officer(institutions[first], logins, "candidate.nominate"),
        institution=institutions[first],
        cycle=cycle,
        statement="We have worked beside them for years, and they answer to the block.",
        **fields,  # type: ignore[arg-type]
    )
    for slug in others:
        candidates.nomination_add(
            actor=_acting_officer(institutions[slug], logins, "candidate.nominate"),
            candidate=candidate,
            institution=institutions[slug],
            statement="We second it.",
        )
    return candidate, secret


def _answer(candidate: Candidate, secret: str, pledges: int) -> None:
    """The candidate answers every question by their private link and signs pledges."""
    answers: dict[int, dict[str, object]] = {}
    for question in candidate.cycle.questions.all():
        if question.kind == "yes_no":
            answers[question.pk] = {"yes": True, "text": ""}
        elif question.kind == "scale":
            answers[question.pk] = {"scale": 4, "text": "With the board elected, not appointed."}
        else:
            answers[question.pk] = {
                "text": "Fund the right to counsel in the first budget, and sit in housing "
                "court with the tenants' unions to see where it fails."
            }
    questionnaires.answer_save(secret=secret, answers=answers)
    platform = candidate.cycle.platform
    ranking = (platform.result or {}).get("ranking", []) if platform else []
    # The platform's first priorities (its ranking holds indexes into its order).
    first = [platform.order[i] for tier in ranking for i in tier][:pledges] if platform else []
    chosen = list(Priority.objects.filter(pk__in=first))
    questionnaires.pledge_sign(secret=secret, priorities=chosen, signed_name=candidate.name)


def _assemblies_vote(
    logins: dict[str, User], candidate: Candidate, share_for: float, rng: Random, close: bool
) -> Candidate:
    organizer = logins["organizer"]
    candidate = endorsements.candidate_advance(actor=organizer, candidate=candidate)  # -> votes
    ballots = endorsements.endorsement_send(actor=organizer, candidate=candidate,
                                            closes_at=_soon())  # fmt: skip
    for ballot in ballots:
        voters = _voters(ballot.institution)
        if close:
            _motion(ballot.poll, voters, share_for, rng)
        else:  # still voting: some have voted
            for voter in voters[: len(voters) // 3]:
                voting.vote(
                    actor=voter, poll=ballot.poll, data=0 if rng.random() < share_for else 1
                )
    candidate.refresh_from_db()
    return candidate


def _city_decides(logins: dict[str, User], city: Council, vote_question: object, position: str
                  ) -> None:  # fmt: skip
    question = vote_question
    today = timezone.localdate()
    for delegate in Delegate.objects.filter(council=city, ended_on=None, ends_on__gte=today
                                            ).select_related("user"):  # fmt: skip
        council_questions.delegate_vote(actor=delegate.user, question=question, position=position)
    council_questions.question_close(actor=logins["organizer"], question=question)


def _endorse(
    institutions: dict[str, Institution],
    logins: dict[str, User],
    city: Council,
    candidate: Candidate,
    secret: str,
    rng: Random,
) -> Candidate:
    organizer = logins["organizer"]
    candidate = endorsements.candidate_advance(actor=organizer, candidate=candidate)  # -> questions
    _answer(candidate, secret, pledges=4)
    candidate = _assemblies_vote(logins, candidate, 0.8, rng, close=True)
    vote = endorsements.chapter_vote_open(actor=organizer, candidate=candidate)
    _city_decides(logins, city, vote.question, "for")
    candidate.refresh_from_db()
    return candidate


def _past_cycle(
    institutions: dict[str, Institution],
    logins: dict[str, User],
    platform: Platform,
    city: Council,
    rng: Random,
) -> None:
    """2025: Jordan Price endorsed, elected, scored; his endorsement recalled."""
    organizer = logins["organizer"]
    cycle = _cycle(logins, platform, city, "Riverside city elections 2025")
    price, secret = _nominate(
        institutions, logins, cycle, ("oak-avenue-block", "market-street-club"),
        name="Jordan Price", office="City Council", district="District 1", level="local",
        profile="Small-business owner on Market Street, chair of the merchants' association.",
    )  # fmt: skip
    price = _endorse(institutions, logins, city, price, secret, rng)
    # The election has since taken place (the demo dates the cycle back).
    Cycle.objects.filter(pk=cycle.pk).update(
        election_date=date(2025, 11, 4),
        answers_public_at=timezone.now() - timedelta(days=400),
    )
    signed = datetime(2025, 9, 20, 19, 30, tzinfo=UTC)
    Pledge.objects.filter(candidate=price).update(signed_at=signed)
    Candidate.objects.filter(pk=price.pk).update(endorsed_at=signed + timedelta(days=14))
    price.refresh_from_db()
    scorecards.outcome_record(actor=organizer, candidate=price, elected=True,
                              took_office_on=date(2026, 1, 5))  # fmt: skip
    price.refresh_from_db()
    pledges = {p.priority.title: p for p in Pledge.objects.filter(candidate=price)
               .select_related("priority")}  # fmt: skip
    records = (
        (date(2026, 3, 12), "vote", "Voted for the 2026 participatory budgeting ordinance",
         "https://riverside.example/council/votes/2026-031", "Participatory budgeting", "kept"),
        (date(2026, 6, 2), "bill", "Co-sponsored a right-to-counsel pilot in two districts",
         "https://riverside.example/council/bills/2026-118", "Right to counsel", "partial"),
        (date(2026, 9, 22), "vote",
         "Voted against giving the police oversight board subpoena power",
         "https://riverside.example/council/votes/2026-207", "civilian police", "broken"),
    )  # fmt: skip
    for on, kind, title, url, about, verdict in records:
        matched = {p: (verdict, "") for t, p in pledges.items() if about.lower() in t.lower()}
        scorecards.action_add(actor=organizer, candidate=price, kind=kind, title=title, on=on,
                              source_url=url, matches=matched)  # fmt: skip
    barrio = institutions["barrio-libertad"]
    recall = endorsements.recall_start(
        actor=_acting_officer(barrio, logins, "candidate.nominate"),
        candidate=price,
        institution=barrio,
        reason="He pledged to give the oversight board subpoena power, then voted against it.",
    )
    _city_decides(logins, city, recall.question, "for")


def _current_cycle(
    institutions: dict[str, Institution],
    logins: dict[str, User],
    platform: Platform,
    city: Council,
    rng: Random,
) -> None:
    organizer = logins["organizer"]
    cycle = _cycle(logins, platform, city, "Riverside city and state elections 2027")
    maple = institutions["maple-street-block"]
    ana_account = next(v for v in _voters(maple) if v.pk not in {u.pk for u in logins.values()})
    ana, secret = _nominate(
        institutions, logins, cycle, ("maple-street-block", "grand-concourse-tenants"),
        name="Ana Ruiz", office="City Council", district="District 3", level="local",
        member=ana_account,
        profile="Nurse, tenant organizer at Grand Concourse, Maple Street member since 2019.",
    )  # fmt: skip
    ana = _endorse(institutions, logins, city, ana, secret, rng)

    # Deborah Chen applied, was nominated by two bodies, answered; the bodies are voting.
    applicant = logins["secretary"]
    chen, chen_secret = candidates.candidate_apply(
        actor=applicant, cycle=cycle, name="Deborah Chen", office="State Assembly",
        district="District 12", level="state",
        profile="Public-school teacher and union steward; ran the Harbor View assembly's "
        "campaign for a community land trust.",
    )  # fmt: skip
    for slug in ("harbor-view-assembly", "las-palmas-tenants"):
        candidates.nomination_add(
            actor=_acting_officer(institutions[slug], logins, "candidate.nominate"),
            candidate=chen, institution=institutions[slug],
            statement="She organised with us long before she ran.",
        )  # fmt: skip
    chen = endorsements.candidate_advance(actor=organizer, candidate=chen)
    _answer(chen, chen_secret, pledges=3)
    endorsements.rubric_score(actor=organizer, candidate=chen, scores={0: 4, 1: 5, 2: 3})
    _assemblies_vote(logins, chen, 0.7, rng, close=False)

    # Frank Doyle: nominated and answered, but the bodies voted him down.
    doyle, doyle_secret = _nominate(
        institutions, logins, cycle, ("willow-creek-hoa", "cedar-glen-hoa"),
        name="Frank Doyle", office="County Sheriff", level="local",
        profile="Former deputy; promises more patrols.",
    )  # fmt: skip
    doyle = endorsements.candidate_advance(actor=organizer, candidate=doyle)
    _answer(doyle, doyle_secret, pledges=1)
    _assemblies_vote(logins, doyle, 0.2, rng, close=True)

    # Tom Whitaker: one nomination of the two needed.
    _nominate(
        institutions, logins, cycle, ("river-road-220",),
        name="Tom Whitaker", office="Mayor", level="local",
        profile="Retired bus driver and River Road tenants' treasurer.",
    )  # fmt: skip
    ana.refresh_from_db()
    if ana.stage == Stage.ENDORSED:
        _campaign(institutions, logins, ana, rng)


def _campaign(
    institutions: dict[str, Institution], logins: dict[str, User], ana: Candidate, rng: Random
) -> None:
    """Ana Ruiz's campaign: Marcus manages, Sam canvasses half of Maple Street."""
    organizer, marcus, sam = logins["organizer"], logins["facilitator"], logins["resident"]
    maple = institutions["maple-street-block"]
    campaign = campaigns.campaign_create(
        actor=organizer, chapter=maple.chapter, title="Ana Ruiz for District 3",
        candidate=ana, election_date=ana.cycle.election_date,
    )  # fmt: skip
    campaigns.campaign_role_set(actor=organizer, campaign=campaign, user=marcus, role="manager")
    campaigns.campaign_role_set(actor=organizer, campaign=campaign, user=sam, role="canvasser")
    turfs = campaigns.turfs_split(actor=organizer, campaign=campaign, institution=maple, parts=2)
    campaigns.turf_canvassers_set(actor=organizer, turf=turfs[0], canvassers=[sam])
    event = Event.objects.filter(institution=maple).order_by("pk").first()
    if event is not None:
        campaigns.shifts_offer(actor=marcus, campaign=campaign, event=event)
    doors = list(turfs[0].addresses.order_by("address"))
    issues = ["land_trusts", "police", "direct_democracy", "ecology", "other"]
    for n, door in enumerate(doors[: (len(doors) * 2) // 3]):
        roll = rng.random()
        if roll < 0.3:
            campaigns.contact_log(actor=sam, turf=turfs[0], address=door, outcome="not_home")
        elif roll < 0.38:
            campaigns.contact_log(actor=sam, turf=turfs[0], address=door, outcome="refused")
        else:
            campaigns.contact_log(
                actor=sam, turf=turfs[0], address=door, outcome="talked",
                resident=f"Resident {n + 1}", support=rng.choice((2, 3, 4, 4, 5, 5)),
                issues=[rng.choice(issues)], follow_up=rng.random() < 0.25,
                note="Wants to hear more about the land trust." if n % 5 == 0 else "",
            )  # fmt: skip


def _petition(institutions: dict[str, Institution], logins: dict[str, User], rng: Random) -> None:
    """A ballot initiative for participatory budgeting in the city charter."""
    organizer = logins["organizer"]
    chapter = institutions["maple-street-block"].chapter
    petition = petitions.petition_create(
        actor=organizer, chapter=chapter, kind="initiative",
        title="Put participatory budgeting in the city charter",
        text="Residents decide each year, by their own vote, how 5% of the city's capital "
        "budget is spent.",
        jurisdiction=list(institutions.values()), target=400,
        deadline=timezone.localdate() + timedelta(days=60),
    )  # fmt: skip
    circulators = [logins["facilitator"], logins["secretary"], logins["resident"]]
    addresses = [
        a
        for body in institutions.values()
        for a in body.addresses.values_list("address", flat=True)
    ]
    today = timezone.localdate()
    sheets = []
    for n in range(12):
        sheets.append(
            petitions.sheet_log(
                actor=circulators[n % 3],
                petition=petition,
                label=f"S-{n + 1:03d}",
                signatures=rng.randint(14, 20),
                collected_on=today - timedelta(days=12 - n),
            )  # fmt: skip
        )
    people = [f"{first} {last}" for first in ("Ana", "Ben", "Carla", "Dev", "Eli", "Fatima",
              "Gus", "Hana", "Ivan", "June") for last in ("Lopez", "Park", "Smith", "Osei")]  # fmt: skip
    entered: list[tuple[str, str]] = []
    for sheet in sheets[:5]:
        lines = []
        for _line in range(sheet.signatures):
            roll = rng.random()
            if roll < 0.06:  # someone from outside Riverside
                lines.append((rng.choice(people), "12 Elsewhere Road, Hilltown"))
            elif roll < 0.1 and entered:  # someone who had signed already
                lines.append(rng.choice(entered))
            else:
                lines.append((rng.choice(people), rng.choice(addresses)))
        entered.extend(lines)
        petitions.signatures_enter(actor=organizer, sheet=sheet, lines=lines)
    petitions.signatures_check(actor=organizer, petition=petition)
