"""The platform's pages through Django's test client: the index, the priorities and the
form to propose one, setting up and sending a platform, its page once the assemblies
ranked it (with the explanation), its PDF, and the refusals."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.electoral.models import Platform, PlatformBallot, Priority
from tests.conftest import make_person
from tests.decisions.conftest import close_now

pytestmark = pytest.mark.django_db

TRUST = "A community land trust for every neighbourhood"
CREEK = "Daylight the creek"
BOARD = "A civilian police board"


@pytest.fixture
def organizer(world):  # type: ignore[no-untyped-def]
    from bloc.institutions.services import chapter_organizer_add

    person = make_person("org@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=person)
    return person


def url(name: str, *args: object) -> str:
    return reverse(f"electoral:{name}", args=list(args))


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def later(days: int = 3) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def three_priorities(world):  # type: ignore[no-untyped-def]
    from bloc.electoral.platforms import priority_propose

    made = []
    for key, title, category in (
        ("a", TRUST, "land_trusts"),
        ("b", CREEK, "ecology"),
        ("c", BOARD, "police"),
    ):
        block = world.blocks[key]
        made.append(
            priority_propose(
                actor=block.facilitator,
                institution=block.institution,
                title=title,
                category=category,
                description=f"What {key} wants.",
            )
        )
    return made


def sent_platform(world, organizer, method="schulze", weighting="assemblies"):  # type: ignore[no-untyped-def]
    from bloc.electoral.platforms import platform_create, platform_send

    platform = platform_create(actor=organizer, chapter=world.chapter, title="Platform 2027",
                               priorities=three_priorities(world), method=method,
                               weighting=weighting)  # fmt: skip
    return platform_send(
        actor=organizer, platform=platform, closes_at=timezone.now() + datetime.timedelta(days=3)
    )


# Blocks a, b and c rank trust > creek > board; d the reverse.
ORDERS = {"a": (1, 2, 3), "b": (1, 2, 3), "c": (1, 2, 3), "d": (3, 2, 1)}


def rank_all(world, platform, orders=ORDERS, close=True):  # type: ignore[no-untyped-def]
    from bloc.decisions.voting import vote

    for ballot in PlatformBallot.objects.filter(platform=platform).select_related(
        "poll", "institution"
    ):
        key = ballot.institution.slug[-1]
        if key in orders:
            for person in world.blocks[key].people:
                data = {str(i): r for i, r in enumerate(orders[key])}
                vote(actor=person, poll=ballot.poll, data=data)
        if close:
            close_now(ballot.poll)
    platform.refresh_from_db()
    return platform


def published_platform(world, organizer, **kwargs):  # type: ignore[no-untyped-def]
    platform = rank_all(world, sent_platform(world, organizer, **kwargs))
    assert platform.published_at is not None
    return platform


# --- reading -------------------------------------------------------------------------


def test_anyone_reads_the_index_the_priorities_and_the_published_platform(client, world, organizer):
    platform = published_platform(world, organizer)
    for viewer in (None, world.blocks["d"].people[2]):
        if viewer is not None:
            client.force_login(viewer)
        index = page(client.get(url("index")))
        assert "Platform 2027" in index and url("platform_detail", platform.pk) in index
        assert "3 priorities proposed by the assemblies" in index
        assert "Set up a platform" not in index  # for organizers only

        priorities = page(client.get(url("platform_priorities")))
        for title in (TRUST, CREEK, BOARD):
            assert title in priorities
        assert "Local ecology" in priorities and "proposed by Block B" in priorities
        assert 'name="title"' not in priorities  # no form for a resident or a visitor

        detail = client.get(url("platform_detail", platform.pk))
        text = page(detail)
        assert detail.status_code == 200
        assert "Published" in text
        # The ranked platform, in order, and the explanation in sentences.
        ranking = text[text.index('id="platform-ranking"') :]
        assert ranking.index(TRUST) < ranking.index(CREEK) < ranking.index(BOARD)
        assert "4 assemblies ranked the priorities, of the 4 asked." in text
        assert "15 members who could vote took part" in text
        assert "counted once, whatever its size" in text
        assert "Schulze&#x27;s method" in text or "Schulze's method" in text
        assert "3 assemblies ranked it higher, 1 assembly ranked" in text
        assert "<caption>" in text and 'scope="col"' in text and 'scope="row"' in text
        # Each assembly's ranking, linking to its poll.
        ballot = PlatformBallot.objects.get(platform=platform, institution__slug="block-d")
        assert reverse("institutions:poll_detail", args=["block-d", ballot.poll_id]) in text
        assert "6 / 6" in text
        client.logout()

    pdf = client.get(url("platform_pdf", platform.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(url("platform_detail", 99999)).status_code == 404


def test_the_borda_explanation_gives_each_prioritys_points(client, world, organizer):
    platform = published_platform(world, organizer, method="borda", weighting="members")
    text = page(client.get(url("platform_detail", platform.pk)))
    # Weighted by the members who could vote: a 4, b 2, c 3 give trust 2 points each,
    # d (6) gives the board 2: trust 18, creek 15, board 12.
    assert "counted as many times as it has members" in text and "15 people in all" in text
    assert "Borda count" in text and "the first gets 2 points" in text
    assert "came first, with 18 points" in text
    points = text[text.index('id="platform-points"') :]
    assert points.index(TRUST) < points.index(CREEK) < points.index(BOARD)
    assert ">18<" in points and ">15<" in points and ">12<" in points


def test_a_page_read_after_closing_counts_the_polls_and_publishes(client, world, organizer):
    from bloc.decisions.models import Poll

    platform = rank_all(world, sent_platform(world, organizer), close=False)
    text = page(client.get(url("platform_detail", platform.pk)))
    assert "Being ranked by 4 assemblies" in text and "0 counted so far" in text
    assert "Voting" in text
    assert client.get(url("platform_pdf", platform.pk)).status_code == 404  # not yet
    past = timezone.now()  # (a poll cannot close before it opened)
    Poll.objects.filter(platform_ballot__platform=platform).update(closes_at=past)
    Platform.objects.filter(pk=platform.pk).update(closes_at=past)
    text = page(client.get(url("platform_detail", platform.pk)))
    assert "Published" in text and "How it was ranked" in text
    assert Platform.objects.get(pk=platform.pk).published_at is not None


# --- proposing a priority ------------------------------------------------------------


def test_an_officer_proposes_a_priority_for_their_assembly(client, world):
    facilitator = world.blocks["a"].facilitator
    client.force_login(facilitator)
    form = page(client.get(url("platform_priorities")))
    assert 'name="institution"' in form and "Block A" in form and "Block B" not in form
    sent = client.post(
        url("platform_priorities"),
        {"institution": world.blocks["a"].institution.pk, "title": "Participatory budgeting",
         "category": "direct_democracy", "description": "A tenth of the city's budget."},
    )  # fmt: skip
    priority = Priority.objects.get()
    assert sent.status_code == 302 and sent.url.endswith(f"#priority-{priority.pk}")
    assert priority.proposed_by == world.blocks["a"].institution
    assert AuditEvent.objects.filter(action="platform.priority").count() == 1
    listing = page(client.get(url("platform_priorities")))
    assert "Participatory budgeting" in listing and "A tenth of the city" in listing


def test_bad_priorities_get_a_message_and_nothing_is_written(client, world):
    client.force_login(world.blocks["a"].facilitator)
    a = world.blocks["a"].institution.pk
    empty = client.post(url("platform_priorities"), {"institution": a, "title": " ",
                                                      "category": "ecology"})  # fmt: skip
    assert empty.status_code == 422 and "Name the priority." in page(empty)
    odd = client.post(url("platform_priorities"), {"institution": a, "title": "X",
                                                    "category": "astrology"})  # fmt: skip
    assert odd.status_code == 422 and "field-error" in page(odd)
    # Another assembly's name in the form is not a choice this officer has.
    other = client.post(url("platform_priorities"), {
        "institution": world.blocks["b"].institution.pk, "title": "X", "category": "ecology"})  # fmt: skip
    assert other.status_code == 422
    client.post(url("platform_priorities"), {"institution": a, "title": CREEK,
                                             "category": "ecology"})  # fmt: skip
    again = client.post(url("platform_priorities"), {"institution": a, "title": CREEK.upper(),
                                                     "category": "ecology"})  # fmt: skip
    assert again.status_code == 422 and "already has a priority with this name" in page(again)
    assert Priority.objects.count() == 1


def test_a_resident_cannot_propose_and_a_visitor_is_sent_to_log_in(client, world):
    data = {"institution": world.blocks["a"].institution.pk, "title": "X", "category": "ecology"}
    visitor = client.post(url("platform_priorities"), data)
    assert visitor.status_code == 302 and "/accounts/login/" in visitor.url
    client.force_login(world.blocks["a"].people[2])  # a member, not an officer
    assert "A facilitator or the secretary" in page(client.get(url("platform_priorities")))
    refused = client.post(url("platform_priorities"), data)
    assert refused.status_code == 403
    assert not Priority.objects.exists()
    assert not AuditEvent.objects.filter(action="platform.priority").exists()


# --- setting up and sending a platform -----------------------------------------------


def test_an_organizer_sets_up_a_platform_and_sends_it(client, world, organizer):
    trust, creek, board = three_priorities(world)
    client.force_login(organizer)
    assert "Set up a platform" in page(client.get(url("index")))
    form = client.get(url("platform_create"))
    assert form.status_code == 200 and TRUST in page(form) and "Schulze" in page(form)
    made = client.post(url("platform_create"), {
        "title": "Platform 2027", "priorities": [trust.pk, board.pk],
        "method": "borda", "weighting": "members"})  # fmt: skip
    platform = Platform.objects.get()
    assert made.status_code == 302 and made.url == url("platform_detail", platform.pk)
    assert (platform.method, platform.weighting, platform.order) == (
        "borda", "members", [trust.pk, board.pk])  # fmt: skip
    draft = page(client.get(url("platform_detail", platform.pk)))
    assert "Draft: not yet sent" in draft and "Send to every assembly" in draft

    past = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url("platform_send", platform.pk), {"closes_at": past})
    assert refused.status_code == 422 and "Choose a time in the future." in page(refused)
    assert not PlatformBallot.objects.exists()

    sent = client.post(url("platform_send", platform.pk), {"closes_at": later()})
    assert sent.status_code == 302
    assert PlatformBallot.objects.filter(platform=platform).count() == 4
    ranking = page(client.get(url("platform_detail", platform.pk)))
    assert "Being ranked by 4 assemblies" in ranking and "Send to every assembly" not in ranking
    twice = client.post(url("platform_send", platform.pk), {"closes_at": later()})
    assert twice.status_code == 409 and "already with the assemblies" in page(twice)
    assert PlatformBallot.objects.count() == 4


def test_bad_platforms_get_a_message_and_nothing_is_written(client, world, organizer):
    trust, _creek, _board = three_priorities(world)
    client.force_login(organizer)
    one = client.post(url("platform_create"), {"title": "P", "priorities": [trust.pk],
                                               "method": "schulze", "weighting": "assemblies"})  # fmt: skip
    assert one.status_code == 422 and "from 2 to" in page(one)
    untitled = client.post(url("platform_create"), {"title": "", "priorities": [trust.pk],
                                                    "method": "lottery", "weighting": "x"})  # fmt: skip
    assert untitled.status_code == 422 and "field-error" in page(untitled)
    assert not Platform.objects.exists()


def test_a_resident_cannot_set_up_or_send_a_platform(client, world, organizer):
    trust, creek, _board = three_priorities(world)
    data = {"title": "Mine", "priorities": [trust.pk, creek.pk], "method": "schulze",
            "weighting": "assemblies"}  # fmt: skip
    visitor = client.get(url("platform_create"))
    assert visitor.status_code == 302 and "/accounts/login/" in visitor.url
    facilitator = world.blocks["a"].facilitator  # an officer of an assembly, not an organizer
    client.force_login(facilitator)
    assert client.get(url("platform_create")).status_code == 403
    assert client.post(url("platform_create"), data).status_code == 403
    assert not Platform.objects.exists()

    from bloc.electoral.platforms import platform_create

    platform = platform_create(actor=organizer, chapter=world.chapter, title="P",
                               priorities=[trust, creek])  # fmt: skip
    assert "Send to every assembly" not in page(client.get(url("platform_detail", platform.pk)))
    assert client.post(url("platform_send", platform.pk), {"closes_at": later()}).status_code == 403
    assert not PlatformBallot.objects.exists()
    assert not AuditEvent.objects.filter(action="platform.send").exists()


# --- queries -------------------------------------------------------------------------


def test_the_platform_page_reads_many_assemblies_in_a_bounded_number_of_queries(
    client, world, organizer, django_assert_max_num_queries
):
    from bloc.institutions.services import institution_create

    for n in range(16):
        institution_create(actor=SYSTEM, chapter=world.chapter, name=f"East {n}",
                           slug=f"east-{n}", kind="block_association",
                           addresses=[f"{n} East Street"])  # fmt: skip
    platform = published_platform(world, organizer)
    assert PlatformBallot.objects.filter(platform=platform).count() == 20
    client.force_login(world.blocks["a"].people[2])
    with django_assert_max_num_queries(12):
        response = client.get(url("platform_detail", platform.pk))
    assert response.status_code == 200 and "East 15" in page(response)
    with django_assert_max_num_queries(12):
        assert client.get(url("index")).status_code == 200
