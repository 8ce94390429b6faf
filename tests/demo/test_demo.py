"""`bloc demo` fills a database with a plausible chapter, and running it again adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from bloc.accounts.models import User
from bloc.audit.models import AuditEvent
from bloc.audit.selectors import audit_verify
from bloc.budgeting.models import Budget
from bloc.institutions.models import Chapter, Institution, InstitutionKind
from bloc.membership.models import Membership, Role, RoleTerm, VerificationMethod

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def test_demo_loads_a_chapter_with_every_kind_of_institution_and_is_safe_to_rerun(client):
    first = run_demo()
    assert "http://127.0.0.1:8000/" in first
    assert "organizer@demo.bloc.example" in first and "password" in first

    assert Chapter.objects.count() == 1
    kinds = set(Institution.objects.values_list("kind", flat=True))
    assert (
        {"block_association", "tenants_union", "hoa", "neighborhood_club", "assembly", "town_hall"}
        <= kinds
        <= set(InstitutionKind.values)
    )
    assert 10 <= Institution.objects.count() <= 15
    assert 300 <= User.objects.count() <= 400
    names = list(User.objects.values_list("full_name", flat=True))
    assert any(
        "á" in n or "é" in n or "í" in n or "ó" in n or "ú" in n for n in names
    )  # Spanish names
    assert User.objects.exclude(address="").count() >= 300
    assert User.objects.filter(preferred_language="es").exists()
    assert Membership.objects.filter(user__memberships__isnull=False).exists()
    people_in_several = [u for u in User.objects.all() if u.memberships.count() >= 2]
    assert people_in_several
    methods = set(
        Membership.objects.exclude(verification_method="").values_list(
            "verification_method", flat=True
        )
    )
    assert methods == set(VerificationMethod.values)
    assert set(RoleTerm.objects.values_list("role", flat=True)) == {*Role.values, "garden-keeper"}
    assert audit_verify().ok

    # Three levels (blocks -> neighborhoods -> city) and a question ratified up the tree,
    # with one delegate's deviation from their mandate; another awaits the facilitator.
    from bloc.confederation.models import Question, Seat

    city = Question.objects.get(state="ratified").council
    assert (city.level, city.rule) == (2, "double")
    maple_seat = Seat.objects.get(institution__slug="maple-street-block", left_at=None)
    assert Seat.objects.filter(member_council=maple_seat.council, council=city).exists()
    ratified = Question.objects.get(council=city, state="ratified")
    assert ratified.origin_question.origin_proposal.institution.slug == "maple-street-block"
    assert [v.deviated for v in ratified.votes.all()].count(True) == 1
    assert ratified.ratification["ratify"][f"c{city.pk}"]["position"] == "for"
    waiting = Question.objects.get(state="voting")
    assert waiting.council == maple_seat.council
    assert not waiting.votes.filter(delegate__user__email="facilitator@demo.bloc.example")
    ranked = Question.objects.exclude(options=[]).get()  # South ranks its bus shelters
    assert ranked.state == "carried" and ranked.decision["ranking"][0] == [0]
    fund = Budget.objects.get(council=maple_seat.council)  # North's, run by Maple Street
    assert fund.institution.slug == "maple-street-block"
    assert {p.submitted_by_id for p in fund.projects.all()} - set(
        Membership.objects.filter(institution=fund.institution).values_list("user_id", flat=True)
    )  # ideas from members of other North bodies

    # The electoral work at every stage: the platform published; candidates endorsed, voted
    # on, voted down and awaiting nominations; an officeholder scored whose endorsement
    # was recalled; a campaign canvassing; a petition checked.
    from bloc.electoral.models import Campaign, Candidate, Contact, Petition, Platform
    from bloc.electoral.scorecard_selectors import scorecard

    assert Platform.objects.get().published_at is not None
    stages = dict(Candidate.objects.values_list("name", "stage"))
    assert stages == {
        "Jordan Price": "recalled",
        "Ana Ruiz": "endorsed",
        "Deborah Chen": "assembly_votes",
        "Frank Doyle": "not_endorsed",
        "Tom Whitaker": "nomination",
    }
    price = Candidate.objects.get(name="Jordan Price")
    assert price.elected and scorecard(price).score is not None
    assert set(price.actions.values_list("matches__verdict", flat=True)) == {
        "kept",
        "partial",
        "broken",
    }
    assert price.chapter_votes.get(kind="recall").passed is True
    campaign = Campaign.objects.get(candidate__name="Ana Ruiz")
    assert Contact.objects.filter(campaign=campaign, outcome="talked").exists()
    assert campaign.events.exists()
    petition = Petition.objects.get()
    verdicts = set(petition.sheets.values_list("entries__verdict", flat=True).exclude(entries=None))
    assert {"valid", "duplicate", "outside"} <= verdicts

    # Listening: a survey answered, door-to-door needs (one become a concern), and the
    # Town Hall's conversation of a few hundred participants whose map shows groups.
    from bloc.listening.models import (
        NeedsConversation,
        OpinionAnalysis,
        StatementVote,
        SurveyResponse,
    )

    assert SurveyResponse.objects.count() >= 5
    assert NeedsConversation.objects.count() >= 10
    assert NeedsConversation.objects.exclude(concern=None).exists()
    assert StatementVote.objects.values("participant").distinct().count() >= 200
    analysis = OpinionAnalysis.objects.order_by("-pk").first()
    assert analysis is not None and analysis.result["k"] >= 2

    # The hub: every institution on the map with its health; every chart has something.
    from bloc.hub.models import ChapterFigures, InstitutionFigures

    figures = list(InstitutionFigures.objects.all())
    assert len(figures) == Institution.objects.count()
    assert all(f.area for f in figures)
    codes = {r["code"] for f in figures for r in f.reasons}
    assert {"charter_distance", "irregular_meetings", "old_concerns", "overdue_rotations"} <= codes
    chapter_figures = ChapterFigures.objects.get()
    members = chapter_figures.growth["overall"]["members"]
    assert len(members) == 52 and members[0] < members[-1]
    for dimension in ("tenure", "age_band", "language"):
        reported = [
            source["activities"]["any"]["index"]
            for source in chapter_figures.equity["dimensions"][dimension]["sources"].values()
        ]
        assert any(index is not None for index in reported), dimension

    counts = (
        User.objects.count(),
        Membership.objects.count(),
        RoleTerm.objects.count(),
        AuditEvent.objects.count(),
    )
    second = run_demo()
    assert "already loaded" in second
    assert (
        User.objects.count(),
        Membership.objects.count(),
        RoleTerm.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

    # Every demo login works, and every resident belongs only where they live.
    from bloc.demo.loader import DEMO_PASSWORD, LOGINS

    for login in LOGINS:
        assert client.login(username=login.email, password=DEMO_PASSWORD), login.email
        client.logout()
    for membership in Membership.objects.select_related("user", "institution"):
        if membership.user.email.endswith("@example.org"):
            assert membership.institution.addresses.filter(address=membership.user.address).exists()
