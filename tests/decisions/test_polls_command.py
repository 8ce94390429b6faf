"""``bloc polls``: export a closed poll's ballots, and ``bloc tally`` on that file gives
the poll's published result; ``tick`` and ``list``."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bloc.decisions.models import Poll
from bloc.decisions.voting import vote
from bloc.tally_command import main as tally_main
from tests.decisions.conftest import close_now, open_poll

pytestmark = pytest.mark.django_db

CANDIDATES = ["Ana", "Bo", "Cy", "Dee"]


def export(poll, path):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("polls", "export", str(poll.pk), "--out", str(path), stdout=out)
    command = next(line.strip() for line in out.getvalue().splitlines() if "bloc tally" in line)
    return shlex.split(command)


@pytest.mark.parametrize(
    ("rule", "options", "seats", "ballots"),
    [
        ("majority", [], 1, [0, 0, 1, 2, 0, 1]),
        (
            "irv",
            CANDIDATES,
            1,
            [{0: 1, 1: 2}, {1: 1, 0: 2}, {2: 1, 1: 2}, {3: 1, 2: 2}, {1: 1}, {0: 1}],
        ),
        (
            "stv",
            CANDIDATES,
            2,
            [{0: 1, 1: 2}, {0: 1, 2: 2}, {0: 1, 3: 2}, {1: 1}, {2: 1, 3: 2}, {3: 1, 2: 2}],
        ),
        ("approval", CANDIDATES, 1, [[0, 1], [1], [1, 2], [3], [0, 3], []]),
    ],
)
def test_export_reproduces_the_published_result(
    maple, voters, tmp_path, capsys, rule, options, seats, ballots
):  # type: ignore[no-untyped-def]
    poll = open_poll(maple, voters[0], rule=rule, options=options, seats=seats)
    for person, ballot in zip(voters, ballots, strict=True):
        vote(actor=person, poll=poll, data=ballot)
    path = tmp_path / "ballots.json"

    with pytest.raises(CommandError, match=f"poll {poll.pk} closes at .*published when it closes"):
        export(poll, path)
    assert not path.exists()

    close_now(poll)
    argv = export(poll, path)
    assert path.read_text() == poll.ballots_file
    assert argv[:3] == ["bloc", "tally", str(path)]
    capsys.readouterr()
    assert tally_main([*argv[2:], "--json"]) == 0
    counted = json.loads(capsys.readouterr().out)
    assert counted["winners"] == poll.result["winners"]
    assert len(poll.result["winners"]) == seats
    if rule == "stv":  # the printed command, verbatim, through the installed console script
        done = subprocess.run(
            [sys.executable, "-m", "bloc", *argv[1:], "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(done.stdout)["winners"] == poll.result["winners"]


def test_tick_and_list(maple, voters, tmp_path):  # type: ignore[no-untyped-def]
    poll = open_poll(maple, voters[0], title="Plant trees?")
    with pytest.raises(CommandError, match="there is no poll 999999"):
        call_command("polls", "export", "999999", "--out", str(tmp_path / "x.json"))
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())  # due: tick closes it
    out = StringIO()
    call_command("polls", "tick", stdout=out)
    assert out.getvalue().strip() == "opened 0, closed 1, announced 0, reminded 0"
    out = StringIO()
    call_command("polls", "list", "--institution", "maple", stdout=out)
    assert "Plant trees?" in out.getvalue() and "closed" in out.getvalue()
    out = StringIO()
    call_command("polls", "list", "--institution", "elsewhere", stdout=out)
    assert out.getvalue() == ""
