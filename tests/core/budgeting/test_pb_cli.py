"""``bloc tally FILE.pb``: counts a participatory budget and explains it."""

import json

from bloc.tally_command import main
from tests.core.budgeting.pb_helpers import PB_DATA, REFERENCE

ASSEN = PB_DATA / "Netherlands_Assen_2024.pb"
BLESZNO = PB_DATA / "Poland_Czestochowa_2024_Bleszno.pb"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_greedy_explains_the_order_and_the_skips(capsys):
    code, out, err = run(capsys, ASSEN, "--rule", "greedy")
    assert (code, err) == (0, "")
    assert out.startswith("Assen Top Idee\nRule: greedy_cost")
    assert "does not fit" in out
    assert "Money left: 800" in out


def test_greedy_json_matches_the_reference(capsys):
    for sat, rule in (("cost", "greedy_cost"), ("cardinality", "greedy_card")):
        code, out, _ = run(capsys, ASSEN, "--rule", "greedy", "--sat", sat, "--json")
        assert code == 0
        data = json.loads(out)
        assert data["rule"] == rule
        assert data["selected"] == REFERENCE[ASSEN.name]["rules"][rule]["selection_order"]
    code, out, _ = run(capsys, BLESZNO, "--rule", "greedy", "--sat", "points", "--json")
    expected = REFERENCE[BLESZNO.name]["rules"]["greedy_points"]["selection_order"]
    assert (code, json.loads(out)["selected"]) == (0, expected)


def test_a_malformed_file_names_the_line_and_nothing_else(capsys, tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text(ASSEN.read_text(encoding="utf-8").replace("3;7200;", "3;-7200;"))
    code, out, err = run(capsys, bad, "--rule", "greedy")
    assert (code, out) == (1, "")
    assert err.startswith(f"{bad}:20: ") and "negative" in err
    assert err.count("\n") == 1


def test_misuse_exits_2(capsys):
    for argv in (
        ("--rule", "irv"),
        ("--rule", "greedy", "--completion", "add1"),
        ("--rule", "greedy", "--sat", "points"),  # Assen is an approval file
        ("--rule", "phragmen", "--sat", "cost"),
    ):
        try:
            code = main([str(ASSEN), *argv])
        except SystemExit as exit_:
            code = exit_.code
        assert code == 2, argv
    capsys.readouterr()


def test_a_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "none.pb", "--rule", "greedy")
    assert code == 1 and "no such file" in err
