"""The rule registry: every rule by name, against every reference outcome it can be checked on."""

import json
from pathlib import Path

import numpy as np
import pytest

from bloc.core.formats import read_ballots
from bloc.core.tally.ballots import ApprovalProfile, RankedProfile, ScoreProfile
from bloc.core.tally.rules import ALIASES, RULES, Options, RuleError, count, get_rule

RANKED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ranked"
REFERENCE = json.loads((RANKED_DATA / "REFERENCE.json").read_text(encoding="utf-8"))

#: Reference outcome → bloc rule. ``stv_wig_droop`` and ``stv_last_parcel`` are other
#: pref_voting STV variants, not offered by bloc; there the official result is checked.
OURS = {
    "plurality": "plurality",
    "irv": "irv",
    "condorcet": "condorcet",
    "schulze": "schulze",
    "borda": "borda",
    "ranked_pairs": "ranked_pairs",
    "stv_scottish": "stv",
    "approval": "approval",
    "av": "av",
    "pav": "pav",
    "seq_phragmen": "seq_phragmen",
    "equal_shares": "equal_shares",
}

CASES = [
    (name, outcome)
    for name, entry in sorted(REFERENCE.items())
    for outcome in entry["outcomes"]
    if outcome in OURS
]


def _seats(entry, outcome):
    return entry["outcomes"][outcome].get("committee_size") or (
        entry["seats"] if outcome.startswith("stv") else 1
    )


@pytest.mark.parametrize(("name", "outcome"), CASES)
def test_every_reference_outcome_is_reproduced_through_the_registry(name, outcome):
    entry = REFERENCE[name]
    profile = read_ballots(RANKED_DATA / name).profile

    result = count(OURS[outcome], profile, Options(seats=_seats(entry, outcome)))

    assert sorted(c + 1 for c in result.winners) == entry["outcomes"][outcome]["winners"]
    assert result.seed is None  # no reference outcome depends on a lot


@pytest.mark.parametrize(
    "name", sorted(n for n, e in REFERENCE.items() if e.get("official") and e["seats"] > 1)
)
@pytest.mark.parametrize("rule", ["stv", "meek"])
def test_both_stv_methods_elect_the_official_winners(name, rule):
    entry = REFERENCE[name]
    profile = read_ballots(RANKED_DATA / name).profile

    result = count(rule, profile, Options(seats=entry["seats"]))

    assert sorted(c + 1 for c in result.winners) == sorted(entry["official"]["winners"])


def _small(kind, names=("For", "Against", "Abstain")):
    if kind == "ranked":
        return RankedProfile(names, np.array([[0, 1], [1, 0], [2, -1]]), np.array([5, 3, 1]))
    if kind == "approval":
        return ApprovalProfile(names, np.array([[True, False, True], [False, True, False]]),
                               np.array([4, 3]))  # fmt: skip
    return ScoreProfile(names, np.array([[5, 1, 0], [0, 4, 2]]), np.ones((2, 3), dtype=bool),
                        np.array([2, 1]))  # fmt: skip


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_counts_the_ballots_it_takes_and_explains_itself(name):
    rule = RULES[name]
    kind = "ranked" if rule.ballots in ("ranked", "motion") else rule.ballots
    options = Options(seats=2 if rule.multi_seat else 1)
    names = (
        ("Consent", "Stand aside", "Block")
        if name == "consensus"
        else ("For", "Against", "Abstain")
    )

    result = count(name, _small(kind, names), options)

    assert result.winners
    assert json.dumps(result.to_json())
    assert result.rule in result.to_text()


@pytest.mark.parametrize("name", sorted(RULES))
def test_a_rule_refuses_ballots_of_another_kind(name):
    rule = RULES[name]
    other = "approval" if rule.ballots in ("ranked", "motion", "score") else "ranked"
    with pytest.raises(RuleError, match="ballots"):
        count(name, _small(other), Options(seats=2 if rule.multi_seat else 1))


def test_aliases_and_unknown_names():
    for alias, name in ALIASES.items():
        assert get_rule(alias).name == name
    with pytest.raises(RuleError, match="known rules: plurality"):
        get_rule("dictatorship")


def test_seats_must_fit_the_rule():
    with pytest.raises(RuleError, match="one winner"):
        count("irv", _small("ranked"), Options(seats=2))
    with pytest.raises(RuleError, match="at least 1"):
        count("stv", _small("ranked"), Options(seats=0))


def test_motion_ballots_must_name_the_options():
    odd = RankedProfile(("Yes", "Maybe"), np.array([[0], [1]]), np.array([2, 1]))
    with pytest.raises(RuleError, match="for / against / abstain"):
        count("majority", odd)
