"""The platform: assemblies propose priorities, each ranks them by its own poll, the
chapter's rule combines the rankings, and the platform is published when the last
poll is counted."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.core.errors import PermissionDenied, ValidationFailed
from tests.conftest import make_person
from tests.decisions.conftest import close_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(world):
    from bloc.institutions.services import chapter_organizer_add

    person = make_person("org@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=person)
    return person


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=3)


def propose(world, key, title, category):  # type: ignore[no-untyped-def]
    from bloc.electoral.platforms import priority_propose

    block = world.blocks[key]
    return priority_propose(actor=block.facilitator, institution=block.institution,
                            title=title, category=category)  # fmt: skip


def test_the_assemblies_rank_and_the_platform_is_published(world, organizer):
    from bloc.decisions.voting import vote
    from bloc.electoral.models import PlatformBallot
    from bloc.electoral.platforms import platform_create, platform_send

    trust = propose(world, "a", "A community land trust for every neighbourhood", "land_trusts")
    ecology = propose(world, "b", "Daylight the creek", "ecology")
    police = propose(world, "c", "A civilian police board", "police")
    with pytest.raises(PermissionDenied):
        platform_create(actor=world.blocks["a"].facilitator, chapter=world.chapter,
                        title="2027", priorities=[trust, ecology])  # fmt: skip
    platform = platform_create(actor=organizer, chapter=world.chapter, title="Platform 2027",
                               priorities=[trust, ecology, police], method="borda",
                               weighting="members")  # fmt: skip
    platform = platform_send(actor=organizer, platform=platform, closes_at=soon())
    ballots = {
        b.institution.slug: b.poll
        for b in PlatformBallot.objects.select_related("poll", "institution")
    }
    assert set(ballots) == {"block-a", "block-b", "block-c", "block-d"}
    # a (4 members) and b (2): trust > ecology > police; c (3) and d (6) the reverse.
    orders = {
        "block-a": (1, 2, 3),
        "block-b": (1, 2, 3),
        "block-c": (3, 2, 1),
        "block-d": (3, 2, 1),
    }
    for slug, poll in ballots.items():
        for person in world.blocks[slug[-1]].people:
            ranks = orders[slug]
            vote(actor=person, poll=poll, data={str(i): r for i, r in enumerate(ranks)})
    for poll in ballots.values():
        close_now(poll)
    platform.refresh_from_db()
    assert platform.published_at is not None
    # Borda weighted by the members who could vote: trust 4*2 + 2*2 = 12, ecology
    # 4 + 2 + 3 + 6 = 15, police 3*2 + 6*2 = 18.
    assert platform.result["points"] == ["12", "15", "18"]
    assert platform.result["ranking"] == [[2], [1], [0]]
    assert platform.result["assemblies"] == 4 and platform.result["weight"] == 15


def test_bad_input_is_refused_and_nothing_is_written(world, organizer):
    from bloc.electoral.models import Platform, Priority
    from bloc.electoral.platforms import platform_create, priority_propose

    block = world.blocks["a"]
    with pytest.raises(ValidationFailed):
        priority_propose(actor=block.facilitator, institution=block.institution, title="",
                         category="ecology")  # fmt: skip
    with pytest.raises(ValidationFailed):
        priority_propose(actor=block.facilitator, institution=block.institution, title="X",
                         category="astrology")  # fmt: skip
    with pytest.raises(PermissionDenied):
        priority_propose(actor=block.people[2], institution=block.institution, title="X",
                         category="ecology")  # fmt: skip
    only = propose(world, "a", "Daylight the creek", "ecology")
    with pytest.raises(ValidationFailed):
        propose(world, "b", "daylight the creek", "ecology")  # the same, differently cased
    with pytest.raises(ValidationFailed):
        platform_create(actor=organizer, chapter=world.chapter, title="P", priorities=[only])
    assert Priority.objects.count() == 1 and not Platform.objects.exists()


def test_a_platform_goes_only_to_its_own_chapters_assemblies(world, organizer):
    from bloc.electoral.models import PlatformBallot
    from bloc.electoral.platforms import platform_create, platform_send
    from bloc.institutions.services import chapter_create, institution_create

    trust = propose(world, "a", "A community land trust", "land_trusts")
    creek = propose(world, "b", "Daylight the creek", "ecology")
    platform = platform_create(actor=organizer, chapter=world.chapter, title="P",
                               priorities=[trust, creek])  # fmt: skip
    other = chapter_create(actor=SYSTEM, name="Hillside", slug="hillside")
    stranger = institution_create(actor=SYSTEM, chapter=other, name="Hill Block",
                                  slug="hill-block", kind="block_association",
                                  addresses=["1 Hill Street"])  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        platform_send(actor=organizer, platform=platform, closes_at=soon(),
                      institutions=[world.blocks["a"].institution, stranger])  # fmt: skip
    assert "institutions" in refused.value.fields
    with pytest.raises(ValidationFailed):
        platform_send(actor=organizer, platform=platform, closes_at=soon(), institutions=[])
    with pytest.raises(ValidationFailed):
        platform_send(actor=organizer, platform=platform,
                      closes_at=timezone.now() - datetime.timedelta(minutes=5))  # fmt: skip
    with pytest.raises(PermissionDenied):
        platform_send(actor=world.blocks["a"].facilitator, platform=platform, closes_at=soon())
    platform.refresh_from_db()
    assert platform.closes_at is None and not PlatformBallot.objects.exists()

    sent = platform_send(actor=organizer, platform=platform, closes_at=soon(),
                         institutions=[world.blocks["b"].institution])  # fmt: skip
    assert [b.institution.slug for b in PlatformBallot.objects.filter(platform=sent)] == ["block-b"]


def test_a_platform_whose_polls_were_all_counted_is_published_when_next_read(world, organizer):
    """Two polls counted at once each see the other still open; the next read publishes."""
    from bloc.decisions.models import Poll
    from bloc.electoral.models import Platform
    from bloc.electoral.platforms import platform_create, platform_send, platform_sync

    trust = propose(world, "a", "A community land trust", "land_trusts")
    creek = propose(world, "b", "Daylight the creek", "ecology")
    platform = platform_create(actor=organizer, chapter=world.chapter, title="P",
                               priorities=[trust, creek])  # fmt: skip
    platform = platform_send(actor=organizer, platform=platform, closes_at=soon())
    polls = list(Poll.objects.filter(platform_ballot__platform=platform))
    for poll in polls:
        close_now(poll)
    # As if the last two had been counted concurrently: counted, but not published.
    Platform.objects.filter(pk=platform.pk).update(published_at=None, result=None)
    platform.refresh_from_db()
    assert platform.closes_at > timezone.now()  # before the deadline, too
    platform = platform_sync(platform)
    assert platform.published_at is not None
    assert platform.result["assemblies"] == 0  # nobody voted: no ranking counted
    assert platform.result["ranking"] == [[0, 1]]
