"""A poll's counting as plain data: set-up refusals, quorum, outcomes, and the
published file that reproduces the count."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core import ballot_entry
from bloc.core.formats.json_ballots import read_json_ballots
from bloc.core.polls import (
    ADOPTED,
    ELECTED,
    NO_QUORUM,
    REJECTED,
    TIED,
    PollSpec,
    SpecProblem,
    ballot_file,
    count,
    merge_rows,
    quorum_ballots,
)
from bloc.core.tally import rules as tally_rules

FOUR = ["Ana", "Bo", "Cy", "Dee"]


@pytest.mark.parametrize(
    ("rule", "options", "seats", "parameters", "code"),
    [
        ("nope", FOUR, 1, {}, "unknown_rule"),
        ("irv", ["Ana"], 1, {}, "too_few_options"),
        ("irv", ["Ana", "  "], 1, {}, "blank_option"),
        ("irv", ["Ana", " Ana "], 1, {}, "same_option"),
        ("ranked_pairs", [f"o{i}" for i in range(13)], 1, {}, "too_many_options"),
        ("irv", FOUR, 2, {}, "bad_seats"),
        ("stv", FOUR, 4, {}, "bad_seats"),
        ("stv", FOUR, 0, {}, "bad_seats"),
        ("supermajority", [], 1, {"threshold": "1/3"}, "bad_threshold"),
        ("supermajority", [], 1, {"threshold": "two thirds"}, "bad_threshold"),
        ("approval", FOUR, 1, {"max_approvals": 5}, "bad_approvals"),
        ("approval", FOUR, 1, {"min_approvals": 3, "max_approvals": 2}, "bad_approvals"),
        ("score", FOUR, 1, {"low": 5, "high": 5}, "bad_scores"),
        ("irv", FOUR, 1, {"colour": "red"}, "bad_parameter"),
    ],
)
def test_a_poll_that_cannot_be_counted_is_refused_when_set_up(
    rule, options, seats, parameters, code
):
    with pytest.raises(SpecProblem) as refusal:
        PollSpec.build(rule, options, seats=seats, parameters=parameters)
    assert refusal.value.code == code


def test_refusals_carry_what_the_message_needs():
    with pytest.raises(SpecProblem) as too_many:
        PollSpec.build("ranked_pairs", [f"o{i}" for i in range(13)])
    assert too_many.value.params == {"most": 12}
    with pytest.raises(SpecProblem) as seats:
        PollSpec.build("stv", FOUR, seats=4)
    assert seats.value.params == {"most": 3}
    with pytest.raises(SpecProblem) as unknown:
        PollSpec.build("irv", FOUR, parameters={"colour": "red"})
    assert unknown.value.params == {"name": "colour"}


@pytest.mark.parametrize(
    ("rule", "parameters"), [("irv", {"seed": "abc"}), ("score", {"by": "median"})]
)
def test_a_setting_that_would_break_the_count_is_refused_at_set_up(rule, parameters):
    with pytest.raises(SpecProblem) as refusal:
        PollSpec.build(rule, FOUR, parameters=parameters)
    assert refusal.value.code == "bad_parameter"


@pytest.mark.parametrize(
    ("rule", "options"),
    [
        ("majority", ("for", "against", "abstain")),
        ("supermajority", ("for", "against", "abstain")),
        ("consensus", ("consent", "stand aside", "block")),
    ],
)
def test_motions_have_fixed_options_whatever_is_given(rule, options):
    spec = PollSpec.build(rule, ["Yes", "No", "Maybe", "Later"])
    assert spec.options == options
    assert spec.kind == ballot_entry.CHOICE


def test_aliases_and_names_are_normalised():
    spec = PollSpec.build("rcv", [" Ana ", "Bo"])
    assert (spec.rule, spec.options) == ("irv", ("Ana", "Bo"))


@pytest.mark.parametrize(
    ("percent", "electorate", "needed"),
    [(None, 10, 0), (0, 10, 0), (50, 8, 4), (50, 7, 4), (33, 10, 4), (100, 3, 3), (1, 1, 1)],
)
def test_the_quorum_is_rounded_up(percent, electorate, needed):
    assert quorum_ballots(percent, electorate) == needed


def choices(*contents: str) -> list[tuple[str, str]]:
    return [(f"r{i:03}", c) for i, c in enumerate(contents)]


def test_outcomes():
    motion = PollSpec.build("majority")
    assert count(motion, choices("0", "0", "1")).outcome == ADOPTED
    assert count(motion, choices("0", "1", "1")).outcome == REJECTED
    # A motion short of its quorum is rejected by the rule itself.
    short = count(motion, choices("0", "0"), quorum=3, electorate=6)
    assert (short.outcome, short.quorum_met, short.turnout) == (REJECTED, False, 2)
    assert count(motion, choices("0", "0", "0"), quorum=3, electorate=6).outcome == ADOPTED

    irv = PollSpec.build("irv", FOUR)
    elected = count(irv, choices("[0,1]", "[0]"), [("[1]", 1)], quorum=3)
    assert (elected.outcome, elected.turnout, elected.result.winners) == (ELECTED, 3, (0,))
    no_quorum = count(irv, choices("[0,1]", "[0]"), quorum=3)
    assert no_quorum.outcome == NO_QUORUM and no_quorum.result.winners == (0,)
    # An empty ballot counts for turnout, for no one.
    empty = count(irv, choices("[]", "[]", "[1]"), quorum=3)
    assert (empty.outcome, empty.turnout, empty.result.winners) == (ELECTED, 3, (1,))

    plurality = PollSpec.build("plurality", ["Oak", "Elm"])
    assert count(plurality, choices("0", "1")).outcome == TIED


def test_the_published_file_lists_online_ballots_by_receipt_then_merged_rows():
    spec = PollSpec.build("irv", FOUR)
    text = ballot_file(
        spec,
        [("ffff", "[2]"), ("0000", "[1,0]")],
        [("[3]", 2), ("[0]", 1), ("[3]", 1)],
        title="Chair",
    )
    data = json.loads(text)
    assert data["title"] == "Chair" and data["candidates"] == FOUR
    assert [b.get("receipt") for b in data["ballots"]] == ["0000", "ffff", None, None]
    assert [b.get("count", 1) for b in data["ballots"]] == [1, 1, 1, 3]


RANKINGS = st.permutations(range(4)).flatmap(
    lambda order: st.integers(0, 4).map(
        lambda n: json.dumps(list(order[:n]), separators=(",", ":"))
    )
)
APPROVALS = st.sets(st.integers(0, 3)).map(
    lambda chosen: json.dumps(sorted(chosen), separators=(",", ":"))
)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    rule=st.sampled_from(["irv", "stv", "schulze", "borda", "approval", "pav", "equal_shares"]),
)
def test_counting_the_published_file_gives_the_count(data, rule):
    engine = tally_rules.RULES[rule]
    seats = 2 if engine.multi_seat else 1
    spec = PollSpec.build(rule, FOUR, seats=seats, parameters={"seed": 7})
    contents = RANKINGS if spec.kind == ballot_entry.RANKED else APPROVALS
    online = data.draw(st.lists(contents, max_size=8))
    receipts = data.draw(
        st.lists(st.text("0123456789abcdef", min_size=8, max_size=8), min_size=len(online),
                 max_size=len(online), unique=True)
    )  # fmt: skip
    rows = data.draw(st.lists(st.tuples(contents, st.integers(0, 3)), max_size=5))
    receipted = list(zip(receipts, online, strict=True))
    if not online and not any(n for _, n in rows):
        receipted = [("only", "[]")]  # the engine needs at least one ballot

    counted = count(spec, receipted, rows)
    published = read_json_ballots(ballot_file(spec, receipted, rows))
    again = tally_rules.count(rule, published.profile, spec.options_for_count())
    assert again.to_json() == counted.result.to_json()
    assert int(published.profile.counts.sum()) == counted.turnout


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from(["[0]", "[1,0]", "[2]", "[]"]), st.integers(0, 5))),
    data=st.data(),
)
def test_merged_rows_never_depend_on_the_order_they_came_in(rows, data):
    shuffled = data.draw(st.permutations(rows))
    merged = merge_rows(rows)
    assert merge_rows(shuffled) == merged
    assert [c for c, _ in merged] == sorted({c for c, n in rows if n})
    assert sum(n for _, n in merged) == sum(n for _, n in rows)


def test_an_stv_poll_of_empty_ballots_is_reproduced_from_its_file():
    # Every ballot empty: the file's rankings have no column at all.
    spec = PollSpec.build("stv", FOUR, seats=2, parameters={"seed": 7})
    receipted = [("aaaa", "[]"), ("bbbb", "[]")]
    counted = count(spec, receipted)
    published = read_json_ballots(ballot_file(spec, receipted))
    again = tally_rules.count("stv", published.profile, spec.options_for_count())
    assert again.to_json() == counted.result.to_json()
