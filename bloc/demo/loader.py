"""Load the demo chapter, idempotently: running it again adds nothing.

Everything is written through the services (so the audit log records it)
from a fixed random seed, and each step looks for what an earlier run made
before making it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from random import Random

from django.db import transaction
from django.utils import timezone

from bloc.accounts import services as account_services
from bloc.accounts.models import User
from bloc.actors import SYSTEM
from bloc.demo import people
from bloc.demo.budgeting import load_budgets
from bloc.demo.chapter import ALL_ADDRESSES, BOUNDARIES, INSTITUTIONS, RULES
from bloc.demo.concerns import load_concerns
from bloc.demo.confederation import load_confederation
from bloc.demo.decisions import load_decisions
from bloc.demo.electoral import load_electoral
from bloc.demo.events import load_events
from bloc.demo.hub import load_hub
from bloc.demo.listening import load_listening, load_opinion
from bloc.demo.meetings import load_meetings
from bloc.institutions import services as institution_services
from bloc.institutions.models import Chapter, Institution
from bloc.membership import roles as role_services
from bloc.membership import services as membership_services
from bloc.membership.models import Membership, Role, RoleTerm, VerificationMethod

SEED = 2026
RESIDENTS = 320
DEMO_PASSWORD = "bloc-demo-2026"  # noqa: S105 - published on purpose: these are demo logins
CHAPTER_SLUG = "riverside"

# How likely a resident of an area is to have joined each kind of body.
JOIN_RATE = {
    "block_association": 0.8,
    "tenants_union": 0.85,
    "building_meeting": 0.9,
    "hoa": 0.95,
    "neighborhood_club": 0.6,
    "assembly": 0.55,
    "town_hall": 0.35,
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    what: str


LOGINS = (
    DemoLogin("admin@demo.bloc.example", "Alex Admin", "administrator (staff)"),
    DemoLogin("organizer@demo.bloc.example", "Rosa Delgado", "organizer of the Riverside chapter"),
    DemoLogin(
        "facilitator@demo.bloc.example",
        "Marcus Green",
        "facilitator of the Maple Street Block Association",
    ),
    DemoLogin(
        "secretary@demo.bloc.example",
        "Lucía Herrera",
        "secretary of the Maple Street Block Association",
    ),
    DemoLogin(
        "resident@demo.bloc.example",
        "Sam Okafor",
        "verified member of Maple Street and Riverside North",
    ),
)


@dataclass
class Summary:
    created_users: int = 0
    created_institutions: int = 0
    created_memberships: int = 0


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _resident_rows(rng: Random) -> list[tuple[str, str, str, str]]:
    """(email, name, address, language) for each demo resident, always the same."""
    rows = []
    for index in range(RESIDENTS):
        spanish = rng.random() < 0.45
        first = rng.choice(people.SPANISH_FIRST if spanish else people.ENGLISH_FIRST)
        last = rng.choice(people.SPANISH_LAST if spanish else people.ENGLISH_LAST)
        if spanish and rng.random() < 0.5:
            last = f"{last} {rng.choice(people.SPANISH_LAST)}"
        address = rng.choice(ALL_ADDRESSES)
        language = "es" if spanish and rng.random() < 0.7 else "en"
        local = _ascii(f"{first}.{last}").replace(" ", "-").replace("'", "")
        rows.append((f"{local}.{index}@example.org", f"{first} {last}", address, language))
    return rows


def load_demo() -> Summary:
    summary = Summary()
    rng = Random(SEED)
    with transaction.atomic():
        chapter = Chapter.objects.filter(
            slug=CHAPTER_SLUG
        ).first() or institution_services.chapter_create(
            actor=SYSTEM, name="Riverside", slug=CHAPTER_SLUG, city="Riverside"
        )
        institutions: dict[str, Institution] = {}
        for spec in INSTITUTIONS:
            existing = Institution.objects.filter(slug=spec.slug).first()
            if existing is None:
                existing = institution_services.institution_create(
                    actor=SYSTEM,
                    chapter=chapter,
                    name=spec.name,
                    kind=spec.kind,
                    slug=spec.slug,
                    description=spec.description,
                    addresses=spec.addresses,
                    boundary=BOUNDARIES.get(spec.slug),
                    rules=RULES.get(spec.slug),
                )
                summary.created_institutions += 1
            institutions[spec.slug] = existing

        logins = _load_logins(chapter, institutions, summary)
        residents = _load_residents(rng, summary)
        _load_memberships(rng, institutions, residents, summary)
        _load_roles(rng, institutions, logins)
        _load_history(institutions, logins)
        load_decisions(institutions, logins)
        load_concerns(institutions, logins)
        load_events(institutions, logins)
        load_meetings(institutions, logins)
        load_budgets(institutions, logins)
        load_confederation(institutions, logins)
        load_electoral(institutions, logins)
        load_listening(institutions, logins)
        load_opinion(institutions, logins)
        load_hub(chapter, institutions)
    return summary


def _load_logins(
    chapter: Chapter, institutions: dict[str, Institution], summary: Summary
) -> dict[str, User]:
    users: dict[str, User] = {}
    for login in LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = account_services.user_signup(
                actor=SYSTEM,
                email=login.email,
                password=DEMO_PASSWORD,
                full_name=login.full_name,
                preferred_language="es" if login.full_name.startswith(("Rosa", "Lucía")) else "en",
                address="112 Maple Street" if "Maple" in login.what else "",
            )
            summary.created_users += 1
        users[login.email.split("@")[0]] = user
    admin = users["admin"]
    if not admin.is_staff:
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    institution_services.chapter_organizer_add(
        actor=SYSTEM, chapter=chapter, user=users["organizer"]
    )
    maple = institutions["maple-street-block"]
    north = institutions["riverside-north-assembly"]
    for key in ("facilitator", "secretary", "resident"):
        for institution in (maple, north):
            membership = membership_services.membership_join(
                actor=SYSTEM, institution=institution, user=users[key]
            )
            membership_services.membership_verify(
                actor=SYSTEM, membership=membership, method=VerificationMethod.IN_PERSON
            )
    return users


def _load_residents(rng: Random, summary: Summary) -> list[User]:
    residents = []
    for email, name, address, language in _resident_rows(rng):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = account_services.resident_register(
                actor=SYSTEM,
                email=email,
                full_name=name,
                address=address,
                preferred_language=language,
            )
            summary.created_users += 1
        residents.append(user)
    return residents


def _load_memberships(
    rng: Random, institutions: dict[str, Institution], residents: list[User], summary: Summary
) -> None:
    covering: dict[str, list[tuple[Institution, str]]] = {}
    for spec in INSTITUTIONS:
        for address in spec.addresses:
            covering.setdefault(address, []).append((institutions[spec.slug], spec.kind))
    existing = set(Membership.objects.values_list("institution_id", "user_id"))
    methods = [VerificationMethod.IN_PERSON, VerificationMethod.VOUCHING, VerificationMethod.LETTER]
    for user in residents:
        for institution, kind in covering.get(user.address, []):
            joins = rng.random() < JOIN_RATE[kind]
            verified = rng.random() < 0.7
            method = rng.choice(methods)
            if not joins:
                continue
            if (institution.pk, user.pk) not in existing:
                summary.created_memberships += 1
            membership = membership_services.membership_join(
                actor=SYSTEM, institution=institution, user=user
            )
            if verified:
                membership_services.membership_verify(
                    actor=SYSTEM, membership=membership, method=method
                )


def _load_roles(rng: Random, institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    today = timezone.localdate()
    starts, ends = today - timedelta(days=120), today + timedelta(days=245)
    named = {
        ("maple-street-block", Role.FACILITATOR): logins["facilitator"],
        ("maple-street-block", Role.SECRETARY): logins["secretary"],
    }
    for slug, institution in institutions.items():
        members = list(
            Membership.objects.filter(institution=institution, verified_at__isnull=False).order_by(
                "user__email"
            )
        )
        shuffled = rng.sample(members, k=len(members))
        roles = [Role.FACILITATOR, Role.SECRETARY, Role.TREASURER]
        if institution.kind == "assembly":
            roles.append(Role.DELEGATE)
        for role in roles:
            holder = named.get((slug, role))
            membership = (
                next(m for m in members if m.user_id == holder.pk)
                if holder
                else next(
                    (m for m in shuffled if m.user_id not in {u.pk for u in logins.values()}), None
                )
            )
            if membership is None:
                continue
            shuffled = [m for m in shuffled if m.pk != membership.pk]
            if RoleTerm.objects.filter(membership__institution=institution, role=role).exists():
                continue
            role_services.role_term_assign(
                actor=SYSTEM, membership=membership, role=role, starts_on=starts, ends_on=ends
            )


def _load_history(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    """An earlier term (so rotation and term limits have a past), a custom role, real vouches."""
    today = timezone.localdate()
    maple = institutions["maple-street-block"]
    facilitator = Membership.objects.get(institution=maple, user=logins["facilitator"])
    earlier = dict(starts_on=today - timedelta(days=485), ends_on=today - timedelta(days=120))
    if not RoleTerm.objects.filter(membership=facilitator, **earlier).exists():
        role_services.role_term_assign(
            actor=SYSTEM, membership=facilitator, role=Role.FACILITATOR, **earlier
        )
    market = institutions["market-street-club"]
    keeper = (
        Membership.objects.filter(institution=market, verified_at__isnull=False)
        .order_by("user__email")
        .first()
    )
    if keeper and not RoleTerm.objects.filter(membership=keeper, role="garden-keeper").exists():
        role_services.role_term_assign(
            actor=SYSTEM,
            membership=keeper,
            role="garden-keeper",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=335),
        )
    # Two verified neighbours vouch for the first unverified member of Maple Street.
    # (Chosen the same way on every run, so running the demo again adds nothing.)
    waiting = (
        Membership.objects.filter(institution=maple)
        .exclude(verification_method__in=[VerificationMethod.IN_PERSON, VerificationMethod.LETTER])
        .exclude(user__in=logins.values())
        .order_by("user__email")
        .first()
    )
    if waiting is not None:
        for login in ("resident", "secretary"):
            membership_services.vouch_give(actor=logins[login], vouchee=waiting)
