"""The opinion pages: open a conversation, submit and moderate statements, vote one
statement at a time without JavaScript, and the map."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bloc.listening.models import Moderation, OpinionConversation, Statement, StatementVote
from tests.listening.opinion_helpers import SEEDS, conversation, two_camps, verified

pytestmark = pytest.mark.django_db


def base(talk) -> str:  # type: ignore[no-untyped-def]
    return f"/listening/maple/opinions/{talk.pk}/"


def test_an_officer_opens_a_conversation(client, maple, fiona):  # type: ignore[no-untyped-def]
    client.force_login(fiona)
    assert client.get("/listening/maple/opinions/new/").status_code == 200
    bad = client.post("/listening/maple/opinions/new/", {"topic": " ", "seeds": "A\nB"})
    assert bad.status_code == 422 and OpinionConversation.objects.count() == 0
    made = client.post(
        "/listening/maple/opinions/new/",
        {
            "topic": "What next?",
            "seeds": "More trees\n\nSlower cars\n",
            "participants_submit": "on",
        },
    )
    assert made.status_code == 302
    talk = OpinionConversation.objects.get()
    assert [s.text for s in talk.statements.order_by("pk")] == ["More trees", "Slower cars"]
    listing = client.get("/listening/maple/opinions/").content.decode()
    assert "What next?" in listing


def test_members_cannot_open(client, maple):  # type: ignore[no-untyped-def]
    voter = verified(maple, 1)[0]
    client.force_login(voter)
    assert client.get("/listening/maple/opinions/new/").status_code == 403


def test_statements_bad_duplicate_and_moderated(client, maple, fiona):  # type: ignore[no-untyped-def]
    talk = conversation(maple, fiona)
    voter = verified(maple, 1)[0]
    client.force_login(voter)
    url = base(talk) + "statements/"
    before = Statement.objects.count()
    for text, message in (
        ("", "Write a statement."),
        ("x" * 2000, "Keep it under 280 characters."),
        (SEEDS[0].upper(), "This statement is already in the conversation."),
    ):
        sent = client.post(url, {"text": text})
        assert sent.status_code == 422
        assert message in sent.content.decode()
    assert Statement.objects.count() == before
    assert client.post(url, {"text": " Plant more trees "}).status_code == 302
    made = Statement.objects.get(text="Plant more trees")
    assert made.moderation == Moderation.PENDING
    assert "Plant more trees" not in client.get(base(talk)).content.decode()
    assert (
        client.post(
            base(talk) + f"statements/{made.pk}/moderate/", {"decision": "accept"}
        ).status_code
        == 403
    )
    client.force_login(fiona)
    page = client.get(base(talk)).content.decode()
    assert "Waiting for moderation" in page and "Plant more trees" in page
    done = client.post(base(talk) + f"statements/{made.pk}/moderate/", {"decision": "accept"})
    assert done.status_code == 302
    made.refresh_from_db()
    assert made.moderation == Moderation.ACCEPTED


def test_vote_one_at_a_time(client, maple, fiona):  # type: ignore[no-untyped-def]
    talk = conversation(maple, fiona, seeds=["First idea", "Second idea"])
    first, second = talk.statements.order_by("pk")
    voter = verified(maple, 1)[0]
    client.force_login(voter)
    url = base(talk) + "vote/"
    page = client.get(url).content.decode()
    assert "First idea" in page and "Second idea" not in page
    assert 'value="agree"' in page and 'value="disagree"' in page and 'value="pass"' in page
    assert client.post(url, {"statement": first.pk, "vote": "agree"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Second idea" in page
    client.post(url, {"statement": second.pk, "vote": "pass"})
    assert "You have voted on every statement" in client.get(url).content.decode()
    # change a vote
    assert "First idea" in client.get(url, {"statement": first.pk}).content.decode()
    client.post(url, {"statement": first.pk, "vote": "disagree"})
    assert StatementVote.objects.get(statement=first).vote == -1
    assert StatementVote.objects.count() == 2


def test_bad_votes_write_nothing(client, maple, fiona):  # type: ignore[no-untyped-def]
    from bloc.listening import opinions as svc

    talk = conversation(maple, fiona, seeds=["First idea"])
    voter = verified(maple, 1)[0]
    hidden = svc.statement_submit(actor=voter, conversation=talk, text="Hidden idea")
    client.force_login(voter)
    url = base(talk) + "vote/"
    refused = client.post(url, {"statement": hidden.pk, "vote": "agree"})
    assert refused.status_code == 409
    assert "not been accepted" in refused.content.decode()
    assert client.post(url, {"statement": 999999, "vote": "agree"}).status_code == 404
    first = talk.statements.get(text="First idea")
    assert client.post(url, {"statement": first.pk, "vote": "maybe"}).status_code == 422
    svc.conversation_close(actor=fiona, conversation=talk)
    closed = client.post(url, {"statement": first.pk, "vote": "agree"})
    assert closed.status_code == 409 and "closed" in closed.content.decode()
    assert StatementVote.objects.count() == 0


def test_strangers_see_nothing(client, maple, fiona, bob):  # type: ignore[no-untyped-def]
    talk = conversation(maple, fiona)
    assert client.get(base(talk)).status_code == 302  # log in first
    client.force_login(bob)
    for page in ("", "vote/", "map/"):
        assert client.get(base(talk) + page).status_code == 403


def test_the_map(client, maple, fiona, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    talk, a, _b = two_camps(maple, fiona)
    client.force_login(a[0])
    empty = conversation(maple, fiona, seeds=["Lonely"])
    assert "no map" in client.get(base(empty) + "map/").content.decode()
    page = client.get(base(talk) + "map/").content.decode()
    assert 'role="img"' in page and "<title" in page and "<desc" in page
    assert "Group 1" in page and "Group 2" in page and "What unites the groups" in page
    assert SEEDS[-1] in page
    assert talk.analyses.count() == 1
    with CaptureQueriesContext(connection) as fresh:
        client.get(base(talk) + "map/")
    assert talk.analyses.count() == 1  # not stale: not recomputed
    assert len(fresh) <= 12, [q["sql"] for q in fresh.captured_queries]


def test_map_queries_do_not_grow(client, maple, fiona):  # type: ignore[no-untyped-def]
    from bloc.listening import opinions as svc

    counts = []
    for per_camp, prefix in ((4, "s"), (12, "l")):
        talk, a, _b = two_camps(maple, fiona, per_camp=per_camp, prefix=prefix)
        client.force_login(a[0])
        for stale in (True, False):
            if stale:
                talk.analyses.all().delete()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(base(talk) + "map/").status_code == 200
            counts.append(len(queries))
        assert svc.analysis_current(talk) is not None
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert counts[1] <= 12, counts


def test_officers_add_seeds_and_undo_a_rejection(client, maple, fiona):  # type: ignore[no-untyped-def]
    talk = conversation(maple, fiona, seeds=["First idea"])
    client.force_login(fiona)
    sent = client.post(base(talk) + "statements/", {"text": "Second idea", "seed": "on"})
    assert sent.status_code == 302
    second = Statement.objects.get(text="Second idea")
    assert second.is_seed and second.moderation == Moderation.ACCEPTED
    client.post(base(talk) + f"statements/{second.pk}/moderate/", {"decision": "reject"})
    page = client.get(base(talk)).content.decode()
    assert "Rejected statements" in page and "Accept after all" in page
    client.post(base(talk) + f"statements/{second.pk}/moderate/", {"decision": "accept"})
    second.refresh_from_db()
    assert second.moderation == Moderation.ACCEPTED
    voter = verified(maple, 1)[0]
    client.force_login(voter)
    assert (
        client.post(base(talk) + "statements/", {"text": "Third idea", "seed": "on"}).status_code
        == 403
    )
