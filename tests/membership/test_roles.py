"""Roles, rotation and recall petitions: services, the rotation page and the API.

Personas of Maple Street Block (term limit 2, terms of 12 months, a custom
"garden-keeper" role): Fran the facilitator, Alice, Carol and Dan verified
members, Uma a member not yet verified, Nina a verified member of another
institution, and anonymous visitors.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.core.bylaws import BylawsSettings
from bloc.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from bloc.institutions.services import chapter_create, institution_create
from bloc.membership import roles
from bloc.membership.models import RecallPetition, RecallSignature, RoleTerm
from bloc.membership.services import membership_join, membership_leave, membership_verify
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

RULES = BylawsSettings(term_limit=2, term_months=12, custom_roles=("garden-keeper",))
ADDRESSES = ["1 Maple Street", "2 Maple Street", "3 Maple Street", "4 Maple Street"]


def days(n: int):  # type: ignore[no-untyped-def]
    return timezone.localdate() + timedelta(days=n)


def resident(institution, email: str, name: str, *, verified: bool = True):  # type: ignore[no-untyped-def]
    user = make_person(email, name, address="2 Maple St.")
    membership = membership_join(actor=SYSTEM, institution=institution, user=user)
    if verified:
        membership = membership_verify(actor=SYSTEM, membership=membership)
    return membership


def assign(membership, role: str, start: int, end: int) -> RoleTerm:  # type: ignore[no-untyped-def]
    """A term from ``start`` to ``end`` days from today, recorded by bloc itself."""
    return roles.role_term_assign(
        actor=SYSTEM, membership=membership, role=role, starts_on=days(start), ends_on=days(end)
    )


@pytest.fixture
def block(db):  # type: ignore[no-untyped-def]
    chapter = chapter_create(actor=SYSTEM, name="Riverside")
    institution = institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Maple Street Block",
        kind="block_association",
        addresses=ADDRESSES,
        rules=RULES,
    )
    other = institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Oak Court Tenants",
        kind="tenants_union",
        addresses=["2 Maple Street"],
    )
    fran = resident(institution, "fran@example.org", "Fran Okafor")
    facilitator_term = assign(fran, "facilitator", -30, 335)
    place = SimpleNamespace(
        institution=institution,
        fran=fran,
        facilitator_term=facilitator_term,
        alice=resident(institution, "alice@example.org", "Alice Walker"),
        carol=resident(institution, "carol@example.org", "Carol Chen"),
        dan=resident(institution, "dan@example.org", "Dan Dube"),
        uma=resident(institution, "uma@example.org", "Uma Unverified", verified=False),
        nina=resident(other, "nina@example.org", "Nina Other"),
    )
    return place


@pytest.fixture
def treasurer_term(block):  # type: ignore[no-untyped-def]
    """Carol is treasurer now, in her first term."""
    return assign(block.carol, "treasurer", -10, 355)


def user_of(membership):  # type: ignore[no-untyped-def]
    return membership.user


# --- terms and limits ------------------------------------------------------------


def test_the_third_consecutive_term_is_refused_when_the_limit_is_two_and_nothing_is_written(block):
    assign(block.alice, "secretary", -700, -335)
    assign(block.alice, "secretary", -335, 30)
    terms_before, events_before = RoleTerm.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        assign(block.alice, "secretary", 30, 395)

    assert refused.value.code == "term_limit"
    assert "Alice Walker" in refused.value.message
    assert "at most 2" in refused.value.message
    assert (RoleTerm.objects.count(), AuditEvent.objects.count()) == (terms_before, events_before)


def test_a_short_break_does_not_reset_the_count(block):
    assign(block.alice, "secretary", -700, -335)
    assign(block.alice, "secretary", -335, 30)
    with pytest.raises(ValidationFailed):
        assign(block.alice, "secretary", 100, 465)  # 70 days after the last ended


def test_after_a_long_enough_break_the_same_member_may_serve_again(block):
    assign(block.alice, "secretary", -700, -335)
    assign(block.alice, "secretary", -335, 30)
    term = assign(block.alice, "secretary", 121, 486)  # 91 days after the last ended
    assert term.pk is not None


def test_the_limit_counts_per_role(block):
    assign(block.alice, "secretary", -700, -335)
    assign(block.alice, "secretary", -335, 30)
    assert assign(block.alice, "treasurer", 30, 395).role == "treasurer"


def test_recording_a_term_in_a_gap_cannot_join_two_runs_beyond_the_limit(block):
    assign(block.alice, "secretary", -700, -335)
    assign(block.alice, "secretary", 30, 395)
    with pytest.raises(ValidationFailed) as refused:
        assign(block.alice, "secretary", -335, 30)
    assert "3 terms in a row" in refused.value.message


def test_an_overlapping_term_is_refused(block):
    assign(block.alice, "secretary", -100, 265)
    before = RoleTerm.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        assign(block.alice, "secretary", 200, 565)
    assert "starts_on" in refused.value.fields
    assert RoleTerm.objects.count() == before


def test_two_people_may_hold_the_same_role_at_once(block):
    assign(block.alice, "delegate", 0, 365)
    assert assign(block.dan, "delegate", 0, 365).role == "delegate"


def test_a_custom_role_of_the_bylaws_is_accepted(block):
    assert assign(block.dan, "garden-keeper", 0, 365).role == "garden-keeper"


def test_a_role_the_bylaws_do_not_name_is_refused(block):
    with pytest.raises(ValidationFailed) as refused:
        assign(block.dan, "king", 0, 365)
    assert "role" in refused.value.fields
    assert not RoleTerm.objects.filter(role="king").exists()


def test_a_term_that_ends_before_it_starts_is_refused(block):
    with pytest.raises(ValidationFailed) as refused:
        assign(block.dan, "secretary", 10, 10)
    assert "ends_on" in refused.value.fields


def test_the_end_defaults_to_the_bylaws_term_length(block):
    start = timezone.localdate().replace(day=15)
    term = roles.role_term_assign(
        actor=SYSTEM, membership=block.dan, role="secretary", starts_on=start
    )
    assert term.ends_on == start.replace(year=start.year + 1)


@pytest.mark.parametrize("persona", ["alice", "uma", "nina"])
def test_only_a_facilitator_records_terms(block, persona):
    actor = user_of(getattr(block, persona))
    with pytest.raises(PermissionDenied):
        roles.role_term_assign(
            actor=actor, membership=block.dan, role="secretary", starts_on=days(0)
        )
    term = roles.role_term_assign(
        actor=user_of(block.fran), membership=block.dan, role="secretary", starts_on=days(0)
    )
    event = AuditEvent.objects.get(action="role.assign", subject=f"membership.roleterm:{term.pk}")
    assert event.actor == f"user:{block.fran.user_id}"


def test_anonymous_visitors_record_nothing(block):
    with pytest.raises(PermissionDenied):
        roles.role_term_assign(
            actor=AnonymousUser(), membership=block.dan, role="secretary", starts_on=days(0)
        )


# --- ending a term ---------------------------------------------------------------


def test_a_facilitator_ends_a_term_when_the_holder_resigns(block, treasurer_term):
    term = roles.role_term_end(actor=user_of(block.fran), term=treasurer_term, reason="resigned")
    assert (term.ended_on, term.end_reason) == (timezone.localdate(), "resigned")
    event = AuditEvent.objects.get(action="role.end")
    assert event.data["reason"] == "resigned"
    assert roles.rotation_for(block.institution).role("treasurer").vacant


def test_ending_a_term_twice_is_refused(block, treasurer_term):
    roles.role_term_end(actor=SYSTEM, term=treasurer_term, reason="resigned")
    with pytest.raises(Conflict):
        roles.role_term_end(actor=SYSTEM, term=treasurer_term, reason="resigned")


def test_ending_a_term_needs_a_known_reason_and_a_facilitator(block, treasurer_term):
    with pytest.raises(ValidationFailed):
        roles.role_term_end(actor=SYSTEM, term=treasurer_term, reason="bored")
    with pytest.raises(PermissionDenied):
        roles.role_term_end(actor=user_of(block.alice), term=treasurer_term, reason="resigned")
    treasurer_term.refresh_from_db()
    assert treasurer_term.ended_on is None


def test_a_cancelled_future_term_counts_for_nothing(block):
    assign(block.alice, "secretary", -335, 30)
    future = assign(block.alice, "secretary", 30, 395)
    roles.role_term_end(actor=SYSTEM, term=future, reason="resigned")
    future.refresh_from_db()
    assert future.ended_on == future.starts_on
    # The slot is free again, for her as for anyone.
    assert assign(block.alice, "secretary", 30, 395).pk != future.pk


# --- rotation ----------------------------------------------------------------------


@pytest.fixture
def history(block):  # type: ignore[no-untyped-def]
    """Carol served two treasurer terms in a row and holds the second; secretary is vacant:
    Dan held it once long ago, Alice served two terms in a row until 70 days ago."""
    assign(block.carol, "treasurer", -400, -35)
    carol_now = assign(block.carol, "treasurer", -35, 20)
    assign(block.dan, "secretary", -1500, -1135)
    assign(block.alice, "secretary", -800, -435)
    assign(block.alice, "secretary", -435, -70)
    assign(block.alice, "delegate", -100, 265)
    assign(block.dan, "delegate", -50, 315)
    return SimpleNamespace(carol_now=carol_now)


def test_rotation_lists_every_role_of_the_bylaws_in_order(block, history):
    rotation = roles.rotation_for(block.institution)
    assert [r.role for r in rotation.roles] == [
        "facilitator",
        "secretary",
        "treasurer",
        "delegate",
        "garden-keeper",
    ]
    assert rotation.role("garden-keeper").label == "Garden keeper"


def test_rotation_shows_who_holds_what_until_when_and_terms_in_a_row(block, history):
    rotation = roles.rotation_for(block.institution)
    (carol,) = rotation.role("treasurer").holders
    assert (carol.name, carol.ends_on, carol.in_a_row) == ("Carol Chen", days(20), 2)
    assert carol.at_limit and carol.ending_soon
    delegates = rotation.role("delegate").holders
    assert [(d.name, d.ends_on) for d in delegates] == [
        ("Alice Walker", days(265)),
        ("Dan Dube", days(315)),
    ]
    assert not any(d.ending_soon for d in delegates)


def test_rotation_names_vacant_roles_and_terms_ending_soon(block, history):
    rotation = roles.rotation_for(block.institution)
    assert [r.role for r in rotation.vacant] == ["secretary", "garden-keeper"]
    assert [(r.role, h.name) for r, h in rotation.ending_soon] == [("treasurer", "Carol Chen")]


def test_eligible_next_excludes_those_at_the_limit_and_puts_who_held_it_least_first(block, history):
    rotation = roles.rotation_for(block.institution)
    secretary = rotation.role("secretary")
    assert secretary.next_starts_on == timezone.localdate()
    # Alice served two in a row until 70 days ago: a third would break the limit.
    assert [(c.name, c.terms_held) for c in secretary.eligible] == [
        ("Carol Chen", 0),
        ("Fran Okafor", 0),
        ("Dan Dube", 1),
    ]
    treasurer = rotation.role("treasurer")
    assert treasurer.next_starts_on == days(20)
    assert "Carol Chen" not in [c.name for c in treasurer.eligible]
    # Current delegates overlap the next term (starting when Alice's ends): Dan is not eligible.
    assert [c.name for c in rotation.role("delegate").eligible] == [
        "Carol Chen",
        "Fran Okafor",
        "Alice Walker",
    ]


def test_eligible_next_leaves_out_unverified_members_and_those_who_left(block, history):
    membership_leave(actor=SYSTEM, membership=block.dan)
    names = [c.name for c in roles.rotation_for(block.institution).role("secretary").eligible]
    assert "Uma Unverified" not in names
    assert "Dan Dube" not in names


def test_rotation_takes_a_fixed_number_of_queries(block, history, django_assert_num_queries):
    petition = roles.recall_open(
        actor=user_of(block.alice), term=history.carol_now, reason="Missed every meeting."
    )
    roles.recall_sign(actor=user_of(block.dan), petition=petition)
    for n in range(5):
        member = resident(block.institution, f"extra{n}@example.org", f"Extra {n}")
        assign(member, "garden-keeper", -400 + n, -40 + n)
    institution = block.institution
    with django_assert_num_queries(5):
        rotation = roles.rotation_for(institution)
    assert rotation.petitions[0].tally.signatures == 2


# --- recall petitions ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "nina", "uma"])
def test_only_verified_members_open_a_recall_petition(block, treasurer_term, persona):
    actor = AnonymousUser() if persona == "anonymous" else user_of(getattr(block, persona))
    with pytest.raises(PermissionDenied):
        roles.recall_open(actor=actor, term=treasurer_term, reason="Never answers.")
    assert not RecallPetition.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "fran"])
def test_a_verified_member_opens_a_petition_and_is_its_first_signature(
    block, treasurer_term, persona
):
    actor = user_of(getattr(block, persona))
    petition = roles.recall_open(actor=actor, term=treasurer_term, reason="  Never answers.  ")
    assert petition.reason == "Never answers."
    assert petition.opened_by == getattr(block, persona)
    assert list(petition.signatures.values_list("membership", flat=True)) == [
        getattr(block, persona).pk
    ]
    event = AuditEvent.objects.get(action="recall.open")
    assert event.subject == f"membership.recallpetition:{petition.pk}"


def test_opening_again_returns_the_open_petition(block, treasurer_term):
    first = roles.recall_open(actor=user_of(block.alice), term=treasurer_term, reason="One.")
    again = roles.recall_open(actor=user_of(block.dan), term=treasurer_term, reason="Two.")
    assert again.pk == first.pk
    assert RecallPetition.objects.count() == 1
    assert AuditEvent.objects.filter(action="recall.open").count() == 1


def test_a_petition_needs_a_reason(block, treasurer_term):
    with pytest.raises(ValidationFailed) as refused:
        roles.recall_open(actor=user_of(block.alice), term=treasurer_term, reason="   ")
    assert "reason" in refused.value.fields


def test_only_a_term_held_now_can_be_recalled(block):
    past = assign(block.alice, "secretary", -400, -35)
    future = assign(block.dan, "secretary", 30, 395)
    for term in (past, future):
        with pytest.raises(Conflict) as refused:
            roles.recall_open(actor=user_of(block.carol), term=term, reason="Why not.")
        assert refused.value.code == "term_not_current"
    assert not RecallPetition.objects.exists()


def test_nobody_petitions_to_recall_themselves(block, treasurer_term):
    with pytest.raises(ValidationFailed) as refused:
        roles.recall_open(actor=user_of(block.carol), term=treasurer_term, reason="Tired.")
    assert refused.value.code == "self_recall"


@pytest.fixture
def petition(block, treasurer_term):  # type: ignore[no-untyped-def]
    return roles.recall_open(
        actor=user_of(block.alice), term=treasurer_term, reason="Missed every meeting."
    )


@pytest.mark.parametrize("persona", ["anonymous", "nina", "uma"])
def test_only_verified_members_sign(block, petition, persona):
    actor = AnonymousUser() if persona == "anonymous" else user_of(getattr(block, persona))
    with pytest.raises(PermissionDenied):
        roles.recall_sign(actor=actor, petition=petition)
    assert petition.signatures.count() == 1


def test_signing_twice_is_harmless(block, petition):
    roles.recall_sign(actor=user_of(block.dan), petition=petition)
    roles.recall_sign(actor=user_of(block.dan), petition=petition)
    roles.recall_sign(actor=user_of(block.fran), petition=petition)
    assert petition.signatures.count() == 3
    assert AuditEvent.objects.filter(action="recall.sign").count() == 2


def test_the_person_recalled_cannot_sign(block, petition):
    with pytest.raises(ValidationFailed):
        roles.recall_sign(actor=user_of(block.carol), petition=petition)


def test_the_share_of_verified_members_who_signed(block, petition):
    roles.recall_sign(actor=user_of(block.dan), petition=petition)
    tally = roles.recall_tally(petition=petition)
    # Fran, Alice, Carol and Dan are verified; Uma is not.
    assert (tally.signatures, tally.verified_members, tally.percent) == (2, 4, 50)


@pytest.mark.parametrize("persona", ["anonymous", "nina", "uma", "alice"])
def test_only_a_facilitator_records_the_outcome(block, petition, persona):
    actor = AnonymousUser() if persona == "anonymous" else user_of(getattr(block, persona))
    with pytest.raises(PermissionDenied):
        roles.recall_close(actor=actor, petition=petition, outcome="kept")
    petition.refresh_from_db()
    assert petition.closed_at is None


def test_closing_as_recalled_ends_the_term(block, petition, treasurer_term):
    roles.recall_sign(actor=user_of(block.dan), petition=petition)
    roles.recall_close(actor=user_of(block.fran), petition=petition, outcome="recalled")

    petition.refresh_from_db()
    treasurer_term.refresh_from_db()
    assert petition.outcome == "recalled" and petition.closed_at is not None
    assert (treasurer_term.ended_on, treasurer_term.end_reason) == (
        timezone.localdate(),
        "recalled",
    )
    close = AuditEvent.objects.get(action="recall.close")
    assert close.data == {
        "outcome": "recalled",
        "term": treasurer_term.pk,
        "signatures": 2,
        "verified_signatures": 2,
        "verified_members": 4,
    }
    assert AuditEvent.objects.get(action="role.end").data["reason"] == "recalled"


def test_closing_as_kept_leaves_the_term(block, petition, treasurer_term):
    roles.recall_close(actor=user_of(block.fran), petition=petition, outcome="kept")
    treasurer_term.refresh_from_db()
    assert treasurer_term.ended_on is None
    with pytest.raises(Conflict):
        roles.recall_close(actor=user_of(block.fran), petition=petition, outcome="withdrawn")
    with pytest.raises(Conflict):
        roles.recall_sign(actor=user_of(block.dan), petition=petition)


def test_an_unknown_outcome_is_refused(block, petition):
    with pytest.raises(ValidationFailed):
        roles.recall_close(actor=user_of(block.fran), petition=petition, outcome="exiled")


def test_a_facilitator_does_not_record_the_outcome_of_their_own_recall(block):
    petition = roles.recall_open(
        actor=user_of(block.alice), term=block.facilitator_term, reason="Rushes decisions."
    )
    with pytest.raises(PermissionDenied) as refused:
        roles.recall_close(actor=user_of(block.fran), petition=petition, outcome="kept")
    assert refused.value.code == "own_recall"


def test_a_resignation_closes_the_open_petition(block, petition, treasurer_term):
    roles.role_term_end(actor=user_of(block.fran), term=treasurer_term, reason="resigned")
    petition.refresh_from_db()
    assert petition.outcome == "term_ended"
    assert roles.rotation_for(block.institution).petitions == ()


def test_a_petition_of_another_institution_is_not_found(block, petition):
    other = block.nina.institution
    with pytest.raises(NotFound):
        roles.recall_get(institution=other, petition_id=petition.pk)
    with pytest.raises(NotFound):
        roles.role_term_get(institution=other, term_id=petition.role_term_id)


# --- the rotation page ------------------------------------------------------------------


def page(block) -> str:  # type: ignore[no-untyped-def]
    return f"/institutions/{block.institution.slug}/roles/"


def test_anonymous_visitors_are_sent_to_log_in(client, block):
    response = client.get(page(block))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_people_outside_the_institution_get_403(client, block):
    client.force_login(user_of(block.nina))
    assert client.get(page(block)).status_code == 403


def test_an_unknown_institution_is_404(client, block):
    client.force_login(user_of(block.alice))
    assert client.get("/institutions/nowhere/roles/").status_code == 404


def test_members_see_holders_terms_in_a_row_and_who_is_next(client, block, history):
    client.force_login(user_of(block.uma))
    response = client.get(page(block))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Carol Chen" in html and "2 of 2" in html
    assert "At the limit: someone else takes the next term." in html
    assert "Nobody holds the role of Secretary." in html
    assert "Garden keeper" in html
    eligible = html.split('id="eligible-heading"')[1].split('id="petitions-heading"')[0]
    secretary = eligible.split("<h3>Secretary</h3>")[1].split("<h3>")[0]
    assert "Alice Walker" not in secretary
    assert secretary.index("Carol Chen") < secretary.index("Dan Dube")
    # Members who are not facilitators see no facilitator forms, and Uma cannot petition.
    assert "Record a term" not in html
    assert "Open the petition" not in html


def test_facilitators_see_the_forms(client, block, history):
    client.force_login(user_of(block.fran))
    html = client.get(page(block)).content.decode()
    assert "Record a term" in html
    assert "End the term today" in html
    assert 'name="starts_on"' in html


def test_a_facilitator_records_a_term_from_the_page(client, block):
    client.force_login(user_of(block.fran))
    response = client.post(
        page(block) + "terms/",
        {"membership": block.dan.pk, "role": "garden-keeper", "starts_on": days(0).isoformat()},
    )
    assert response.status_code == 302
    term = RoleTerm.objects.get(role="garden-keeper")
    assert term.ends_on == roles.term_end_default(days(0), 12)
    assert "Dan Dube is Garden keeper from" in client.get(page(block)).content.decode()


def test_the_page_says_why_a_term_over_the_limit_is_refused(client, block):
    assign(block.alice, "secretary", -700, -335)
    assign(block.alice, "secretary", -335, 30)
    client.force_login(user_of(block.fran))
    response = client.post(
        page(block) + "terms/",
        {
            "membership": block.alice.pk,
            "role": "secretary",
            "starts_on": days(30).isoformat(),
            "ends_on": days(395).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "the bylaws allow at most 2" in response.content.decode()
    assert RoleTerm.objects.filter(role="secretary").count() == 2


def test_members_cannot_post_terms(client, block):
    client.force_login(user_of(block.alice))
    response = client.post(
        page(block) + "terms/",
        {"membership": block.dan.pk, "role": "secretary", "starts_on": days(0).isoformat()},
    )
    assert response.status_code == 403
    assert not RoleTerm.objects.filter(role="secretary").exists()


def test_a_facilitator_ends_a_term_from_the_page(client, block, treasurer_term):
    client.force_login(user_of(block.fran))
    response = client.post(page(block) + f"terms/{treasurer_term.pk}/end/", {"reason": "resigned"})
    assert response.status_code == 302
    treasurer_term.refresh_from_db()
    assert treasurer_term.end_reason == "resigned"


def test_recall_from_the_page_open_sign_close(client, block, treasurer_term):
    client.force_login(user_of(block.alice))
    response = client.post(
        f"/institutions/{block.institution.slug}/recalls/",
        {"term": treasurer_term.pk, "reason": "Missed every meeting."},
    )
    assert response.status_code == 302
    petition = RecallPetition.objects.get()

    client.force_login(user_of(block.dan))
    html = client.get(page(block)).content.decode()
    assert "Missed every meeting." in html and "1 signature" in html
    response = client.post(f"/institutions/{block.institution.slug}/recalls/{petition.pk}/sign/")
    assert response.status_code == 302
    html = client.get(page(block)).content.decode()
    assert "2 signatures" in html and "50% of the 4 verified members" in html
    assert "You signed." in html

    client.force_login(user_of(block.fran))
    response = client.post(
        f"/institutions/{block.institution.slug}/recalls/{petition.pk}/close/",
        {"outcome": "recalled"},
    )
    assert response.status_code == 302
    treasurer_term.refresh_from_db()
    assert treasurer_term.end_reason == "recalled"
    assert "No recall petition is open." in client.get(page(block)).content.decode()


def test_a_petition_without_a_reason_is_shown_again_with_the_error(client, block, treasurer_term):
    client.force_login(user_of(block.alice))
    response = client.post(
        f"/institutions/{block.institution.slug}/recalls/",
        {"term": treasurer_term.pk, "reason": ""},
    )
    assert response.status_code == 422
    assert not RecallPetition.objects.exists()


def test_unverified_members_cannot_open_or_sign_from_the_page(client, block, petition):
    client.force_login(user_of(block.uma))
    slug = block.institution.slug
    assert (
        client.post(
            f"/institutions/{slug}/recalls/",
            {"term": petition.role_term_id, "reason": "x"},
        ).status_code
        == 403
    )
    assert client.post(f"/institutions/{slug}/recalls/{petition.pk}/sign/").status_code == 403
    assert petition.signatures.count() == 1


def test_signing_a_closed_petition_shows_why(client, block, petition):
    roles.recall_close(actor=SYSTEM, petition=petition, outcome="withdrawn")
    client.force_login(user_of(block.dan))
    response = client.post(f"/institutions/{block.institution.slug}/recalls/{petition.pk}/sign/")
    assert response.status_code == 409
    assert "This petition is closed" in response.content.decode()


# --- the API ----------------------------------------------------------------------------


def api(block, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/institutions/{block.institution.slug}{tail}"


def test_api_rotation(client, block, history):
    assert client.get(api(block, "/roles")).status_code == 401
    client.force_login(user_of(block.nina))
    assert client.get(api(block, "/roles")).status_code == 403
    client.force_login(user_of(block.alice))
    body = client.get(api(block, "/roles")).json()
    assert body["term_limit"] == 2
    treasurer = next(r for r in body["roles"] if r["role"] == "treasurer")
    assert treasurer["holders"][0]["name"] == "Carol Chen"
    assert treasurer["holders"][0]["terms_in_a_row"] == 2
    assert treasurer["holders"][0]["ends_on"] == days(20).isoformat()
    secretary = next(r for r in body["roles"] if r["role"] == "secretary")
    assert secretary["vacant"] is True
    assert [c["name"] for c in secretary["eligible"]] == ["Carol Chen", "Fran Okafor", "Dan Dube"]


def test_api_records_and_ends_a_term(client, block):
    client.force_login(user_of(block.fran))
    response = client.post(
        api(block, "/roles"),
        {"membership_id": block.dan.pk, "role": "garden-keeper", "starts_on": str(days(0))},
        content_type="application/json",
    )
    assert response.status_code == 201
    term_id = response.json()["id"]
    assert response.json()["ends_on"] == str(roles.term_end_default(days(0), 12))

    response = client.post(
        api(block, f"/roles/{term_id}/end"), {"reason": "resigned"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["ended_on"] == str(days(0))


def test_api_refuses_a_term_over_the_limit_and_an_unknown_role(client, block):
    assign(block.alice, "secretary", -700, -335)
    assign(block.alice, "secretary", -335, 30)
    client.force_login(user_of(block.fran))
    response = client.post(
        api(block, "/roles"),
        {"membership_id": block.alice.pk, "role": "secretary", "starts_on": str(days(30))},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "term_limit"
    response = client.post(
        api(block, "/roles"),
        {"membership_id": block.alice.pk, "role": "king", "starts_on": str(days(30))},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "role" in response.json()["fields"]


def test_api_members_cannot_record_terms(client, block):
    client.force_login(user_of(block.alice))
    response = client.post(
        api(block, "/roles"),
        {"membership_id": block.dan.pk, "role": "secretary", "starts_on": str(days(0))},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "facilitators_only"


def test_api_recall_open_sign_close(client, block, treasurer_term):
    client.force_login(user_of(block.uma))
    refused = client.post(
        api(block, "/recalls"),
        {"term_id": treasurer_term.pk, "reason": "Never answers."},
        content_type="application/json",
    )
    assert refused.status_code == 403

    client.force_login(user_of(block.alice))
    opened = client.post(
        api(block, "/recalls"),
        {"term_id": treasurer_term.pk, "reason": "Never answers."},
        content_type="application/json",
    )
    assert opened.status_code == 200
    petition_id = opened.json()["id"]
    assert opened.json()["signatures"] == 1

    client.force_login(user_of(block.dan))
    signed = client.post(api(block, f"/recalls/{petition_id}/sign"))
    assert signed.json()["signatures"] == 2
    assert signed.json()["share_percent"] == 50

    assert (
        client.post(
            api(block, f"/recalls/{petition_id}/close"),
            {"outcome": "recalled"},
            content_type="application/json",
        ).status_code
        == 403
    )

    client.force_login(user_of(block.fran))
    closed = client.post(
        api(block, f"/recalls/{petition_id}/close"),
        {"outcome": "recalled"},
        content_type="application/json",
    )
    assert closed.status_code == 200
    assert closed.json()["outcome"] == "recalled"
    treasurer_term.refresh_from_db()
    assert treasurer_term.end_reason == "recalled"
    assert RecallSignature.objects.count() == 2


def test_api_petition_of_another_institution_is_404(client, block, petition):
    client.force_login(user_of(block.nina))
    response = client.post(
        f"/api/v1/institutions/{block.nina.institution.slug}/recalls/{petition.pk}/sign"
    )
    assert response.status_code == 404
