"""Who may do what: every persona against every action, in one matrix.

Personas: an anonymous visitor; a resident with an account who is not a member;
an unverified member; a verified member; the secretary; the facilitator; an
organizer of the chapter; a member of another institution; an administrator.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.budgeting.models import Budget
from bloc.concerns.models import Concern
from bloc.confederation.councils import council_create, delegate_add, seat_add
from bloc.core.errors import PermissionDenied
from bloc.decisions.models import Proposal, Task
from bloc.electoral.models import Campaign, CampaignRole, Petition, Turf
from bloc.institutions import services as institution_services
from bloc.membership.roles import role_term_assign
from tests.conftest import make_person, member

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "resident",
    "member",
    "verified",
    "secretary",
    "facilitator",
    "organizer",
    "other_member",
    "staff",
]
LEADERS = {"facilitator", "organizer"}
MEMBERS = {"member", "verified", "secretary", "facilitator"}
VERIFIED = {"verified", "secretary", "facilitator"}
PEOPLE = set(PERSONAS) - {"anonymous"}


@pytest.fixture
def world(maple, chapter):
    today = timezone.localdate()
    people = {
        name: make_person(f"{name}@example.org", name.title(), address="112 Maple Street")
        for name in PERSONAS
        if name != "anonymous"
    }
    people["staff"].is_staff = True
    people["staff"].save()
    people["anonymous"] = AnonymousUser()
    memberships = {}
    for name in MEMBERS:
        memberships[name] = member(maple, people[name], verified=name in VERIFIED)
    for name in ("secretary", "facilitator"):
        role_term_assign(
            actor=SYSTEM,
            membership=memberships[name],
            role=name,
            starts_on=today - datetime.timedelta(days=1),
            ends_on=today + datetime.timedelta(days=100),
        )
    institution_services.chapter_organizer_add(
        actor=SYSTEM, chapter=chapter, user=people["organizer"]
    )
    elsewhere = institution_services.institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Oak Avenue",
        kind="block_association",
        addresses=["1 Oak Avenue"],
    )
    people["other_member"].address = "1 Oak Avenue"
    people["other_member"].save()
    member(elsewhere, people["other_member"], verified=True)
    proposal = Proposal.objects.create(
        institution=maple,
        title="Plant trees",
        body="Ten trees.",
        author=people["member"],
        rule="majority",
    )
    task = Task.objects.create(
        proposal=proposal, title="Buy trees", owner=people["verified"], due_on=today
    )
    concern = Concern.objects.create(
        institution=maple, category="safety", place="Corner", description="Dark."
    )
    now = timezone.now()
    budget = Budget.objects.create(
        institution=maple, title="Block budget", source="dues", amount=1000,
        ideas_open=now, review_from=now, voting_opens=now,
        voting_closes=now + datetime.timedelta(days=1), implementation_from=now
        + datetime.timedelta(days=2),
    )  # fmt: skip
    budget.reviewers.add(people["verified"])
    council = council_create(actor=SYSTEM, chapter=chapter, name="Riverside Council")
    seat = seat_add(actor=SYSTEM, council=council, member=maple)
    delegate_add(actor=SYSTEM, seat=seat, user=people["verified"])
    campaign = Campaign.objects.create(chapter=chapter, title="Knock for Ana")
    CampaignRole.objects.create(campaign=campaign, user=people["verified"], role="manager")
    CampaignRole.objects.create(campaign=campaign, user=people["member"], role="canvasser")
    turf = Turf.objects.create(campaign=campaign, institution=maple, name="Maple 100s")
    turf.canvassers.add(people["member"])
    petition = Petition.objects.create(
        chapter=chapter, kind="initiative", title="Rent board", target=10, deadline=today
    )
    return {
        "campaign": campaign,
        "turf": turf,
        "petition": petition,
        "council": council,
        "budget": budget,
        "concern": concern,
        "people": people,
        "memberships": memberships,
        "maple": maple,
        "chapter": chapter,
        "proposal": proposal,
        "task": task,
    }


def target(world, name):
    if name == "maple":
        return world["maple"]
    if name == "chapter":
        return world["chapter"]
    if name == "member_membership":
        return world["memberships"]["member"]
    if name == "resident_self":
        return world["people"]["resident"]
    if name in ("proposal", "task", "concern", "budget", "council", "campaign", "turf", "petition"):
        return world[name]
    if name in ("members_survey", "public_survey"):
        from bloc.listening.models import Survey

        audience = "members" if name == "members_survey" else "public"
        return Survey(institution=world["maple"], audience=audience)
    return None


# (action, object, who may; "self"-style actions are checked against their own rows below)
MATRIX = [
    ("institution.create", "chapter", PEOPLE),
    ("institution.update", "maple", LEADERS),
    ("bylaws.amend", "maple", LEADERS | {"secretary"}),
    ("charter.view", "maple", MEMBERS | {"organizer"}),
    ("charter.adopt", "maple", {"facilitator"}),
    ("membership.join", "maple", PEOPLE),
    ("membership.list", "maple", MEMBERS | {"organizer"}),
    ("membership.verify", "maple", LEADERS),
    ("membership.unverify", "maple", LEADERS),
    ("vouch.give", "member_membership", VERIFIED),
    ("letters.generate", "maple", LEADERS),
    ("letters.redeem", "maple", MEMBERS),
    ("role.assign", "maple", LEADERS),
    ("role.view", "maple", MEMBERS | {"organizer"}),
    ("recall.petition", "maple", VERIFIED),
    ("account.register_resident", None, {"staff"}),
    ("api_token.manage", None, PEOPLE),
    ("audit.read", None, {"staff"}),
    ("account.update", "resident_self", {"resident"}),
    ("membership.leave", "member_membership", {"member"}),
    # Decisions. The proposal is the (unverified) member's; the task is the verified's.
    ("decisions.view", "maple", MEMBERS | {"organizer"}),
    ("proposal.create", "maple", MEMBERS),
    ("proposal.edit", "proposal", {"member"}),
    ("proposal.move_to_vote", "proposal", LEADERS | {"member"}),  # bylaws: the author
    ("comment.create", "maple", MEMBERS | {"organizer"}),
    ("comment.moderate", "maple", LEADERS),
    ("amendment.create", "maple", MEMBERS),
    ("amendment.decide", "proposal", LEADERS | {"member"}),
    ("task.manage", "proposal", LEADERS | {"member", "secretary"}),
    ("task.complete", "task", LEADERS | {"member", "secretary", "verified"}),
    ("poll.create", "maple", LEADERS | {"secretary"}),
    ("poll.conduct", "maple", LEADERS | {"secretary"}),
    # Concerns. Every persona's address is 112 Maple Street, inside the area.
    ("concern.view", "maple", MEMBERS | {"organizer"}),
    ("concern.report", "maple", MEMBERS | {"resident", "organizer", "staff"}),
    ("concern.me_too", "maple", MEMBERS),
    ("concern.raise", "maple", MEMBERS),
    ("concern.assign", "maple", LEADERS),  # no working group in this world
    ("concern.update", "concern", LEADERS),  # a concern no working group has taken on
    ("working_group.create", "maple", LEADERS),
    ("working_group.join", "maple", MEMBERS),
    # Meetings.
    ("meeting.view", "maple", MEMBERS | {"organizer"}),
    ("meeting.manage", "maple", LEADERS | {"secretary"}),
    ("meeting.attend", "maple", MEMBERS),
    ("speaking_profile.edit", None, PEOPLE),
    # Events.
    ("event.view", "maple", MEMBERS | {"organizer"}),
    ("event.manage", "maple", LEADERS | {"secretary"}),
    ("event.take_part", "maple", MEMBERS),
    # Budgets. The review team is the verified member; who may vote is the service's.
    ("budget.view", "maple", MEMBERS | {"organizer"}),
    ("budget.manage", "maple", LEADERS),
    ("budget.paper", "maple", LEADERS),
    ("budget.propose", "maple", MEMBERS),
    ("budget.review", "budget", LEADERS | {"verified"}),
    ("budget.track", "budget", LEADERS | {"verified"}),
    # Councils are public. The verified member is Maple Street's delegate to the council.
    ("council.view", "council", set(PERSONAS)),
    ("council.create", "chapter", LEADERS),
    ("council.convene", "council", {"organizer", "verified"}),
    ("council.assembly_vote", "maple", LEADERS | {"secretary"}),
    ("delegate.recall", "maple", VERIFIED),
    # The platform (electoral): public; assemblies' officers propose priorities.
    ("platform.view", "chapter", set(PERSONAS)),
    ("priority.propose", "maple", LEADERS | {"secretary"}),
    ("platform.manage", "chapter", {"organizer"}),
    ("cycle.manage", "chapter", {"organizer"}),
    ("candidate.nominate", "maple", LEADERS | {"secretary"}),
    ("candidate.apply", "chapter", PEOPLE),
    ("scorecard.manage", "chapter", {"organizer"}),
    ("campaign.manage", "chapter", {"organizer"}),
    # Contact data: the campaign's roles only (the verified member manages it, the
    # member canvasses the turf); not the organizer who started the campaign.
    ("campaign.contacts", "campaign", {"verified", "member"}),
    ("campaign.export", "campaign", {"verified"}),
    ("turf.canvass", "turf", {"verified", "member"}),
    ("campaign.offer_shifts", "maple", LEADERS | {"secretary"}),
    ("petition.manage", "chapter", {"organizer"}),
    ("petition.circulate", "petition", MEMBERS | {"organizer", "other_member"}),
    # Listening: officers run surveys and see residents' contacts; verified members canvass.
    ("survey.manage", "maple", LEADERS | {"secretary"}),
    ("survey.answer", "members_survey", MEMBERS),
    ("needs.record", "maple", VERIFIED),
    ("needs.view", "maple", MEMBERS),
    ("needs.contacts", "maple", LEADERS | {"secretary"}),
    # Opinion conversations: officers run them; members see them; verified members take part.
    ("opinion.manage", "maple", LEADERS | {"secretary"}),
    ("opinion.view", "maple", MEMBERS),
    ("opinion.participate", "maple", VERIFIED),
    # The hub: its public page for anyone; the organizers' part for the chapter's organizers.
    ("hub.view", "chapter", set(PERSONAS)),
    ("hub.organize", "chapter", {"organizer"}),
    ("hub.describe_self", None, PEOPLE),
    ("hub.population", "maple", LEADERS),
]


@pytest.mark.parametrize(("action", "obj", "allowed"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(world, action, obj, allowed):
    thing = target(world, obj)
    wrong = []
    for persona in PERSONAS:
        decision = permissions.check(world["people"][persona], action, thing)
        if bool(decision) != (persona in allowed):
            wrong.append(persona)
        if not decision:
            assert decision.code and decision.reason  # a refusal always says why
    assert wrong == [], f"{action}: wrong answer for {wrong}"
    assert permissions.check(SYSTEM, action, thing)


def test_every_rule_is_in_the_matrix():
    assert set(permissions.RULES) == {action for action, _obj, _allowed in MATRIX}


def test_refusals_raise_with_the_reason(world):
    with pytest.raises(PermissionDenied) as refused:
        permissions.require(world["people"]["anonymous"], "account.update", None)
    assert refused.value.code == "login_required"


def test_an_unknown_action_is_a_programming_error(world):
    with pytest.raises(KeyError):
        permissions.check(world["people"]["resident"], "no.such.action")
