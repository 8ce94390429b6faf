"""Voting in the room: the roster, paper stacks entered twice, show of hands, PDFs."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bloc.decisions.models import Channel, PaperBatch, Participation
from bloc.decisions.voting import vote
from tests.decisions.conftest import close_now, open_poll

pytestmark = pytest.mark.django_db


def url(name, poll, **query):  # type: ignore[no-untyped-def]
    kwargs = {"slug": poll.institution.slug, "poll_id": poll.pk}
    path = reverse(f"institutions:{name}", kwargs=kwargs)
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def secretary(maple, voters):  # type: ignore[no-untyped-def]
    """Voter 0, secretary of Maple Street: a second person who may conduct polls."""
    from bloc.actors import SYSTEM
    from bloc.membership.models import Membership
    from bloc.membership.roles import role_term_assign

    person = voters[1]
    role_term_assign(
        actor=SYSTEM,
        membership=Membership.objects.get(institution=maple, user=person),
        role="secretary",
        starts_on=timezone.localdate(),
    )
    return person


def stack(label, *lines):  # type: ignore[no-untyped-def]
    """The paper form's POST data for a choice poll: lines of (option position, count)."""
    data = {"label": label, "lines": "5", "enter": "1"}
    for i, (option, count) in enumerate(lines):
        data[f"l{i}-choice"] = str(option)
        data[f"l{i}-count"] = str(count)
    return data


def test_roster_then_paper_entered_twice_is_merged_with_online_ballots(
    client, maple, voters, secretary
):  # type: ignore[no-untyped-def]
    fiona = voters[0]
    poll = open_poll(maple, fiona)
    vote(actor=voters[2], poll=poll, data=2)  # abstain
    vote(actor=voters[5], poll=poll, data=1)  # against
    vote(actor=secretary, poll=poll, data=1)  # against

    client.force_login(fiona)
    page = client.get(url("poll_room", poll)).content.decode()
    assert "Voter 0" in page and "voted online" in page

    # Who voted online cannot be checked off: nothing changes.
    response = client.post(url("poll_roster", poll), {"voters": [voters[2].pk, voters[3].pk]})
    assert response.status_code == 409
    assert "already voted online" in response.content.decode()
    assert not Participation.objects.filter(poll=poll, channel=Channel.IN_PERSON).exists()

    response = client.post(
        url("poll_roster", poll), {"voters": [fiona.pk, voters[3].pk, voters[4].pk]}
    )
    assert response.status_code == 302
    # Checked off: voting online is refused with the reason.
    with pytest.raises(Exception, match="You voted in person"):
        vote(actor=voters[3], poll=poll, data=0)
    page = client.get(url("poll_room", poll)).content.decode()
    assert page.count("checked off (in the room)") == 3

    # First entry: three papers "for", typed as two lines.
    response = client.post(url("poll_paper", poll), stack("box 1", (0, 2), (0, 1)), follow=True)
    assert "Entered once. Someone else must now enter the same stack again." in (
        response.content.decode()
    )
    # The same person cannot make the second entry.
    response = client.post(url("poll_paper", poll), stack("box 1", (0, 3)))
    assert response.status_code == 409
    assert "someone other than the first" in response.content.decode()

    # The secretary sees who entered it first, but not what was entered.
    client.force_login(secretary)
    page = client.get(url("poll_paper", poll, label="box%201")).content.decode()
    assert "entered first by Fiona Facilitator" in page
    assert 'value="3"' not in page
    # A different count is refused with the differences, and nothing is stored.
    response = client.post(url("poll_paper", poll), stack("box 1", (0, 2), (1, 1)))
    assert response.status_code == 409
    assert "differs from the first one" in response.content.decode()
    batch = PaperBatch.objects.get(poll=poll)
    assert batch.second_entry is None and batch.accepted_at is None
    # The same stack, typed differently, is counted.
    response = client.post(url("poll_paper", poll), stack("box 1", (0, 3)), follow=True)
    assert "Both entries match: the stack is counted." in response.content.decode()
    page = client.get(url("poll_room", poll)).content.decode()
    assert "Counted: entered by Fiona Facilitator and Voter 0." in page

    # Unchecking someone now would leave more papers than members checked off.
    response = client.post(url("poll_roster_undo", poll), {"user": voters[3].pk})
    assert response.status_code == 409
    assert Participation.objects.filter(poll=poll, channel=Channel.IN_PERSON).count() == 3

    close_now(poll)
    # 3 papers for beat 2 online against: without the papers the motion would fail.
    assert poll.outcome == "adopted"
    published = json.loads(poll.ballots_file)
    assert sum(int(row.get("count", 1)) for row in published["ballots"]) == 6


def test_papers_cannot_outnumber_the_roster_and_the_page_keeps_lines(client, maple, voters):  # type: ignore[no-untyped-def]
    fiona = voters[0]
    poll = open_poll(maple, fiona, rule="irv", options=["Ana", "Bo", "Cy"])
    client.force_login(fiona)
    client.post(url("poll_roster", poll), {"voters": [voters[2].pk, voters[3].pk]})
    # A check-off made by mistake is undone (nothing counted yet).
    assert client.post(url("poll_roster_undo", poll), {"user": voters[3].pk}).status_code == 302
    assert Participation.objects.filter(poll=poll).count() == 1

    # "More lines" re-renders with five more lines, keeping what was typed.
    typed = {"label": "box 1", "lines": "5", "more": "1", "l0-ranked-1": "1", "l0-count": "2"}
    response = client.post(url("poll_paper", poll), typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="l9-ranked-2"' in page and 'name="l10-ranked-0"' not in page
    assert 'value="box 1"' in page

    # Two papers, one member checked off: refused, nothing stored.
    typed.pop("more")
    typed["enter"] = "1"
    response = client.post(url("poll_paper", poll), typed)
    assert response.status_code == 409
    assert "only 1 members are checked off" in response.content.decode()
    assert not PaperBatch.objects.exists()

    # Two ranks the same on a line: a clear message naming the line.
    bad = {"label": "box 1", "lines": "5", "enter": "1", "l0-ranked-0": "1", "l0-ranked-1": "1"}
    response = client.post(url("poll_paper", poll), bad)
    assert response.status_code == 422
    assert "Line 1:" in response.content.decode()

    typed["l0-count"] = "1"
    typed["l0-ranked-0"] = "2"
    assert client.post(url("poll_paper", poll), typed).status_code == 302
    assert PaperBatch.objects.get().first_entry == [["[1,0]", 1]]


def test_show_of_hands_merges_and_outsiders_are_refused(client, maple, voters):  # type: ignore[no-untyped-def]
    fiona = voters[0]
    poll = open_poll(maple, fiona)
    vote(actor=voters[2], poll=poll, data=1)  # against, online

    client.force_login(voters[3])  # a member, not a facilitator
    assert client.get(url("poll_room", poll)).status_code == 403
    assert client.post(url("poll_roster", poll), {"voters": [voters[3].pk]}).status_code == 403
    assert client.get(url("poll_paper", poll)).status_code == 403
    assert client.get(url("poll_roster_pdf", poll)).status_code == 403

    client.force_login(fiona)
    hands = {"hands-0": "2", "hands-1": "0", "hands-2": "1"}
    response = client.post(url("poll_hands", poll), hands)
    assert response.status_code == 409  # nobody checked off yet
    client.post(url("poll_roster", poll), {"voters": [voters[3].pk, voters[4].pk, voters[5].pk]})
    assert client.post(url("poll_hands", poll), hands).status_code == 302
    summary = client.get(url("poll_room", poll)).content.decode()
    assert "3 ballots counted (paper and hands)" in summary

    close_now(poll)
    assert poll.outcome == "adopted"  # 2 hands for against 1 online against


def test_printable_ballots_and_roster(client, maple, voters):  # type: ignore[no-untyped-def]
    fiona = voters[0]
    poll = open_poll(maple, fiona, rule="approval", options=["Ana", "Bo", "Cy"])
    vote(actor=voters[2], poll=poll, data=[0])
    client.force_login(fiona)

    response = client.get(url("poll_paper_ballots_pdf", poll, copies=3, paper="letter"))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert text.count("Paint the fence?") == 3
    assert "Mark all the options you approve of." in text
    assert "Voter" not in text  # nothing on a ballot names anyone

    response = client.get(url("poll_roster_pdf", poll))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Paint the fence?" in text
    names = [n for n in ("Fiona Facilitator", "Voter 0", "Voter 4") if n in text]
    assert names == ["Fiona Facilitator", "Voter 0", "Voter 4"]
    assert text.index("Fiona Facilitator") < text.index("Voter 0") < text.index("Voter 4")
    assert text.count("online") >= 2  # the column's heading and Voter 1's row
