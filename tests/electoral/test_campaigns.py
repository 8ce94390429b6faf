"""Campaigns staffed by the institutions: roles, turfs from the blocks' address lists,
shifts offered by the blocks, the contact log, GOTV and the logged exports.

The fixtures here (``camp``) are shared by the other test_campaign_* files."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def endorsed_candidate(world, name="Rosa Parks-Lee"):  # type: ignore[no-untyped-def]
    from bloc.electoral.models import Candidate, Cycle

    cycle = Cycle.objects.create(
        chapter=world.chapter,
        title="City elections",
        election_date=timezone.localdate() + datetime.timedelta(days=30),
        council=world.city,
    )
    return Candidate.objects.create(
        cycle=cycle, name=name, office="City council", level="local",
        token_hash=f"{abs(hash(name)):064d}"[:64], stage="endorsed",
    )  # fmt: skip


@pytest.fixture
def camp(world):  # type: ignore[no-untyped-def]
    """A campaign for an endorsed candidate. Olga (organizer) started it and is its first
    manager; Mia manages it too; Block A is split into two turfs: Ana walks the first,
    Ben the second. Oscar is another organizer with no role; Rita a resident."""
    from bloc.electoral.campaigns import (
        campaign_create,
        campaign_role_set,
        turf_canvassers_set,
        turfs_split,
    )
    from bloc.institutions.services import chapter_organizer_add

    olga = make_person("olga@example.org", "Olga Organizer")
    oscar = make_person("oscar@example.org", "Oscar Organizer")
    for person in (olga, oscar):
        chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=person)
    candidate = endorsed_candidate(world)
    campaign = campaign_create(
        actor=olga, chapter=world.chapter, title="Rosa for council", candidate=candidate
    )
    mia = make_person("mia@example.org", "Mia Manager")
    ana, ben = world.blocks["a"].people[2], world.blocks["a"].people[3]
    campaign_role_set(actor=olga, campaign=campaign, user=mia, role="manager")
    campaign_role_set(actor=olga, campaign=campaign, user=ana, role="canvasser")
    campaign_role_set(actor=olga, campaign=campaign, user=ben, role="canvasser")
    block_a = world.blocks["a"].institution
    first, second = turfs_split(
        actor=olga, campaign=campaign, institution=block_a, parts=2, name="A"
    )
    turf_canvassers_set(actor=olga, turf=first, canvassers=[ana])
    turf_canvassers_set(actor=olga, turf=second, canvassers=[ben])
    return SimpleNamespace(
        world=world, campaign=campaign, candidate=candidate, olga=olga, oscar=oscar, mia=mia,
        ana=ana, ben=ben, rita=world.blocks["b"].people[1], turfs=[first, second],
    )  # fmt: skip


def door(turf, number=None):  # type: ignore[no-untyped-def]
    """An address on the turf (the first, or the one with this house number)."""
    addresses = list(turf.addresses.all())
    if number is None:
        return sorted(addresses, key=lambda a: int(a.address.split()[0]))[0]
    return next(a for a in addresses if a.address.startswith(f"{number} "))


def talk(camp, turf, address, support, **extra):  # type: ignore[no-untyped-def]
    from bloc.electoral.campaigns import contact_log

    who = camp.ana if turf == camp.turfs[0] else camp.ben
    return contact_log(actor=who, turf=turf, address=address, outcome="talked",
                       support=support, **extra)  # fmt: skip


# --- the campaign and its roles -----------------------------------------------------


def test_an_organizer_starts_a_campaign_and_becomes_its_manager(camp):
    from bloc.audit.models import AuditEvent
    from bloc.electoral.models import CampaignRole

    assert camp.campaign.election_date == camp.candidate.cycle.election_date
    roles = dict(CampaignRole.objects.filter(campaign=camp.campaign).values_list("user_id", "role"))
    assert roles == {camp.olga.pk: "manager", camp.mia.pk: "manager", camp.ana.pk: "canvasser",
                     camp.ben.pk: "canvasser"}  # fmt: skip
    assert AuditEvent.objects.filter(action="campaign.create").count() == 1


def test_only_organizers_start_campaigns_and_give_roles(camp):
    from bloc.electoral.campaigns import campaign_create, campaign_role_set

    with pytest.raises(PermissionDenied):
        campaign_create(actor=camp.world.blocks["a"].facilitator, chapter=camp.world.chapter,
                        title="Mine", candidate=camp.candidate)  # fmt: skip
    with pytest.raises(PermissionDenied):
        campaign_role_set(actor=camp.mia, campaign=camp.campaign, user=camp.rita, role="canvasser")


def test_a_campaign_needs_an_endorsed_candidate_or_a_petition(camp):
    from bloc.electoral.campaigns import campaign_create
    from bloc.electoral.models import Campaign

    before = Campaign.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        campaign_create(actor=camp.olga, chapter=camp.world.chapter, title="Nothing")
    assert "candidate" in refused.value.fields
    camp.candidate.stage = "assembly_votes"
    camp.candidate.save()
    with pytest.raises(Conflict) as not_yet:
        campaign_create(actor=camp.olga, chapter=camp.world.chapter, title="Too soon",
                        candidate=camp.candidate)  # fmt: skip
    assert not_yet.value.code == "not_endorsed"
    with pytest.raises(ValidationFailed):
        campaign_create(actor=camp.olga, chapter=camp.world.chapter, title=" ",
                        candidate=camp.candidate)  # fmt: skip
    assert Campaign.objects.count() == before


def test_removing_a_canvasser_takes_them_off_their_turfs(camp):
    from bloc.electoral.campaigns import campaign_role_remove

    campaign_role_remove(actor=camp.olga, campaign=camp.campaign, user=camp.ana)
    assert not camp.turfs[0].canvassers.exists()
    with pytest.raises(Conflict):
        campaign_role_remove(actor=camp.olga, campaign=camp.campaign, user=camp.ana)


# --- turfs ---------------------------------------------------------------------------


def test_a_split_makes_turfs_of_neighbouring_doors_of_about_equal_size(camp):
    first, second = camp.turfs
    numbers = [sorted(int(a.address.split()[0]) for a in t.addresses.all()) for t in camp.turfs]
    assert numbers == [list(range(1, 11)), list(range(11, 20))]
    assert (first.name, second.name) == ("A 1", "A 2")


def test_a_turf_of_some_addresses_and_refusals(camp):
    from bloc.electoral.campaigns import turf_create
    from bloc.electoral.models import Turf
    from bloc.institutions.models import AreaAddress

    block_b = camp.world.blocks["b"].institution
    some = list(AreaAddress.objects.filter(institution=block_b)[:3])
    turf = turf_create(actor=camp.olga, campaign=camp.campaign, institution=block_b,
                       name="B corner", addresses=some)  # fmt: skip
    assert turf.addresses.count() == 3
    before = Turf.objects.count()
    with pytest.raises(ValidationFailed) as twice:
        turf_create(actor=camp.olga, campaign=camp.campaign, institution=block_b,
                    name="B again", addresses=some[:1])  # fmt: skip
    assert "Already on another" in twice.value.fields["addresses"][0]
    with pytest.raises(ValidationFailed) as foreign:
        turf_create(actor=camp.olga, campaign=camp.campaign, institution=block_b,
                    name="B wrong", addresses=[door(camp.turfs[0])])  # fmt: skip
    assert "Not on the address list of Block B" in foreign.value.fields["addresses"][0]
    with pytest.raises(ValidationFailed) as full:
        turf_create(actor=camp.olga, campaign=camp.campaign,
                    institution=camp.world.blocks["a"].institution)  # fmt: skip
    assert "already on one of the campaign's turfs" in full.value.fields["addresses"][0]
    rest = turf_create(actor=camp.olga, campaign=camp.campaign, institution=block_b)
    assert rest.name == "Block B" and rest.addresses.count() == 16
    assert Turf.objects.count() == before + 1


def test_canvassers_need_a_role_in_the_campaign(camp):
    from bloc.electoral.campaigns import turf_canvassers_set

    with pytest.raises(ValidationFailed) as refused:
        turf_canvassers_set(actor=camp.olga, turf=camp.turfs[0], canvassers=[camp.rita])
    assert camp.rita.full_name in refused.value.message
    assert list(camp.turfs[0].canvassers.all()) == [camp.ana]


# --- shifts --------------------------------------------------------------------------


def make_event(world, key="b"):  # type: ignore[no-untyped-def]
    from bloc.events.services import event_create, shift_create

    now = timezone.now()
    event = event_create(
        actor=world.blocks[key].facilitator, institution=world.blocks[key].institution,
        title="Canvass day", starts_at=now + datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2, hours=4),
    )  # fmt: skip
    shift = shift_create(
        actor=world.blocks[key].facilitator, event=event, title="Morning doors",
        starts_at=event.starts_at, ends_at=event.starts_at + datetime.timedelta(hours=2),
        capacity=2,
    )  # fmt: skip
    return event, shift


def test_a_block_offers_its_event_shifts_to_the_campaign(camp):
    from bloc.electoral.campaign_selectors import campaign_shifts
    from bloc.electoral.campaigns import shifts_offer
    from bloc.events.services import shift_sign_up

    event, shift = make_event(camp.world)
    with pytest.raises(PermissionDenied):
        shifts_offer(actor=camp.ana, campaign=camp.campaign, event=event)
    shifts_offer(actor=camp.world.blocks["b"].facilitator, campaign=camp.campaign, event=event)
    with pytest.raises(Conflict):
        shifts_offer(actor=camp.world.blocks["b"].facilitator, campaign=camp.campaign, event=event)
    shift_sign_up(actor=camp.rita, shift=shift)
    rows = campaign_shifts(campaign=camp.campaign, viewer=camp.rita)
    assert [r.event for r in rows] == [event]
    assert rows[0].may_take_part and rows[0].shifts[0].mine and rows[0].shifts[0].taken == 1
    assert not campaign_shifts(campaign=camp.campaign, viewer=camp.ana)[0].may_take_part


# --- the contact log -----------------------------------------------------------------


def test_a_canvasser_logs_contacts_and_the_progress_counts_them(camp):
    from bloc.electoral.campaign_selectors import campaign_overview, walk_list
    from bloc.electoral.campaigns import contact_log

    first = camp.turfs[0]
    contact_log(actor=camp.ana, turf=first, address=door(first, 1), outcome="not_home")
    talk(camp, first, door(first, 1), 5, resident="June", issues=["ecology", "police"],
         follow_up=True)  # fmt: skip
    talk(camp, first, door(first, 2), 2)
    talk(camp, first, door(first, 3), 4)
    contact_log(actor=camp.ana, turf=first, address=door(first, 4), outcome="refused")
    doors = walk_list(turf=first, viewer=camp.ana)
    assert [d.address for d in doors][:3] == ["1 A Street", "2 A Street", "3 A Street"]
    june = doors[0]
    assert (june.resident, june.support, june.issues, june.follow_up, june.contacts) == (
        "June", 5, ["ecology", "police"], True, 2)  # fmt: skip
    overview = campaign_overview(campaign=camp.campaign, viewer=camp.mia)
    progress = overview.progress
    assert (progress.doors, progress.knocked, progress.talked, progress.supporters,
            progress.not_voted) == (19, 4, 3, 2, 2)  # fmt: skip
    [block] = overview.blocks
    assert block.institution == camp.world.blocks["a"].institution
    assert [t.progress.knocked for t in block.turfs] == [4, 0]


def test_support_7_or_support_without_a_talk_writes_nothing(camp):
    from bloc.audit.models import AuditEvent
    from bloc.electoral.campaigns import contact_log
    from bloc.electoral.models import Contact

    first = camp.turfs[0]
    events = AuditEvent.objects.count()
    for bad in (
        {"outcome": "talked", "support": 7},
        {"outcome": "talked", "support": 0},
        {"outcome": "not_home", "support": 3},
        {"outcome": "talked", "issues": ["taxes"]},
        {"outcome": "maybe"},
        {"outcome": "talked", "note": "x" * 2001},
    ):
        with pytest.raises(ValidationFailed):
            contact_log(actor=camp.ana, turf=first, address=door(first), **bad)
    assert Contact.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_an_address_not_on_the_turf_is_refused_with_a_clear_message(camp):
    from bloc.electoral.campaigns import contact_log
    from bloc.electoral.models import Contact

    first, second = camp.turfs
    with pytest.raises(ValidationFailed) as refused:
        contact_log(actor=camp.ana, turf=first, address=door(second), outcome="talked")
    assert refused.value.fields["address"] == ["11 A Street is not on the turf “A 1”."]
    assert Contact.objects.count() == 0


def test_a_canvasser_cannot_log_on_anothers_turf(camp):
    from bloc.electoral.campaigns import contact_log
    from bloc.electoral.models import Contact

    second = camp.turfs[1]
    for who in (camp.ana, camp.oscar, camp.rita):
        with pytest.raises(PermissionDenied):
            contact_log(actor=who, turf=second, address=door(second), outcome="not_home")
    assert Contact.objects.count() == 0
    # A manager may log on any turf.
    contact_log(actor=camp.mia, turf=second, address=door(second), outcome="not_home")


# --- GOTV ----------------------------------------------------------------------------


def test_gotv_lists_supporters_not_yet_marked_as_voted(camp):
    from bloc.electoral.campaign_selectors import campaign_overview, gotv_list
    from bloc.electoral.campaigns import contact_log, contact_mark_voted

    first, second = camp.turfs
    talk(camp, first, door(first, 1), 5)
    talk(camp, first, door(first, 2), 4)
    talk(camp, first, door(first, 3), 3)
    talk(camp, second, door(second, 11), 5)
    # A later knock with nobody home does not make a supporter less of one.
    contact_log(actor=camp.ana, turf=first, address=door(first, 2), outcome="not_home")
    listed = [d.address for _t, d in gotv_list(campaign=camp.campaign, viewer=camp.mia)]
    assert listed == ["1 A Street", "2 A Street", "11 A Street"]
    # A canvasser sees only their own turfs' supporters.
    assert [d.address for _t, d in gotv_list(campaign=camp.campaign, viewer=camp.ben)] == [
        "11 A Street"
    ]
    contact_mark_voted(actor=camp.ana, turf=first, address=door(first, 2))
    with pytest.raises(Conflict):
        contact_mark_voted(actor=camp.ana, turf=first, address=door(first, 2))
    with pytest.raises(Conflict) as nobody:
        contact_mark_voted(actor=camp.ana, turf=first, address=door(first, 9))
    assert nobody.value.code == "not_contacted"
    with pytest.raises(PermissionDenied):
        contact_mark_voted(actor=camp.ana, turf=second, address=door(second, 11))
    listed = [d.address for _t, d in gotv_list(campaign=camp.campaign, viewer=camp.mia)]
    assert listed == ["1 A Street", "11 A Street"]
    progress = campaign_overview(campaign=camp.campaign, viewer=camp.mia).progress
    assert (progress.supporters, progress.voted, progress.not_voted) == (3, 1, 2)
    contact_mark_voted(actor=camp.ana, turf=first, address=door(first, 2), voted=False)
    assert len(gotv_list(campaign=camp.campaign, viewer=camp.mia)) == 3


def test_nobody_is_marked_as_voted_after_election_day(camp):
    from bloc.electoral.campaigns import contact_mark_voted

    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5)
    camp.campaign.election_date = timezone.localdate() - datetime.timedelta(days=1)
    camp.campaign.save()
    first.campaign = camp.campaign
    with pytest.raises(Conflict) as over:
        contact_mark_voted(actor=camp.ana, turf=first, address=door(first, 1))
    assert over.value.code == "election_over"


# --- exports -------------------------------------------------------------------------


def test_every_export_is_in_the_audit_log_without_the_contact_data(camp):
    from bloc.audit.models import AuditEvent
    from bloc.electoral.campaigns import export_contacts, export_gotv, export_walk_list

    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5, resident="June Secret", note="=HYPERLINK(evil)")
    walk = export_walk_list(actor=camp.mia, campaign=camp.campaign, turf=first)
    everything = export_walk_list(actor=camp.mia, campaign=camp.campaign)
    contacts = export_contacts(actor=camp.mia, campaign=camp.campaign)
    gotv = export_gotv(actor=camp.mia, campaign=camp.campaign)
    assert (walk.rows, everything.rows, contacts.rows, gotv.rows) == (10, 19, 1, 1)
    assert "June Secret" in contacts.content and "'=HYPERLINK(evil)" in contacts.content
    assert walk.content.splitlines()[0].startswith("block,turf,address,resident")
    logged = list(AuditEvent.objects.filter(action="campaign.export").order_by("seq"))
    assert [(e.actor, e.data["what"], e.data["rows"]) for e in logged] == [
        (f"user:{camp.mia.pk}", "walk_list", 10),
        (f"user:{camp.mia.pk}", "walk_list", 19),
        (f"user:{camp.mia.pk}", "contacts", 1),
        (f"user:{camp.mia.pk}", "gotv", 1),
    ]
    assert not any("June" in str(e.data) for e in AuditEvent.objects.all())


def test_only_managers_export(camp):
    from bloc.audit.models import AuditEvent
    from bloc.electoral.campaigns import export_contacts, export_gotv, export_walk_list

    for who in (camp.ana, camp.oscar, camp.rita):
        with pytest.raises(PermissionDenied):
            export_contacts(actor=who, campaign=camp.campaign)
        with pytest.raises(PermissionDenied):
            export_gotv(actor=who, campaign=camp.campaign)
        with pytest.raises(PermissionDenied):
            export_walk_list(actor=who, campaign=camp.campaign, turf=camp.turfs[0])
    assert not AuditEvent.objects.filter(action="campaign.export").exists()


def test_the_overview_and_walk_list_take_a_fixed_number_of_queries(
    camp, django_assert_max_num_queries
):
    from bloc.electoral.campaign_selectors import campaign_overview, gotv_list, walk_list
    from bloc.electoral.campaigns import turfs_split

    for key in ("b", "c", "d"):
        turfs_split(actor=camp.olga, campaign=camp.campaign,
                    institution=camp.world.blocks[key].institution, parts=2, name=key)  # fmt: skip
    first = camp.turfs[0]
    for number in range(1, 11):
        talk(camp, first, door(first, number), 1 + number % 5)
    with django_assert_max_num_queries(8):
        overview = campaign_overview(campaign=camp.campaign, viewer=camp.mia)
    assert len(overview.blocks) == 4 and overview.progress.doors == 76
    with django_assert_max_num_queries(6):
        assert len(walk_list(turf=first, viewer=camp.ana)) == 10
    with django_assert_max_num_queries(8):
        assert len(gotv_list(campaign=camp.campaign, viewer=camp.mia)) == 4


def test_a_campaign_for_a_petition(camp):
    from bloc.electoral.campaigns import campaign_create
    from bloc.electoral.models import Petition

    petition = Petition.objects.create(
        chapter=camp.world.chapter, kind="initiative", title="Rent board now", target=500,
        deadline=timezone.localdate() + datetime.timedelta(days=60),
    )  # fmt: skip
    campaign = campaign_create(actor=camp.olga, chapter=camp.world.chapter,
                               title="Signatures for the rent board", petition=petition)  # fmt: skip
    assert campaign.petition == petition and campaign.election_date is None
    with pytest.raises(ValidationFailed):
        campaign_create(actor=camp.olga, chapter=camp.world.chapter, title="Both",
                        petition=petition, candidate=camp.candidate)  # fmt: skip
