"""Proposals from draft to carried out: deliberation, amendments, the vote, follow-up."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.audit.models import AuditEvent
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from bloc.decisions import proposals as svc
from bloc.decisions.markdown import render, word_diff
from bloc.decisions.models import Comment, Poll, ProposalState
from bloc.decisions.voting import vote
from bloc.institutions.models import BylawsVersion
from tests.conftest import make_person
from tests.decisions.conftest import close_now

BODY = "We paint the fence green in May.\n\nThe association pays for the paint."


def _bylaws(institution, **rules):  # type: ignore[no-untyped-def]
    version = BylawsVersion.objects.filter(institution=institution).order_by("-number").first()
    version.rules = {**version.rules, **rules}
    version.save(update_fields=["rules"])


def _in_discussion(institution, author, hours_ago=100):  # type: ignore[no-untyped-def]
    proposal = svc.proposal_create(
        actor=author, institution=institution, title="Paint the fence", body=BODY
    )
    proposal = svc.proposal_open_discussion(actor=author, proposal=proposal)
    since = timezone.now() - datetime.timedelta(hours=hours_ago)
    type(proposal).objects.filter(pk=proposal.pk).update(discussion_since=since)
    proposal.refresh_from_db()
    return proposal


def _in_a_day():  # type: ignore[no-untyped-def]
    return timezone.now() + datetime.timedelta(days=1)


def _everyone_votes(poll, people, position):  # type: ignore[no-untyped-def]
    for person in people:
        vote(actor=person, poll=poll, data=position)


def test_draft_validation_defaults_and_editing(maple, voters):  # type: ignore[no-untyped-def]
    author = voters[1]
    _bylaws(maple, default_rule="supermajority")
    proposal = svc.proposal_create(actor=author, institution=maple, title=" Fence ", body=BODY)
    assert (proposal.state, proposal.rule, proposal.title) == ("draft", "supermajority", "Fence")
    assert proposal.options == []  # a motion's options are fixed

    with pytest.raises(ValidationFailed) as refused:
        svc.proposal_create(actor=author, institution=maple, title="", body=BODY)
    assert "title" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        svc.proposal_create(
            actor=author, institution=maple, title="Colour", body=BODY, rule="approval",
            options=["green"],
        )  # fmt: skip
    assert refused.value.code == "too_few_options"

    svc.proposal_update(
        actor=author, proposal=proposal, title="Colour", body=BODY, rule="approval",
        options=["green", "", "blue "], seats=1, secret=False,
    )  # fmt: skip
    assert (proposal.rule, proposal.options, proposal.secret) == (
        "approval",
        ["green", "blue"],
        False,
    )

    with pytest.raises(PermissionDenied):  # only the author edits
        svc.proposal_update(
            actor=voters[2], proposal=proposal, title="Mine", body=BODY, rule="majority"
        )
    svc.proposal_open_discussion(actor=author, proposal=proposal)
    with pytest.raises(Conflict):  # in discussion, changes go through amendments
        svc.proposal_update(
            actor=author, proposal=proposal, title="Late", body=BODY, rule="majority"
        )
    outsider = make_person("out@example.org", "Out Sider")
    with pytest.raises(PermissionDenied):
        svc.proposal_create(actor=outsider, institution=maple, title="X", body=BODY)
    svc.proposal_withdraw(actor=author, proposal=proposal)
    assert proposal.state == "withdrawn" and proposal.withdrawn_at is not None


def test_calling_the_vote_needs_time_no_open_amendments_and_the_right_person(maple, voters):  # type: ignore[no-untyped-def]
    fiona, author, other = voters[0], voters[1], voters[2]
    _bylaws(maple, min_discussion_hours=48)
    proposal = _in_discussion(maple, author, hours_ago=10)
    with pytest.raises(Conflict) as refused:
        svc.proposal_move_to_vote(actor=author, proposal=proposal, closes_at=_in_a_day())
    assert refused.value.code == "discussion_too_short"
    assert "38 more hours" in refused.value.message

    proposal = _in_discussion(maple, author)
    amendment = svc.amendment_propose(
        actor=other, proposal=proposal, passage="green", replacement="blue", reason="Nicer"
    )
    with pytest.raises(Conflict) as refused:
        svc.proposal_move_to_vote(actor=author, proposal=proposal, closes_at=_in_a_day())
    assert refused.value.code == "amendments_pending"
    svc.amendment_withdraw(actor=other, amendment=amendment)

    # who_moves_to_vote = author (the default): not another member; a facilitator always.
    with pytest.raises(PermissionDenied):
        svc.proposal_move_to_vote(actor=other, proposal=proposal, closes_at=_in_a_day())
    _bylaws(maple, who_moves_to_vote="facilitator")
    with pytest.raises(PermissionDenied):
        svc.proposal_move_to_vote(actor=author, proposal=proposal, closes_at=_in_a_day())
    _bylaws(maple, who_moves_to_vote="any_member")
    poll = svc.proposal_move_to_vote(actor=other, proposal=proposal, closes_at=_in_a_day())
    assert proposal.state == "vote"
    assert (poll.proposal_id, poll.rule, poll.title) == (proposal.pk, "majority", proposal.title)
    assert list(poll.options.values_list("name", flat=True)) == ["for", "against", "abstain"]

    _bylaws(maple, who_moves_to_vote="facilitator")
    fionas = _in_discussion(maple, author)
    svc.proposal_move_to_vote(actor=fiona, proposal=fionas, closes_at=_in_a_day())
    assert fionas.state == "vote"
    with pytest.raises(Conflict):  # only the vote decides now
        svc.proposal_withdraw(actor=author, proposal=fionas)


def test_comments_replies_and_hiding_keep_the_record(maple, voters):  # type: ignore[no-untyped-def]
    fiona, author, other = voters[0], voters[1], voters[2]
    proposal = _in_discussion(maple, author)
    first = svc.comment_add(actor=other, proposal=proposal, stance="concern", body="Too bright?")
    reply = svc.comment_add(
        actor=author, proposal=proposal, stance="for", body="Muted green.", parent=first
    )
    deeper = svc.comment_add(
        actor=other, proposal=proposal, stance="question", body="Which?", parent=reply
    )
    assert reply.parent_id == first.pk and deeper.parent_id == first.pk  # one level of replies
    with pytest.raises(ValidationFailed):
        svc.comment_add(actor=other, proposal=proposal, stance="angry", body="!")

    elsewhere = _in_discussion(maple, author)
    with pytest.raises(ValidationFailed):
        svc.comment_add(actor=other, proposal=elsewhere, stance="for", body="Yes", parent=first)

    with pytest.raises(PermissionDenied):
        svc.comment_hide(actor=other, comment=first, reason="Off topic")
    with pytest.raises(ValidationFailed):
        svc.comment_hide(actor=fiona, comment=first, reason="  ")
    svc.comment_hide(actor=fiona, comment=first, reason="Personal attack")
    row = Comment.objects.get(pk=first.pk)
    assert row.body == "Too bright?" and row.hidden_reason == "Personal attack"
    assert row.hidden_by_id == fiona.pk
    event = AuditEvent.objects.filter(action="comment.hide").get()
    assert event.data["reason"] == "Personal attack"

    svc.proposal_withdraw(actor=author, proposal=elsewhere)
    with pytest.raises(Conflict):
        svc.comment_add(actor=other, proposal=elsewhere, stance="for", body="Too late")


def test_friendly_amendment_changes_the_text_and_keeps_the_old(maple, voters):  # type: ignore[no-untyped-def]
    author, other = voters[1], voters[2]
    proposal = _in_discussion(maple, author)
    with pytest.raises(ValidationFailed) as refused:
        svc.amendment_propose(actor=other, proposal=proposal, passage="purple", replacement="x")
    assert refused.value.fields.keys() == {"passage"}
    with pytest.raises(ValidationFailed):  # "the" occurs more than once
        svc.amendment_propose(actor=other, proposal=proposal, passage="the", replacement="a")

    colour = svc.amendment_propose(
        actor=other, proposal=proposal, passage="green", replacement="dark blue"
    )
    clash = svc.amendment_propose(
        actor=other, proposal=proposal, passage="fence green", replacement="fence red"
    )
    append = svc.amendment_propose(
        actor=other, proposal=proposal, passage="", replacement="Volunteers bring brushes."
    )
    with pytest.raises(PermissionDenied):  # only the author accepts as friendly
        svc.amendment_accept(actor=other, amendment=colour)
    svc.amendment_accept(actor=author, amendment=colour)
    proposal.refresh_from_db()
    assert colour.state == "accepted" and colour.text_before == BODY
    assert proposal.body.startswith("We paint the fence dark blue in May.")
    with pytest.raises(Conflict) as refused:  # its passage is gone
        svc.amendment_accept(actor=author, amendment=clash)
    assert refused.value.code == "passage_gone"
    svc.amendment_accept(actor=author, amendment=append)
    proposal.refresh_from_db()
    assert proposal.body.endswith("pays for the paint.\n\nVolunteers bring brushes.")
    assert append.text_before.startswith("We paint the fence dark blue")
    assert "<del>green</del><ins>dark blue</ins>" in word_diff(
        BODY, colour.text_before.replace("green", "dark blue")
    )


def test_amendment_by_vote_then_proposal_adopted_tasks_and_carried_out(maple, voters):  # type: ignore[no-untyped-def]
    fiona, author = voters[0], voters[1]
    proposal = _in_discussion(maple, author)
    amendment = svc.amendment_propose(
        actor=voters[2], proposal=proposal, passage="in May", replacement="in June"
    )
    with pytest.raises(PermissionDenied):
        svc.amendment_to_vote(actor=voters[3], amendment=amendment, closes_at=_in_a_day())
    poll = svc.amendment_to_vote(actor=author, amendment=amendment, closes_at=_in_a_day())
    assert amendment.state == "vote" and poll.amendment_id == amendment.pk
    assert poll.rule == "majority"
    _everyone_votes(poll, voters[:4], 0)  # for
    close_now(poll)
    amendment.refresh_from_db()
    proposal.refresh_from_db()
    assert amendment.state == "adopted" and amendment.text_before == BODY
    assert "in June" in proposal.body and "in May" not in proposal.body

    main = svc.proposal_move_to_vote(actor=author, proposal=proposal, closes_at=_in_a_day())
    with pytest.raises(Conflict):  # tasks come after adoption
        svc.task_add(
            actor=author, proposal=proposal, title="Buy paint", owner=fiona,
            due_on=timezone.localdate(),
        )  # fmt: skip
    _everyone_votes(main, voters, 0)
    close_now(main)
    proposal.refresh_from_db()
    assert proposal.state == "adopted" and proposal.decided_at is not None

    outsider = make_person("out@example.org", "Out Sider")
    with pytest.raises(ValidationFailed):
        svc.task_add(
            actor=author, proposal=proposal, title="Buy paint", owner=outsider,
            due_on=timezone.localdate(),
        )  # fmt: skip
    task = svc.task_add(
        actor=author, proposal=proposal, title="Buy paint", owner=voters[4],
        due_on=timezone.localdate(),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        svc.task_complete(actor=voters[3], task=task, evidence="Done")
    svc.task_complete(actor=voters[4], task=task, evidence="Receipt in the binder")
    assert task.done_at is not None
    with pytest.raises(Conflict):
        svc.task_complete(actor=voters[4], task=task, evidence="Again")

    with pytest.raises(PermissionDenied):
        svc.proposal_carry_out(actor=voters[3], proposal=proposal, evidence="Looks done")
    svc.proposal_carry_out(actor=fiona, proposal=proposal, evidence="Photo of the fence")
    assert proposal.state == ProposalState.CARRIED_OUT and proposal.evidence
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "amendment.adopted",
        "proposal.adopted",
        "task.complete",
        "proposal.carried_out",
    } <= actions


def test_rejected_amendment_and_rejected_proposal(maple, voters):  # type: ignore[no-untyped-def]
    author = voters[1]
    proposal = _in_discussion(maple, author)
    amendment = svc.amendment_propose(
        actor=voters[2], proposal=proposal, passage="green", replacement="pink"
    )
    poll = svc.amendment_to_vote(actor=voters[0], amendment=amendment, closes_at=_in_a_day())
    _everyone_votes(poll, voters, 1)  # against
    close_now(poll)
    amendment.refresh_from_db()
    proposal.refresh_from_db()
    assert amendment.state == "rejected" and proposal.body == BODY

    main = svc.proposal_move_to_vote(actor=author, proposal=proposal, closes_at=_in_a_day())
    _everyone_votes(main, voters, 1)
    close_now(main)
    proposal.refresh_from_db()
    assert proposal.state == "rejected"
    assert Poll.objects.filter(proposal=proposal).count() == 2
    with pytest.raises(Conflict):
        svc.proposal_carry_out(actor=voters[0], proposal=proposal, evidence="No")


def test_markdown_is_sanitised():  # type: ignore[no-untyped-def]
    html = render(
        "# Title\n\n<script>alert(1)</script> <b onclick=x>raw</b>\n\n"
        "[bad](javascript:alert(1)) [good](https://example.org) *yes*"
    )
    assert "<script" not in html and "<b" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html.replace("[bad](javascript:alert(1))", "")
    assert 'href="javascript' not in html
    assert '<a href="https://example.org" rel="nofollow noopener">good</a>' in html
    assert "<h2>Title</h2>" in html and "<em>yes</em>" in html
    diff = word_diff("a <b> c", "a <i> c")
    assert "<b>" not in diff and "<del>b</del><ins>i</ins>" in diff
