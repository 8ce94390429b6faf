"""``bloc councils tree`` and ``bloc councils rollup``."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.confederation.conftest import AGAINST, FOR, vote_all
from tests.decisions.conftest import close_now

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("councils", *args, stdout=out)
    return out.getvalue()


def test_the_tree_is_indented_with_level_rule_members_and_assemblies(world):
    lines = run("tree").splitlines()
    assert lines == [
        "City (city): level 2, Double majority (assemblies and members), quorum 50%, "
        "15 members in 4 assemblies",
        "  Northside (northside): level 1, One assembly, one vote, quorum 50%, "
        "6 members in 2 assemblies",
        "  Southside (southside): level 1, Weighted by membership, quorum 50%, "
        "9 members in 2 assemblies",
    ]
    with_assemblies = run("tree", "--assemblies", "--chapter", "riverside")
    assert "    - Block A (block-a): 4 members" in with_assemblies.splitlines()


def test_the_tree_as_json_is_the_api_tree(client, world):
    rows = json.loads(run("tree", "--json"))
    assert rows == client.get("/api/v1/councils/").json()
    assert [r["slug"] for r in rows] == ["city", "northside", "southside"]
    assert rows[1]["members"][0] == {
        "node": f"i{world.blocks['a'].institution.pk}",
        "kind": "institution",
        "slug": "block-a",
        "name": "Block A",
        "members_represented": 4,
        "assemblies": 1,
    }


def test_an_empty_tree_and_an_unknown_chapter(db):
    assert run("tree").strip() == "no councils yet"
    assert json.loads(run("tree", "--json")) == []
    with pytest.raises(CommandError, match="no chapter 'nowhere'"):
        run("tree", "--chapter", "nowhere")


def test_rollup_prints_the_ratification_at_every_level(world):
    from bloc.actors import SYSTEM
    from bloc.confederation.questions import (
        delegate_vote,
        question_close,
        question_create,
        ratification_send,
    )

    a1, c1 = world.blocks["a"].people[1], world.blocks["c"].people[1]
    question = question_create(actor=SYSTEM, council=world.city, title="A tenants' fund")
    assert "no mandates yet" in run("rollup", str(question.pk))
    delegate_vote(actor=a1, question=question, position="for")
    delegate_vote(actor=c1, question=question, position="for")
    question = question_close(actor=a1, question=question)
    question = ratification_send(
        actor=a1, question=question, closes_at=timezone.now() + datetime.timedelta(days=2)
    )
    polls = {v.institution.slug: v.poll for v in question.assembly_votes.select_related("poll")}
    vote_all(polls["block-a"], world.blocks["a"].people, FOR)
    vote_all(polls["block-b"], world.blocks["b"].people, AGAINST)
    # So far: only Block A has voted and nothing is counted yet.
    assert "no position" in run("rollup", str(question.pk))
    vote_all(polls["block-c"], world.blocks["c"].people, AGAINST)
    vote_all(polls["block-d"], world.blocks["d"].people, FOR)
    for poll in polls.values():
        close_now(poll)

    lines = run("rollup", str(question.pk)).splitlines()
    assert lines[0] == "A tenants' fund (City, not ratified): ratification"
    assert lines[1] == (
        "  City: against; assemblies 1 for, 1 against, 0 abstaining; members 9 for, "
        "6 against of 15; majority of members"
    )
    assert lines[2].startswith("    Northside: against; assemblies 1 for, 1 against")
    assert lines[3] == "      Block A: for (4 members)"
    assert lines[4] == "      Block B: against (2 members)"
    assert lines[5].startswith("    Southside: carried; assemblies 1 for, 1 against")
    assert lines[5].endswith("members 6 for, 3 against of 9; majority of members")
    rows = json.loads(run("rollup", str(question.pk), "--json"))
    assert [r["slug"] for r in rows] == [
        "city",
        "northside",
        "block-a",
        "block-b",
        "southside",
        "block-c",
        "block-d",
    ]
    mandates = run("rollup", str(question.pk), "--kind", "mandate")
    assert "no mandates yet" in mandates


def test_rollup_of_mandates_and_an_unknown_question(world):
    from bloc.actors import SYSTEM
    from bloc.confederation.questions import question_create

    question = question_create(
        actor=SYSTEM,
        council=world.north,
        title="Close Elm Street",
        mandates_close_at=timezone.now() + datetime.timedelta(days=2),
    )
    for vote in question.assembly_votes.select_related("poll", "institution"):
        key = vote.institution.slug[-1]
        vote_all(vote.poll, world.blocks[key].people, FOR)
        close_now(vote.poll)
    lines = run("rollup", str(question.pk)).splitlines()
    assert lines[0] == "Close Elm Street (Northside, mandating): mandates"
    assert lines[1].startswith("  Northside: carried; assemblies 2 for, 0 against")
    assert lines[2:] == ["    Block A: for (4 members)", "    Block B: for (2 members)"]
    with pytest.raises(CommandError, match="no question 999999"):
        run("rollup", "999999")


def test_rollup_of_a_ranked_question_prints_each_ranking(world):
    from bloc.actors import SYSTEM
    from bloc.confederation.questions import question_create
    from bloc.decisions.voting import vote

    question = question_create(
        actor=SYSTEM,
        council=world.north,
        title="Where?",
        options=["Hall", "Annex"],
        mandates_close_at=timezone.now() + datetime.timedelta(days=2),
    )
    for assembly_vote in question.assembly_votes.select_related("poll", "institution"):
        for person in world.blocks[assembly_vote.institution.slug[-1]].people:
            vote(actor=person, poll=assembly_vote.poll, data={"0": 2, "1": 1})
        close_now(assembly_vote.poll)
    lines = run("rollup", str(question.pk)).splitlines()
    assert lines[1:] == [
        "  Northside: Annex > Hall",
        "    Block A: Annex > Hall (4 members)",
        "    Block B: Annex > Hall (2 members)",
    ]
