"""Every published result is reproduced by ``bloc tally`` on the published ballots.

For each rule of the tally engine: a poll with online ballots and ballots cast in the
room (paper entered twice, or a show of hands), counted at close; then the command
the result page shows, run on the published file, prints exactly the stored result.
"""

from __future__ import annotations

import json
import shlex

import pytest

from bloc import tally_command
from bloc.core.ballot_entry import APPROVAL, CHOICE, RANKED
from bloc.core.tally.rules import RULES
from bloc.decisions import in_person
from bloc.decisions.polls import spec_of
from bloc.decisions.voting import vote
from tests.decisions.conftest import close_now, open_poll, verified_members
from tests.decisions.test_voting import make_secretary, set_bylaws

pytestmark = pytest.mark.django_db

ONLINE = {
    CHOICE: [0, 0, 1, 0, 2, 1],
    RANKED: [
        {0: 1, 1: 2, 2: 3},
        {1: 1, 0: 2},
        {2: 1, 3: 2, 1: 3},
        {3: 1, 2: 2},
        {0: 1, 3: 2},
        {1: 1, 2: 2, 0: 3, 3: 4},
    ],
    APPROVAL: [[0, 1], [1], [2, 3], [0, 3], [1, 2], [0]],
    "score": [{0: 5, 1: 3}, {1: 4, 2: 2}, {2: 5, 3: 1}, {0: 1, 3: 4}, {1: 5}, {0: 2, 2: 2}],
}
PAPER = {
    CHOICE: [(0, 1), (1, 1)],
    RANKED: [({1: 1, 0: 2}, 1), ({3: 1}, 1)],
    APPROVAL: [([0], 1), ([2, 3], 1)],
    "score": [({0: 4}, 1), ({3: 5, 1: 1}, 1)],
}
# Settings that change the command line (the tie-break seed is random for every poll).
PARAMETERS = {
    "supermajority": {"threshold": "3/4"},
    "consensus": {"threshold": "2/3"},
    "score": {"by": "sum", "low": 0, "high": 5},
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_bloc_tally_on_the_published_ballots_gives_the_published_result(
    rule, maple, voters, tmp_path, capsys
):
    fiona, *_ = voters
    room = verified_members(maple, 2, prefix="room", address="114 Maple Street")
    secretary = make_secretary(maple, voters[1])
    set_bylaws(maple, quorum_percent=50)  # motions are counted against a quorum too
    engine = RULES[rule]
    poll = open_poll(
        maple,
        fiona,
        title=f"Counted by {rule}",
        rule=rule,
        options=["Ana", "Bo", "Cy", "Dee"],
        seats=2 if engine.multi_seat else 1,
        parameters=PARAMETERS.get(rule, {}),
    )
    assert (poll.electorate, poll.quorum) == (8, 4)
    kind = spec_of(poll).kind
    for person, data in zip(voters, ONLINE[kind], strict=True):
        vote(actor=person, poll=poll, data=data)
    in_person.roster_check_off(actor=fiona, poll=poll, user_ids=[p.pk for p in room])
    if rule == "majority":
        in_person.hands_record(actor=fiona, poll=poll, counts=[1, 0, 1])
    else:
        for person in (fiona, secretary):
            in_person.paper_enter(actor=person, poll=poll, label="box 1", lines=PAPER[kind])

    close_now(poll)
    assert poll.result["total_ballots"] == 8
    path = tmp_path / f"poll-{poll.pk}.json"
    path.write_text(poll.ballots_file, encoding="utf-8")
    command = spec_of(poll).command(str(path), quorum=poll.quorum, electorate=poll.electorate)
    argv = shlex.split(command)
    assert argv[:2] == ["bloc", "tally"]
    capsys.readouterr()
    assert tally_command.main([*argv[2:], "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == poll.result


def test_an_stv_poll_where_every_ballot_is_empty_is_reproduced(maple, voters, tmp_path, capsys):
    fiona, ana, bo, *_ = voters
    poll = open_poll(maple, fiona, rule="stv", options=["Ana", "Bo", "Cy", "Dee"], seats=2)
    for person in (ana, bo):
        vote(actor=person, poll=poll, data={})
    close_now(poll)
    assert poll.result["total_ballots"] == 2
    path = tmp_path / "poll.json"
    path.write_text(poll.ballots_file, encoding="utf-8")
    command = spec_of(poll).command(str(path), quorum=poll.quorum, electorate=poll.electorate)
    capsys.readouterr()
    assert tally_command.main([*shlex.split(command)[2:], "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == poll.result
