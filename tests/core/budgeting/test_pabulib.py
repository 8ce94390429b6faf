"""Pabulib .pb files: read exactly, written back exactly, turned into an Election."""

import pytest

from bloc.core.budgeting.election import APPROVAL, CUMULATIVE, ORDINAL
from bloc.core.budgeting.greedy import supporters
from bloc.core.budgeting.pabulib import format_pb, parse_pb, read_pb, to_election, write_pb
from bloc.core.formats.errors import BallotFormatError
from tests.core.budgeting.pb_helpers import PB_DATA, PB_FILES, REFERENCE, load_election

SMALL = """META
key;value
description;Small "test"
num_projects;3
budget;100
vote_type;approval
max_length;2
PROJECTS
project_id;cost;name
1;50;Park
2;60;"Bench; two"
10;40;"The ""big"" one"
VOTES
voter_id;vote
a;1,2
b;2,1
c;10
d;
"""


def parse(text, **kw):
    return parse_pb(text, source="t.pb", **kw)


def error_of(text):
    with pytest.raises(BallotFormatError) as caught:
        to_election(parse(text))
    return caught.value


def test_the_data_folder_holds_the_seven_reference_files():
    assert len(PB_FILES) == 7
    assert set(PB_FILES) == {k for k in REFERENCE if not k.startswith("_")}


@pytest.mark.parametrize("name", PB_FILES)
def test_a_read_file_is_written_back_byte_for_byte(name):
    raw = (PB_DATA / name).read_bytes()
    pb = read_pb(PB_DATA / name)
    assert format_pb(pb).encode("utf-8") == raw
    assert parse_pb(format_pb(pb)) == pb


@pytest.mark.parametrize("name", PB_FILES)
def test_each_file_gives_the_election_the_reference_describes(name):
    ref = REFERENCE[name]
    election = load_election(name)
    assert election.voters == ref["voters"]
    assert len(election.ids) == ref["projects"]
    assert election.budget == ref["budget"]
    assert election.kind == ref["vote_type"]
    # Each project's "votes" column is its number of supporters.
    pb = read_pb(PB_DATA / name)
    votes = {row["project_id"]: int(row["votes"]) for row in pb.project_dicts()}
    assert dict(zip(election.ids, supporters(election), strict=True)) == votes


def test_kinds_points_ranks_and_limits():
    bleszno = load_election("Poland_Czestochowa_2024_Bleszno.pb")
    assert bleszno.kind == CUMULATIVE
    assert bleszno.limits == {"max_sum_points": 10}
    assert bleszno.points is not None
    assert all(sum(p) <= 10 for p in bleszno.points)
    krakow = load_election("Poland_Krakow_2020_Zwierzyniec.pb")
    assert krakow.kind == ORDINAL
    assert krakow.limits == {"min_length": 3, "max_length": 3}
    # Ranks keep the order written: the first vote is "1,4,6".
    first = read_pb(PB_DATA / "Poland_Krakow_2020_Zwierzyniec.pb").votes[0][1]
    ballots = [tuple(krakow.ids[p] for p in b) for b in krakow.ballots]
    assert tuple(first.split(",")) in ballots
    assert load_election("Netherlands_Assen_2024.pb").limits == {"min_length": 2}


def test_identical_ballots_merge_and_approval_order_does_not_matter():
    e = to_election(parse(SMALL))
    assert e.ids == ("1", "2", "10")
    assert e.costs == (50, 60, 40)
    assert e.kind == APPROVAL
    assert e.limits == {"max_length": 2}
    assert dict(zip(e.ballots, e.counts, strict=True)) == {(0, 1): 2, (2,): 1, (): 1}


def test_quoted_fields_round_trip():
    pb = parse(SMALL)
    assert pb.projects[1][2] == "Bench; two"
    assert pb.projects[2][2] == 'The "big" one'
    assert pb.meta_dict()["description"] == 'Small "test"'
    assert format_pb(pb) == SMALL.replace('"test"', '"""test"""').replace(
        'Small """test"""', '"Small ""test"""'
    )


def test_line_endings_bom_and_last_newline_are_kept(tmp_path):
    for text in (SMALL, SMALL.replace("\n", "\r\n"), SMALL.rstrip("\n"), "\ufeff" + SMALL):
        text = text.replace('Small "test"', "Small")
        assert format_pb(parse(text)) == text
        path = tmp_path / "x.pb"
        write_pb(parse(text), path)
        assert path.read_bytes() == text.encode("utf-8")
        assert read_pb(path) == parse(text)


def test_blank_lines_are_skipped_and_the_data_is_equal():
    text = SMALL.replace("PROJECTS\n", "\nPROJECTS\n").replace('"Small "test""', "x")
    assert parse(text) == parse(SMALL)


def test_cumulative_points_are_read_and_aligned():
    text = (
        SMALL.replace("vote_type;approval", "vote_type;cumulative")
        .replace("voter_id;vote", "voter_id;vote;points")
        .replace("a;1,2", "a;1,2;3,7")
        .replace("b;2,1", "b;2,1;7,3")
        .replace("c;10", "c;10;10")
        .replace("d;\n", "d;;\n")
    )
    e = to_election(parse(text))
    assert e.points is not None
    merged = {(b, p): n for b, p, n in zip(e.ballots, e.points, e.counts, strict=True)}
    assert merged == {((0, 1), (3, 7)): 2, ((2,), (10,)): 1, ((), ()): 1}


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("PROJECTS\n", "PROJECTZ\n"), 8, "unknown section 'PROJECTZ'"),
        (("project_id;cost;name", "project_id;price;name"), 9, "no 'cost' column"),
        (("voter_id;vote\n", "voter_id;ballot\n"), 14, "no 'vote' column"),
        (("a;1,2", "a;1,7"), 15, "project '7'"),
        (("1;50;Park", "1;-50;Park"), 10, "negative"),
        (("1;50;Park", "1;fifty;Park"), 10, "not a number"),
        (("1;50;Park", "1;50.5;Park"), 10, "not a whole number"),
        (("budget;100\n", ""), 7, "no 'budget'"),
        (("budget;100", "budget;1e5"), 5, "not a number"),
        (("vote_type;approval", "vote_type;scoring"), 6, "scoring"),
        (("10;40;", "1;40;"), 12, "appears twice"),
        (("b;2,1", "b;2,2"), 16, "twice"),
        (("c;10", "c;10;x"), 17, "3 fields"),
        (("1;50;Park", "1;50"), 10, "2 fields"),
        (("num_projects;3", "num_projects"), 4, "META row"),
    ],
)
def test_malformed_files_say_what_and_where(change, line, words):
    old, new = change
    assert old in SMALL
    error = error_of(SMALL.replace(old, new, 1))
    assert error.line == line
    assert words in error.message
    assert str(error).startswith(f"t.pb:{line}: ")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "no META section"),
        ("key;value\n", "must start with a section"),
        (SMALL.split("VOTES")[0], "no VOTES section"),
        (SMALL + "META\nkey;value\n", "META appears twice"),
        (SMALL.replace("PROJECTS\nproject_id;cost;name\n", "PROJECTS\n"), "header has"),
        ("META\nkey;value\nPROJECTS\n", "has no header row"),
        (SMALL.replace('"Bench; two"', '"Bench; two'), "quoted"),
    ],
)
def test_broken_structure_is_refused(text, words):
    with pytest.raises(BallotFormatError) as caught:
        to_election(parse(text))
    assert words in caught.value.message


def test_points_that_do_not_match_the_vote_are_refused():
    text = (
        SMALL.replace("vote_type;approval", "vote_type;cumulative")
        .replace("voter_id;vote", "voter_id;vote;points")
        .replace("a;1,2", "a;1,2;3")
        .replace("b;2,1", "b;2,1;1,1")
        .replace("c;10", "c;10;-1")
        .replace("d;\n", "d;;\n")
    )
    error = error_of(text)
    assert error.line == 15 and "2 projects but gives 1 points" in error.message
    error = error_of(text.replace("a;1,2;3", "a;1,2;3,4"))
    assert error.line == 17 and "negative" in error.message


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.pb"
    path.write_bytes(SMALL.encode("utf-8").replace(b"Park", b"P\xe4rk"))
    with pytest.raises(BallotFormatError) as caught:
        read_pb(path)
    assert caught.value.line == 10 and caught.value.source == "bad.pb"
