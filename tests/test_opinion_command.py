"""``bloc opinion DIR``: groups, representative statements and consensus of a Polis export."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bloc.opinion_command import main

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"
LONDON = DATA / "london.youth.policing"
REFERENCE = json.loads((DATA / "REFERENCE.json").read_text(encoding="utf-8"))


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_groups_statements_and_consensus(capsys):
    code, out, err = run(capsys, LONDON)
    assert code == 0, err
    assert err == ""
    assert "26 participants voted 638 times on 36 statements" in out
    assert "Group 0: 9 participants" in out
    assert "Group 3: 3 participants" in out
    assert "I am between 20 and 25 years old." in out  # a representative statement's text
    assert "Consensus (group-informed):" in out
    consensus = out.split("Consensus (group-informed):")[1].splitlines()[1:]
    ids = [int(line.split()[0].lstrip("#")) for line in consensus if line.strip()]
    assert ids == REFERENCE["london.youth.policing"]["consensus_top5"]


def test_json_gives_every_participant_a_group(capsys):
    code, out, _ = run(capsys, LONDON, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"groups", "representative", "consensus"}
    assert len(data["groups"]) == 26
    assert sorted(set(data["groups"].values())) == [-1, 0, 1, 2, 3]
    assert list(data["groups"].values()).count(-1) == 2
    ref = REFERENCE["london.youth.policing"]
    assert {
        g: [r["statement"] for r in rows[:3]] for g, rows in data["representative"].items()
    } == (ref["repness_top3"])
    assert [c["statement"] for c in data["consensus"]] == ref["consensus_top5"]
    first = data["representative"]["0"][0]
    assert first["direction"] in {"agree", "disagree"}
    assert first["text"]


def test_an_unreadable_folder_fails_cleanly(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path)
    assert code == 1
    assert out == ""
    assert "comments.csv" in err


def test_the_bloc_command_dispatches_without_django():
    result = subprocess.run(
        [sys.executable, "-m", "bloc", "opinion", str(LONDON), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["groups"]) == 26
