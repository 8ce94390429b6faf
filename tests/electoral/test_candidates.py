"""Endorsement cycles and candidates from the base: organizers set up a cycle, an
assembly's officers nominate a candidate (who gets a private link, shown once and
emailed), other assemblies second, a person applies. Refusals write nothing.

The fixtures here (``organizer``, ``platform``, ``cycle``, ``nominated``) are used by
the other candidate test files too."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(world):  # type: ignore[no-untyped-def]
    from bloc.institutions.services import chapter_organizer_add

    person = make_person("olga@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=person)
    return person


@pytest.fixture
def platform(world, organizer):  # type: ignore[no-untyped-def]
    from bloc.electoral.platforms import platform_create, priority_propose

    block = world.blocks["a"]
    priorities = [
        priority_propose(
            actor=block.facilitator, institution=block.institution, title=title, category=category
        )  # fmt: skip
        for title, category in (
            ("A land trust for every neighbourhood", "land_trusts"),
            ("Daylight the creek", "ecology"),
            ("A civilian police board", "police"),
        )
    ]
    return platform_create(
        actor=organizer, chapter=world.chapter, title="Platform 2027", priorities=priorities
    )


def in_days(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def cycle(world, organizer, platform):  # type: ignore[no-untyped-def]
    from bloc.electoral.candidates import cycle_create

    return cycle_create(
        actor=organizer,
        chapter=world.chapter,
        title="City elections 2027",
        election_date=timezone.localdate() + datetime.timedelta(days=120),
        council=world.city,
        platform=platform,
        nominations_needed=2,
        pledges_needed=2,
        answers_public_at=in_days(30),
    )


def nominate(world, cycle, key="a", **extra):  # type: ignore[no-untyped-def]
    from bloc.electoral.candidates import candidate_nominate

    block = world.blocks[key]
    fields = {"name": "Rosa Parks", "office": "City council", "district": "District 3",
              "level": "local", "email": "rosa@example.org",
              "statement": "Rosa has run our tenants' union for ten years."}  # fmt: skip
    fields.update(extra)
    return candidate_nominate(
        actor=block.facilitator, institution=block.institution, cycle=cycle, **fields
    )


@pytest.fixture
def nominated(world, cycle):  # type: ignore[no-untyped-def]
    """Rosa, nominated by Block A: (candidate, secret)."""
    return nominate(world, cycle)


def events(action):  # type: ignore[no-untyped-def]
    from bloc.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action))


# --- cycles -----------------------------------------------------------------------


def test_an_organizer_sets_up_a_cycle_with_the_default_rubric(cycle, organizer):
    from bloc.electoral.models import DEFAULT_RUBRIC

    assert cycle.rubric == DEFAULT_RUBRIC
    assert cycle.nominations_needed == 2 and cycle.questionnaire and cycle.assembly_votes
    assert cycle.created_by == organizer
    (event,) = events("cycle.create")
    assert (
        event.data["title"] == "City elections 2027" and event.data["council"] == cycle.council_id
    )


def test_only_organizers_set_up_a_cycle(world, platform):
    from bloc.electoral.candidates import cycle_create
    from bloc.electoral.models import Cycle

    with pytest.raises(PermissionDenied):
        cycle_create(actor=world.blocks["a"].facilitator, chapter=world.chapter, title="X",
                     election_date=timezone.localdate(), council=world.city,
                     platform=platform)  # fmt: skip
    assert not Cycle.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"election_date": timezone.localdate() - datetime.timedelta(days=1)}, "election_date"),
        ({"nominations_needed": 0}, "nominations_needed"),
        ({"assembly_percent": 0}, "assembly_percent"),
        ({"chapter_percent": 101}, "chapter_percent"),
        ({"pledges_needed": 4}, "pledges_needed"),  # the platform has 3 priorities
        ({"platform": None}, "pledges_needed"),  # pledges to no platform
        ({"rubric": ["", "  "]}, "rubric"),
        ({"answers_public_at": timezone.now() + datetime.timedelta(days=400)}, "answers_public_at"),
    ],
)
def test_a_bad_cycle_is_refused_and_nothing_is_written(world, organizer, platform, change, field):
    from bloc.electoral.candidates import cycle_create
    from bloc.electoral.models import Cycle

    values = {"title": "2027", "election_date": timezone.localdate() + datetime.timedelta(days=99),
              "council": world.city, "platform": platform, "pledges_needed": 3}  # fmt: skip
    values.update(change)
    with pytest.raises(ValidationFailed) as refused:
        cycle_create(actor=organizer, chapter=world.chapter, **values)
    assert field in refused.value.fields
    assert not Cycle.objects.exists() and not events("cycle.create")


def test_a_council_of_another_chapter_is_refused(world, organizer, platform):
    from bloc.confederation.councils import council_create
    from bloc.electoral.candidates import cycle_create
    from bloc.institutions.services import chapter_create

    other = chapter_create(actor=SYSTEM, name="Elsewhere", slug="elsewhere")
    council = council_create(actor=SYSTEM, chapter=other, name="Far", level=1)
    with pytest.raises(ValidationFailed) as refused:
        cycle_create(actor=organizer, chapter=world.chapter, title="2027",
                     election_date=timezone.localdate() + datetime.timedelta(days=9),
                     council=council, platform=platform)  # fmt: skip
    assert "council" in refused.value.fields


def test_an_organizer_changes_the_cycle_and_the_change_is_audited(cycle, organizer):
    from bloc.electoral.candidates import cycle_update

    cycle = cycle_update(actor=organizer, cycle=cycle, assembly_percent=66,
                         rubric=["Reach", "Reach", "Movement"])  # fmt: skip
    cycle.refresh_from_db()
    assert cycle.assembly_percent == 66 and cycle.rubric == ["Reach", "Movement"]
    (event,) = events("cycle.update")
    assert event.data == {"assembly_percent": 66, "rubric": ["Reach", "Movement"]}


def test_once_the_answers_are_public_their_time_stays(cycle, organizer):
    from bloc.electoral.candidates import cycle_update
    from bloc.electoral.models import Cycle

    Cycle.objects.filter(pk=cycle.pk).update(answers_public_at=in_days(-1))
    cycle.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        cycle_update(actor=organizer, cycle=cycle, answers_public_at=in_days(10))
    assert refused.value.code == "answers_public"


def test_only_organizers_change_a_cycle(world, cycle):
    from bloc.electoral.candidates import cycle_update

    with pytest.raises(PermissionDenied):
        cycle_update(actor=world.blocks["a"].facilitator, cycle=cycle, title="Mine")
    cycle.refresh_from_db()
    assert cycle.title == "City elections 2027"


# --- nominating -------------------------------------------------------------------


def test_an_assembly_nominates_a_candidate_and_the_link_is_emailed(
    world, cycle, django_capture_on_commit_callbacks
):
    from bloc.electoral.models import Nomination, Stage
    from bloc.electoral.questionnaires import candidate_by_secret

    with django_capture_on_commit_callbacks(execute=True):
        candidate, secret = nominate(world, cycle)
    assert candidate.stage == Stage.NOMINATION and not candidate.applied
    assert candidate_by_secret(secret) == candidate
    assert secret not in candidate.token_hash  # only its hash is kept
    (nomination,) = Nomination.objects.filter(candidate=candidate)
    assert nomination.institution == world.blocks["a"].institution
    assert nomination.statement.startswith("Rosa has run")
    (email,) = mail.outbox
    assert email.to == ["rosa@example.org"] and f"/electoral/answer/{secret}/" in email.body
    (event,) = events("candidate.nominate")
    assert event.data["institution"] == "block-a" and event.data["office"] == "City council"
    assert secret not in str(event.data) and "rosa@example.org" not in str(event.data)


def test_a_member_is_nominated_with_their_account_name_and_email(
    world, cycle, django_capture_on_commit_callbacks
):
    member = world.blocks["a"].people[2]
    with django_capture_on_commit_callbacks(execute=True):
        candidate, _secret = nominate(world, cycle, name="", email="", member=member)
    assert candidate.member == member and candidate.name == member.full_name
    assert candidate.email == member.email
    assert mail.outbox[0].to == [member.email]


def test_only_a_member_of_the_assembly_can_be_linked(world, cycle):
    from bloc.electoral.models import Candidate

    with pytest.raises(ValidationFailed) as refused:
        nominate(world, cycle, member=world.blocks["c"].people[1])
    assert "member" in refused.value.fields
    assert not Candidate.objects.exists()


def test_a_member_without_an_officers_role_cannot_nominate(world, cycle):
    from bloc.electoral.candidates import candidate_nominate
    from bloc.electoral.models import Candidate

    block = world.blocks["a"]
    with pytest.raises(PermissionDenied):
        candidate_nominate(actor=block.people[2], institution=block.institution, cycle=cycle,
                           name="Me", office="Mayor", level="local")  # fmt: skip
    assert not Candidate.objects.exists() and not events("candidate.nominate")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"office": " "}, "office"),
        ({"level": "galactic"}, "level"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"email": "not an email"}, "email"),
        ({"profile": "x" * 5001}, "profile"),
    ],
)
def test_a_bad_nomination_is_refused_and_nothing_is_written(world, cycle, change, field):
    from bloc.electoral.models import Candidate, Nomination

    with pytest.raises(ValidationFailed) as refused:
        nominate(world, cycle, **change)
    assert field in refused.value.fields
    assert not Candidate.objects.exists() and not Nomination.objects.exists()
    assert not mail.outbox


def test_the_same_candidate_for_the_same_office_is_refused(world, nominated, cycle):
    from bloc.electoral.models import Candidate

    with pytest.raises(Conflict) as refused:
        nominate(world, cycle, key="b", name="rosa parks", office="city council")
    assert refused.value.code == "duplicate_candidate"
    assert "second" in refused.value.message
    assert Candidate.objects.count() == 1


def test_no_nomination_once_the_election_has_taken_place(world, cycle):
    from bloc.electoral.models import Candidate, Cycle

    Cycle.objects.filter(pk=cycle.pk).update(election_date=timezone.localdate())
    cycle.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        nominate(world, cycle)
    assert refused.value.code == "election_past"
    assert not Candidate.objects.exists()


def test_an_assembly_of_another_chapter_cannot_nominate(world, cycle):
    from bloc.electoral.candidates import candidate_nominate
    from bloc.institutions.services import chapter_create, chapter_organizer_add, institution_create

    other = chapter_create(actor=SYSTEM, name="Elsewhere", slug="elsewhere")
    far = institution_create(actor=SYSTEM, chapter=other, name="Far Block", slug="far",
                             kind="block_association", addresses=["1 Far Street"])  # fmt: skip
    boss = make_person("boss@example.org", "Boss")
    chapter_organizer_add(actor=SYSTEM, chapter=other, user=boss)
    with pytest.raises(ValidationFailed) as refused:
        candidate_nominate(actor=boss, institution=far, cycle=cycle, name="X", office="Mayor",
                           level="local")  # fmt: skip
    assert refused.value.code == "wrong_chapter"


# --- seconding --------------------------------------------------------------------


def test_other_assemblies_second_once_each(world, nominated):
    from bloc.electoral.candidates import nomination_add
    from bloc.electoral.models import Nomination

    candidate, _secret = nominated
    b = world.blocks["b"]
    nomination_add(actor=b.facilitator, candidate=candidate, institution=b.institution,
                   statement="She fixed our boiler campaign.")  # fmt: skip
    with pytest.raises(Conflict) as refused:
        nomination_add(actor=b.facilitator, candidate=candidate, institution=b.institution)
    assert refused.value.code == "already_nominated"
    a = world.blocks["a"]
    with pytest.raises(Conflict):
        nomination_add(actor=a.facilitator, candidate=candidate, institution=a.institution)
    assert Nomination.objects.filter(candidate=candidate).count() == 2
    assert len(events("candidate.second")) == 1


def test_the_database_allows_one_nomination_per_assembly(world, nominated):
    from django.db import IntegrityError, transaction

    from bloc.electoral.models import Nomination

    candidate, _secret = nominated
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(candidate=candidate, institution=world.blocks["a"].institution)


def test_an_assembly_cannot_second_without_its_officer(world, nominated):
    from bloc.electoral.candidates import nomination_add
    from bloc.electoral.models import Nomination

    candidate, _secret = nominated
    b = world.blocks["b"]
    with pytest.raises(PermissionDenied):
        nomination_add(actor=b.people[1], candidate=candidate, institution=b.institution)
    assert Nomination.objects.filter(candidate=candidate).count() == 1


def test_a_withdrawn_candidate_is_not_seconded(world, nominated):
    from bloc.electoral.candidates import nomination_add
    from bloc.electoral.questionnaires import candidate_withdraw

    candidate, secret = nominated
    candidate_withdraw(secret=secret)
    b = world.blocks["b"]
    with pytest.raises(Conflict) as refused:
        nomination_add(actor=b.facilitator, candidate=candidate, institution=b.institution)
    assert refused.value.code == "not_running"


# --- applying ---------------------------------------------------------------------


def test_a_person_applies_and_still_needs_the_assemblies(
    world, cycle, django_capture_on_commit_callbacks
):
    from bloc.electoral.candidates import candidate_apply
    from bloc.electoral.models import Stage

    person = world.blocks["d"].people[3]
    with django_capture_on_commit_callbacks(execute=True):
        candidate, secret = candidate_apply(actor=person, cycle=cycle, office="Mayor",
                                            level="local", profile="Bus driver.")  # fmt: skip
    assert candidate.applied and candidate.member == person and candidate.name == person.full_name
    assert candidate.stage == Stage.NOMINATION and not candidate.nominations.exists()
    assert mail.outbox[0].to == [person.email] and secret in mail.outbox[0].body
    (event,) = events("candidate.apply")
    assert secret not in str(event.data)


def test_applying_needs_an_account_and_once_per_cycle(world, cycle):
    from django.contrib.auth.models import AnonymousUser

    from bloc.electoral.candidates import candidate_apply
    from bloc.electoral.models import Candidate

    with pytest.raises(PermissionDenied):
        candidate_apply(actor=AnonymousUser(), cycle=cycle, office="Mayor", level="local")
    person = world.blocks["d"].people[3]
    candidate_apply(actor=person, cycle=cycle, office="Mayor", level="local")
    with pytest.raises(Conflict):
        candidate_apply(actor=person, cycle=cycle, office="Sheriff", level="local")
    assert Candidate.objects.count() == 1


# --- the profile by the link ------------------------------------------------------


def test_the_candidate_updates_their_profile_by_the_link(nominated):
    from bloc.electoral.candidates import candidate_profile_update

    candidate, secret = nominated
    candidate_profile_update(secret=secret, profile="Tenant organizer.",
                             website="https://rosa.example.org")  # fmt: skip
    candidate.refresh_from_db()
    assert candidate.profile == "Tenant organizer."
    assert candidate.website == "https://rosa.example.org"
    (event,) = events("candidate.profile")
    assert event.data == {"by": f"candidate:{candidate.pk}", "fields": ["profile", "website"]}
    assert secret not in str(event.data)


def test_a_bad_profile_or_a_wrong_link_writes_nothing(nominated):
    from bloc.core.errors import NotFound
    from bloc.electoral.candidates import candidate_profile_update

    candidate, secret = nominated
    with pytest.raises(ValidationFailed):
        candidate_profile_update(secret=secret, profile="Hi", website="ftp://nope")
    with pytest.raises(NotFound):
        candidate_profile_update(secret=secret + "x", profile="Hi", website="")
    candidate.refresh_from_db()
    assert candidate.profile == "" and not events("candidate.profile")
