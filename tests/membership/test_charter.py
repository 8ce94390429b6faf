"""The democratic charter of an institution: its assessment, its adoption, the page and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.core.bylaws import BylawsSettings
from bloc.core.charter import Point, Status
from bloc.core.errors import PermissionDenied
from bloc.institutions import selectors
from bloc.institutions.models import BylawsVersion
from bloc.institutions.services import (
    bylaws_amend,
    chapter_create,
    chapter_organizer_add,
    institution_create,
)
from bloc.membership.charter import (
    REASON_SENTENCES,
    STEP_SENTENCES,
    charter_adopt,
    charter_assess,
    charter_text,
    reason_text,
)
from bloc.membership.models import Membership
from bloc.membership.roles import role_term_assign
from bloc.membership.services import membership_join, membership_verify
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

OAK_ADDRESSES = ["1 Oak Street", "3 Oak Street", "5 Oak Street", "7 Oak Street"]
OAK_RULES = BylawsSettings(
    vouches_required=3, vouches_per_month=1, letter_code_days=20, custom_roles=("gardener",)
)


@pytest.fixture
def oak(db):  # type: ignore[no-untyped-def]
    """A tenants' union with the default bylaws: no quorum, no terms, no recall, no records."""
    chapter = chapter_create(actor=SYSTEM, name="Eastside", slug="eastside")
    return institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Oak Street Tenants",
        slug="oak",
        kind="tenants_union",
        addresses=OAK_ADDRESSES,
        rules=OAK_RULES,
        bylaws_text="We meet when we can.",
    )


def join(institution, email, name, address, *, verified=False):  # type: ignore[no-untyped-def]
    person = make_person(email, name, address=address)
    membership = membership_join(actor=SYSTEM, institution=institution, user=person)
    if verified:
        membership_verify(actor=SYSTEM, membership=membership)
    return person


@pytest.fixture
def fran(oak):  # type: ignore[no-untyped-def]
    """Oak Street's facilitator, a verified member, in her first term."""
    person = join(oak, "fran@example.org", "Fran Facilitator", "1 Oak Street", verified=True)
    today = timezone.localdate()
    role_term_assign(
        actor=SYSTEM,
        membership=Membership.objects.get(user=person),
        role="facilitator",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
    )
    return person


@pytest.fixture
def milo(oak):  # type: ignore[no-untyped-def]
    """A verified member of Oak Street who holds no role."""
    return join(oak, "milo@example.org", "Milo Member", "3 Oak Street", verified=True)


def adopted_versions():  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(action="charter.adopt")


# --- assessment ---------------------------------------------------------------------------


def test_a_fresh_institution_is_far_from_the_charter(oak):
    assessment = charter_assess(institution=oak)
    assert [p.status for p in assessment.points] == [
        Status.MET,  # open membership: the default bylaws
        Status.MET,  # one member one vote
        Status.MISSING,  # quorum
        Status.MISSING,  # rotation
        Status.MISSING,  # recall
        Status.MISSING,  # public records
        Status.PARTLY,  # decisions by the members: no one is verified yet
    ]
    assert assessment.percent == 35
    assert assessment.next_step.code == "adopt_charter"


def test_a_role_held_past_a_lowered_limit_makes_rotation_partly_met(oak, fran):
    # Fran served two earlier terms, then the limit was set to two: her third is past it.
    membership = Membership.objects.get(user=fran)
    today = timezone.localdate()
    for years_ago in (2, 1):
        start = today - timedelta(days=30 + 365 * years_ago)
        role_term_assign(
            actor=SYSTEM,
            membership=membership,
            role="facilitator",
            starts_on=start,
            ends_on=start + timedelta(days=365),
        )
    bylaws_amend(
        actor=SYSTEM,
        institution=oak,
        text="",
        rules={**OAK_RULES.to_dict(), "term_months": 12, "term_limit": 2},
    )
    rotation = charter_assess(institution=oak)[Point.ROTATION]
    assert rotation.status is Status.PARTLY
    assert [(r.code, r.params) for r in rotation.reasons] == [
        ("roles_past_limit", {"count": 1, "limit": 2})
    ]
    assert reason_text(rotation.reasons[0]) == (
        "One role-holder has served more terms in a row than the limit of 2."
    )


def test_a_role_left_empty_after_its_term_is_unfilled(oak, milo):
    today = timezone.localdate()
    role_term_assign(
        actor=SYSTEM,
        membership=Membership.objects.get(user=milo),
        role="treasurer",
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=60),
    )
    charter_adopt(actor=SYSTEM, institution=oak, language="en")
    assessment = charter_assess(institution=oak)
    assert assessment[Point.ROTATION].reasons[0].code == "roles_unfilled"
    assert assessment.next_step.code == "elect_role_holders"


def test_residents_left_unverified_for_a_month_are_waiting(oak):
    join(oak, "wes@example.org", "Wes Waiting", "5 Oak Street")
    Membership.objects.update(joined_at=timezone.now() - timedelta(days=45))
    point = charter_assess(institution=oak)[Point.OPEN_MEMBERSHIP]
    assert point.status is Status.PARTLY
    assert point.reasons[0].params == {"count": 1, "days": 30}


def test_an_institution_that_adopts_and_practises_the_charter_meets_it_all(oak, fran, milo):
    charter_adopt(actor=fran, institution=oak, language="en")
    assessment = charter_assess(institution=oak)
    assert assessment.percent == 100
    assert assessment.next_step.code == "keep_practising"


def test_the_assessment_takes_five_queries_however_many_terms(
    oak, fran, milo, django_assert_num_queries
):
    today = timezone.localdate()
    role_term_assign(
        actor=SYSTEM,
        membership=Membership.objects.get(user=milo),
        role="secretary",
        starts_on=today,
        ends_on=today + timedelta(days=200),
    )
    with django_assert_num_queries(5):
        charter_assess(institution=oak)


# --- adoption -------------------------------------------------------------------------------


def test_adoption_fills_the_settings_and_the_text_in_both_languages(oak, fran):
    first = selectors.bylaws_current(institution=oak)
    version = charter_adopt(actor=fran, institution=oak, language="es")

    assert version.number == first.number + 1
    rules = selectors.bylaws_settings(institution=oak)
    assert (rules.quorum_percent, rules.term_months, rules.term_limit) == (10, 12, 2)
    assert rules.open_membership and rules.one_member_one_vote and rules.member_decisions
    assert rules.recall and rules.public_records
    # What the charter does not speak of stays as the members set it.
    assert (rules.vouches_required, rules.vouches_per_month, rules.letter_code_days) == (3, 1, 20)
    assert rules.custom_roles == ("gardener",)

    text = version.text
    # The person who recorded it wrote in Spanish: the Spanish version comes first.
    assert text.index("ESTATUTOS DE OAK STREET TENANTS") < text.index(
        "BYLAWS OF OAK STREET TENANTS"
    )
    assert "Versión en español" in text and "English version" in text
    assert "at least 10% of the verified members" in text
    assert "al menos el 10 % de los miembros verificados" in text
    assert "A term lasts 12 months. No one may hold the same role for more than 2 terms" in text
    assert "1 Oak Street; 3 Oak Street" in text
    assert "3 verified members vouch" in text and "gardener" in text
    assert "&#x27;" not in text and "&amp;" not in text  # plain text, not HTML-escaped

    # The earlier version stays as it was.
    first.refresh_from_db()
    assert first.text == "We meet when we can."
    assert first.rules == OAK_RULES.to_dict()
    assert BylawsVersion.objects.filter(institution=oak).count() == 2

    oak.refresh_from_db()
    assert oak.charter_adopted_at == version.changed_at
    event = adopted_versions().get()
    assert event.actor == f"user:{fran.pk}"
    assert event.data["version"] == version.number
    assert "quorum_percent" in event.data["settings_changed"]


def test_stricter_terms_and_a_higher_quorum_are_kept(oak):
    bylaws_amend(
        actor=SYSTEM,
        institution=oak,
        text="",
        rules={**OAK_RULES.to_dict(), "quorum_percent": 25, "term_months": 6, "term_limit": 1},
    )
    charter_adopt(actor=SYSTEM, institution=oak, language="en")
    rules = selectors.bylaws_settings(institution=oak)
    assert (rules.quorum_percent, rules.term_months, rules.term_limit) == (25, 6, 1)


@pytest.mark.parametrize("language", ["en", "en-us", "fr", ""])
def test_english_comes_first_for_english_and_for_languages_without_bylaws(oak, language):
    text = charter_text(
        institution=oak, settings=selectors.bylaws_settings(institution=oak), language=language
    )
    assert text.startswith("BYLAWS OF OAK STREET TENANTS")
    assert "ESTATUTOS DE OAK STREET TENANTS" in text


def test_an_institution_with_only_a_boundary_describes_its_area(oak):
    oak.addresses.all().delete()
    oak.boundary = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    text = charter_text(institution=oak, settings=BylawsSettings(), language="en")
    assert "is the land inside the boundary recorded in its register of the area." in text


def test_a_member_without_a_role_cannot_adopt_and_nothing_is_written(oak, fran, milo):
    for actor in (milo, make_person("out@example.org", "Outsider")):
        with pytest.raises(PermissionDenied):
            charter_adopt(actor=actor, institution=oak, language="en")
    assert BylawsVersion.objects.filter(institution=oak).count() == 1
    assert not adopted_versions().exists()
    oak.refresh_from_db()
    assert oak.charter_adopted_at is None


def test_an_anonymous_visitor_cannot_adopt(oak):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        charter_adopt(actor=AnonymousUser(), institution=oak, language="en")
    assert not adopted_versions().exists()


def test_every_reason_and_step_of_the_core_has_words():
    from bloc.core.charter import PRACTICE_PRIORITY

    steps = {step for _code, step in PRACTICE_PRIORITY} | {
        "adopt_charter",
        "amend_bylaws",
        "keep_practising",
    }
    assert steps == set(STEP_SENTENCES)
    assert {code for code, _step in PRACTICE_PRIORITY} <= set(REASON_SENTENCES)


# --- the page -------------------------------------------------------------------------------


def charter_url() -> str:
    return reverse("institutions:charter", args=["oak"])


def test_a_member_sees_each_point_in_words_without_the_adopt_form(client, oak, fran, milo):
    client.force_login(milo)
    response = client.get(charter_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Rotation of roles with term limits" in page
    assert "The bylaws set no quorum, so a handful of people can decide for everyone." in page
    assert "Missing" in page and "Met" in page
    assert "Adopt the charter: the bylaws fall short on 4 points" in page
    assert "42 out of 100" in page  # Milo is verified: the members can decide
    assert reverse("institutions:charter_adopt", args=["oak"]) not in page


def test_a_facilitator_adopts_the_charter_from_the_page(client, oak, fran):
    client.force_login(fran)
    page = client.get(charter_url()).content.decode()
    assert reverse("institutions:charter_adopt", args=["oak"]) in page
    assert "A decision needs a quorum of 10% of the verified members." in page
    assert (
        "A term lasts 12 months. No one may hold the same role for more than 2 terms"
        in " ".join(page.split())
    )

    response = client.post(reverse("institutions:charter_adopt", args=["oak"]), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == charter_url()
    oak.refresh_from_db()
    assert oak.charter_adopted_at is not None
    page = client.get(charter_url()).content.decode()
    assert "The members adopted the charter on" in page
    assert "Every point of the charter is met." in page


def test_adopting_without_confirming_the_members_decision_writes_nothing(client, oak, fran):
    client.force_login(fran)
    response = client.post(reverse("institutions:charter_adopt", args=["oak"]), {})
    assert response.status_code == 422
    assert "Tick the box to confirm that the members decided this." in response.content.decode()
    assert not adopted_versions().exists()


def test_a_member_posting_the_adoption_is_refused(client, oak, fran, milo):
    client.force_login(milo)
    response = client.post(reverse("institutions:charter_adopt", args=["oak"]), {"confirm": "on"})
    assert response.status_code == 403
    assert not adopted_versions().exists()


def test_a_chapter_organizer_sees_the_page(client, oak):
    organizer = make_person("org@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=oak.chapter, user=organizer)
    client.force_login(organizer)
    assert client.get(charter_url()).status_code == 200


def test_a_non_member_gets_the_translated_refusal_page(client, oak, bob):
    client.force_login(bob)  # Bob reads Spanish
    response = client.get(charter_url())
    assert response.status_code == 403
    assert "Rotation of roles" not in response.content.decode()


def test_an_anonymous_visitor_is_asked_to_log_in(client, oak):
    response = client.get(charter_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_institution_is_not_found(client, milo):
    client.force_login(milo)
    assert client.get(reverse("institutions:charter", args=["nowhere"])).status_code == 404


def test_the_page_works_in_spanish(client, oak, milo):
    milo.preferred_language = "es"
    milo.save()
    client.force_login(milo)
    response = client.get(charter_url(), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()


# --- the API --------------------------------------------------------------------------------


def bearer(person):  # type: ignore[no-untyped-def]
    from bloc.accounts.services import api_token_create

    _token, secret = api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_gives_the_assessment_in_words(client, oak, milo):
    response = client.get("/api/v1/institutions/oak/charter", **bearer(milo))
    assert response.status_code == 200
    body = response.json()
    assert body["percent"] == 42
    assert body["score"] == "3/7"
    assert body["adopted_at"] is None
    assert [p["code"] for p in body["points"]] == [
        "open_membership",
        "one_member_one_vote",
        "quorum",
        "rotation",
        "recall",
        "public_records",
        "member_decisions",
    ]
    quorum = body["points"][2]
    assert quorum["status"] == "missing"
    assert quorum["reasons"][0]["code"] == "no_quorum"
    assert quorum["reasons"][0]["source"] == "bylaws"
    assert quorum["reason"].startswith("The bylaws set no quorum")
    assert body["next_step"]["code"] == "adopt_charter"


def test_the_api_refuses_outsiders_and_anonymous_callers(client, oak, bob):
    refused = client.get("/api/v1/institutions/oak/charter", **bearer(bob))
    assert refused.status_code == 403
    assert refused.json()["code"] == "members_only"
    assert client.get("/api/v1/institutions/oak/charter").status_code == 401
    missing = client.get("/api/v1/institutions/nowhere/charter", **bearer(bob))
    assert missing.status_code == 404


def test_the_api_adopts_the_charter_for_a_facilitator_only(client, oak, fran, milo):
    url = "/api/v1/institutions/oak/charter/adopt"
    refused = client.post(url, {}, content_type="application/json", **bearer(milo))
    assert refused.status_code == 403
    assert not adopted_versions().exists()

    response = client.post(url, {"language": "es"}, content_type="application/json", **bearer(fran))
    assert response.status_code == 200
    body = response.json()
    assert body["percent"] == 100
    assert body["adopted_at"] is not None
    assert body["bylaws_version"] == 2
    text = selectors.bylaws_current(institution=oak).text
    assert text.startswith("ESTATUTOS DE OAK STREET TENANTS")
