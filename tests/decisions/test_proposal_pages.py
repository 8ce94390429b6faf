"""Proposal pages through Django's test client: drafting, discussing, refusals."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from bloc.decisions import proposals as svc
from bloc.decisions.models import Amendment, Comment, Proposal
from tests.conftest import make_person


def _url(name, proposal=None, *extra):  # type: ignore[no-untyped-def]
    args = ["maple"] + ([proposal.pk] if proposal else []) + list(extra)
    return reverse(f"institutions:{name}", args=args)


def _discussed(maple, author):  # type: ignore[no-untyped-def]
    proposal = svc.proposal_create(
        actor=author, institution=maple, title="Paint the fence", body="Paint it *green*."
    )
    svc.proposal_open_discussion(actor=author, proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(
        discussion_since=timezone.now() - datetime.timedelta(days=5)
    )
    return proposal


def test_a_member_drafts_opens_and_the_page_shows_it(client, maple, voters):  # type: ignore[no-untyped-def]
    author = voters[1]
    client.force_login(author)
    page = client.get(_url("proposals"))
    assert page.status_code == 200 and _url("proposal_create") in page.content.decode()

    refused = client.post(
        _url("proposal_create"),
        {"title": "Colour", "body": "Pick one", "rule": "approval", "options": "green", "seats": 1},
    )
    assert refused.status_code == 422
    assert "Give at least two options" in refused.content.decode()
    assert not Proposal.objects.exists()

    made = client.post(
        _url("proposal_create"),
        {
            "title": "Paint the fence",
            "body": "Paint it **green**.\n\n<script>alert(1)</script>",
            "rule": "majority",
            "seats": 1,
            "secret": "on",
        },
    )
    proposal = Proposal.objects.get()
    assert made.status_code == 302 and made.url == _url("proposal_detail", proposal)
    page = client.get(_url("proposal_detail", proposal)).content.decode()
    assert "<strong>green</strong>" in page and "<script>alert" not in page
    assert "Open it for discussion" in page and "Draft" in page

    edited = client.post(
        _url("proposal_edit", proposal),
        {"title": "Paint the fence", "body": "Paint it blue.", "rule": "majority", "seats": 1},
    )
    assert edited.status_code == 302
    client.post(_url("proposal_open", proposal))
    proposal.refresh_from_db()
    assert proposal.state == "discussion" and proposal.body == "Paint it blue."
    page = client.get(_url("proposal_detail", proposal)).content.decode()
    assert "72 hours of discussion" in page and "The vote can be called from" in page
    assert client.get(_url("proposal_edit", proposal)).status_code == 302  # drafts only


def test_discussion_amendments_and_moderation_on_the_page(client, maple, voters):  # type: ignore[no-untyped-def]
    fiona, author, other = voters[0], voters[1], voters[2]
    proposal = _discussed(maple, author)
    client.force_login(other)
    assert (
        client.post(_url("proposal_comment", proposal), {"stance": "for", "body": " "}).status_code
        == 422
    )
    client.post(_url("proposal_comment", proposal), {"stance": "concern", "body": "Too bright?"})
    comment = Comment.objects.get()
    client.post(
        _url("proposal_comment", proposal),
        {"stance": "question", "body": "Which green?", "parent": comment.pk},
    )
    refused = client.post(
        _url("proposal_amend", proposal), {"passage": "purple", "replacement": "blue"}
    )
    assert refused.status_code == 422 and "not in the text" in refused.content.decode()
    assert not Amendment.objects.exists()
    client.post(_url("proposal_amend", proposal), {"passage": "green", "replacement": "dark blue"})
    amendment = Amendment.objects.get()
    # A member who is not a facilitator cannot hide comments.
    assert (
        client.post(
            _url("proposal_comment_hide", proposal, comment.pk), {"reason": "x"}
        ).status_code
        == 403
    )

    client.force_login(fiona)
    assert (
        client.post(_url("proposal_comment_hide", proposal, comment.pk), {"reason": ""}).status_code
        == 422
    )
    client.post(_url("proposal_comment_hide", proposal, comment.pk), {"reason": "Off topic"})
    page = client.get(_url("proposal_detail", proposal)).content.decode()
    assert "Hidden by a moderator: Off topic" in page and "Too bright?" not in page
    assert "stance: Question" in page and "Which green?" in page
    assert "<del>green</del><ins>dark blue</ins>" in page  # the amendment, as it would read

    client.force_login(author)
    client.post(_url("proposal_amendment_accept", proposal, amendment.pk))
    proposal.refresh_from_db()
    assert proposal.body == "Paint it *dark blue*."
    page = client.get(_url("proposal_detail", proposal)).content.decode()
    assert "Accepted as friendly" in page and "<del>green</del>" in page
    assert 'name="vote-closes_at"' in page  # the author may call the vote (bylaws default)

    bad = client.post(_url("proposal_vote", proposal), {"vote-closes_at": "not a date"})
    assert bad.status_code == 422 and not proposal.polls.exists()
    past = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    late = client.post(_url("proposal_vote", proposal), {"vote-closes_at": past})
    assert late.status_code == 422 and not proposal.polls.exists()
    soon = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(_url("proposal_vote", proposal), {"vote-closes_at": soon}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "vote" and proposal.polls.count() == 1
    page = client.get(_url("proposal_detail", proposal)).content.decode()
    assert reverse("institutions:poll_detail", args=["maple", proposal.polls.get().pk]) in page
    again = client.post(_url("proposal_withdraw", proposal))
    assert again.status_code == 409


def test_outsiders_are_refused_and_nothing_changes(client, maple, voters):  # type: ignore[no-untyped-def]
    proposal = _discussed(maple, voters[1])
    outsider = make_person("out@example.org", "Out Sider")
    assert client.get(_url("proposal_detail", proposal)).status_code == 302  # log in first
    client.force_login(outsider)
    assert client.get(_url("proposals")).status_code == 403
    assert client.get(_url("proposal_detail", proposal)).status_code == 403
    assert client.get(_url("proposal_create")).status_code == 403
    posted = client.post(_url("proposal_comment", proposal), {"stance": "for", "body": "Hi"})
    assert posted.status_code == 403 and not Comment.objects.exists()

    client.force_login(voters[2])  # a member, but not the author
    assert client.post(_url("proposal_withdraw", proposal)).status_code == 403
    assert client.get(_url("proposal_edit", proposal)).status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == "discussion"


def test_follow_up_of_an_adopted_proposal(client, maple, voters):  # type: ignore[no-untyped-def]
    from bloc.decisions.voting import vote
    from tests.decisions.conftest import close_now

    fiona, author = voters[0], voters[1]
    proposal = _discussed(maple, author)
    poll = svc.proposal_move_to_vote(
        actor=author, proposal=proposal, closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    for person in voters:
        vote(actor=person, poll=poll, data=0)
    close_now(poll)
    client.force_login(fiona)
    page = client.get(_url("proposal_detail", proposal)).content.decode()
    assert "Adopted by the vote" in page and "Add a task" in page

    due = timezone.localdate().isoformat()
    bad = client.post(_url("proposal_task_add", proposal), {"title": "", "owner": author.pk})
    assert bad.status_code == 422 and not proposal.tasks.exists()
    client.post(
        _url("proposal_task_add", proposal),
        {"title": "Buy paint", "owner": voters[3].pk, "due_on": due},
    )
    task = proposal.tasks.get()
    assert task.owner == voters[3]
    client.force_login(voters[3])
    client.post(_url("proposal_task_complete", proposal, task.pk), {"evidence": "Receipt filed"})
    task.refresh_from_db()
    assert task.done_at is not None

    client.force_login(fiona)
    assert (
        client.post(_url("proposal_carry_out", proposal), {"carry-evidence": ""}).status_code == 422
    )
    client.post(
        _url("proposal_carry_out", proposal), {"carry-evidence": "See [photo](https://x.org)"}
    )
    page = client.get(_url("proposal_detail", proposal)).content.decode()
    assert "Carried out" in page and 'href="https://x.org" rel="nofollow noopener"' in page
    assert "Receipt filed" in page


def _bearer(person):  # type: ignore[no-untyped-def]
    from bloc.accounts.services import api_token_create

    _token, secret = api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_runs_the_life_cycle(client, maple, voters):  # type: ignore[no-untyped-def]
    author, other, fiona = voters[1], voters[2], voters[0]
    base = "/api/v1/institutions/maple/proposals"
    made = client.post(
        base,
        {"title": "Paint the fence", "body": "Paint it green."},
        content_type="application/json",
        **_bearer(author),
    )
    assert made.status_code == 201 and made.json()["rule"] == "majority"
    pid = made.json()["id"]
    bad = client.post(
        base, {"title": "", "body": "x"}, content_type="application/json", **_bearer(author)
    )
    assert bad.status_code == 422 and "title" in bad.json()["fields"]
    assert (
        client.post(f"{base}/{pid}/discussion", **_bearer(author)).json()["state"] == "discussion"
    )

    as_other = _bearer(other)
    comment = client.post(
        f"{base}/{pid}/comments", {"stance": "concern", "body": "Too bright?"},
        content_type="application/json", **as_other,
    )  # fmt: skip
    assert comment.status_code == 201
    refused = client.post(
        f"{base}/{pid}/comments/{comment.json()['id']}/hide", {"reason": "Rude"},
        content_type="application/json", **as_other,
    )  # fmt: skip
    assert refused.status_code == 403
    hidden = client.post(
        f"{base}/{pid}/comments/{comment.json()['id']}/hide", {"reason": "Rude"},
        content_type="application/json", **_bearer(fiona),
    )  # fmt: skip
    assert hidden.json()["hidden"] is True and hidden.json()["body"] is None
    amendment = client.post(
        f"{base}/{pid}/amendments", {"passage": "green", "replacement": "blue"},
        content_type="application/json", **as_other,
    )  # fmt: skip
    assert amendment.status_code == 201
    accepted = client.post(
        f"{base}/{pid}/amendments/{amendment.json()['id']}/accept", **_bearer(author)
    )
    assert accepted.json()["state"] == "accepted" and accepted.json()["applied"] is True

    closes = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    early = client.post(
        f"{base}/{pid}/vote", {"closes_at": closes}, content_type="application/json",
        **_bearer(author),
    )  # fmt: skip
    assert early.status_code == 409 and early.json()["code"] == "discussion_too_short"
    Proposal.objects.filter(pk=pid).update(
        discussion_since=timezone.now() - datetime.timedelta(days=5)
    )
    voted = client.post(
        f"{base}/{pid}/vote", {"closes_at": closes}, content_type="application/json",
        **_bearer(author),
    )  # fmt: skip
    detail = voted.json()
    assert detail["state"] == "vote" and len(detail["poll_ids"]) == 1
    assert detail["body"] == "Paint it blue." and detail["amendments"][0]["text_before"]
    listed = client.get(base, **as_other).json()
    assert [p["id"] for p in listed] == [pid]
    outsider = make_person("out@example.org", "Out Sider")
    assert client.get(f"{base}/{pid}", **_bearer(outsider)).status_code == 403
