"""Demo electoral work: Riverside's platform, its endorsement cycles, an officeholder's
scorecard, a canvassing campaign and a petition. Everything goes through the services,
with ballots cast by the demo's residents (a fixed seed):

* the bodies proposed nine priorities; the platform of seven was ranked by all ten
  bodies' Schulze polls and published (one assembly, one vote);
"""

from __future__ import annotations

from random import Random

from bloc import permissions
from bloc.accounts.models import User
from bloc.decisions import voting
from bloc.demo.confederation import _close_now, _soon, _voters
from bloc.electoral import platforms
from bloc.electoral.models import Platform, PlatformBallot
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


def load_electoral(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    load_platform(institutions, logins)
