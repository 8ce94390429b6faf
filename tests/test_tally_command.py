"""``bloc tally``: counts a file, explains it, and fails cleanly on bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bloc.tally_command import main

RANKED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ranked"
REFERENCE = json.loads((RANKED_DATA / "REFERENCE.json").read_text(encoding="utf-8"))
BURLINGTON = RANKED_DATA / "00005-00000002.toi"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_the_rounds_and_the_winner(capsys):
    code, out, err = run(capsys, BURLINGTON, "--rule", "irv")
    assert code == 0
    assert err == ""
    assert "Round 5" in out
    assert "Winner: Bob Kiss" in out
    assert "Exhausted" in out


def test_json_is_the_result_as_json(capsys):
    code, out, _ = run(capsys, BURLINGTON, "--rule", "irv", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rule"] == "irv"
    assert data["winners"] == REFERENCE[BURLINGTON.name]["outcomes"]["irv"]["winners"]
    assert len(data["rounds"]) == len(REFERENCE[BURLINGTON.name]["outcomes"]["irv"]["rounds"])


@pytest.mark.parametrize(
    ("name", "rule", "seats", "reference"),
    [
        ("00008-00000006.soi", "stv", 4, "stv_scottish"),
        ("00008-00000009.soi", "schulze", None, "schulze"),
        ("00026-00000004.cat", "equal_shares", 3, "equal_shares"),
        ("00026-00000004.cat", "mes", 3, "equal_shares"),
        ("special_election_v1.ignore_ambig.profile", "borda", None, "borda"),
    ],
)
def test_counts_every_kind_of_file_by_every_kind_of_rule(capsys, name, rule, seats, reference):
    argv = [RANKED_DATA / name, "--rule", rule, "--json"]
    if seats:
        argv += ["--seats", seats]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    winners = json.loads(out)["winners"]
    assert sorted(winners) == REFERENCE[name]["outcomes"][reference]["winners"]


def test_a_malformed_file_names_its_line_and_prints_nothing_else(capsys, tmp_path):
    bad = tmp_path / "bad.soi"
    bad.write_text(
        "# FILE NAME: bad.soi\n# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 2\n"
        "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n"
        "# NUMBER VOTERS: 2\n# NUMBER UNIQUE ORDERS: 2\n1: 1,2\n1: 1,7\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, bad, "--rule", "irv")
    assert code == 1
    assert out == ""
    assert err.startswith(f"{bad}:9: ")
    assert err.count("\n") == 1


def test_a_missing_file_is_an_error(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path / "nope.soi", "--rule", "irv")
    assert (code, out) == (1, "")
    assert "no such file" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--rule", "dictator"], "unknown rule"),
        (["--rule", "irv", "--seats", "2"], "elects one winner"),
        (["--rule", "pav", "--seats", "2"], "approval ballots"),
    ],
)
def test_misuse_exits_2_with_a_clear_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main([str(BURLINGTON), *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_motion_files_count_by_majority(capsys, tmp_path):
    ballots = tmp_path / "motion.json"
    ballots.write_text(
        json.dumps(
            {
                "format": "bloc-ballots",
                "version": 1,
                "kind": "ranked",
                "candidates": ["For", "Against", "Abstain"],
                "ballots": [
                    {"ranking": ["For"], "count": 20},
                    {"ranking": ["Against"], "count": 11},
                    {"ranking": ["Abstain"], "count": 4},
                ],
            }
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, ballots, "--rule", "supermajority", "--json")
    assert code == 0
    motion = json.loads(out)["motion"]
    assert motion["needed"] == 21
    assert motion["passed"] is False
    code, out, _ = run(capsys, ballots, "--rule", "majority")
    assert "Adopted" in out


def test_the_command_runs_without_setting_up_django():
    script = (
        "import sys; from bloc.cli import main\n"
        "try:\n"
        f"    main(['tally', {str(BURLINGTON)!r}, '--rule', 'plurality'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Winner: Kurt Wright" in done.stdout
