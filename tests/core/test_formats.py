"""BLT, CSV and JSON ballot files, and reading any ballot file by its extension."""

import json
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core.formats import (
    BallotFormatError,
    csv_ballots,
    format_blt,
    format_csv_ballots,
    format_json_ballots,
    format_preflib,
    read_ballots,
    read_blt,
    read_csv_ballots,
    read_json_ballots,
    read_preflib,
)
from bloc.core.tally.ballots import PAD, ApprovalProfile, RankedProfile, ScoreProfile

RANKED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ranked"
RANKED_FILES = sorted(
    p.name for p in RANKED_DATA.iterdir() if p.suffix in {".soi", ".toi", ".profile"}
)


def _rows(profile):
    """The merged profile as comparable plain data."""
    if isinstance(profile, RankedProfile):
        merged = profile.merged()
        return (
            profile.candidates,
            sorted(zip(map(tuple, merged.rankings.tolist()), merged.counts.tolist(), strict=True)),
        )
    if isinstance(profile, ApprovalProfile):
        table = profile.approvals.tolist()
    else:
        marks = np.where(profile.scored, profile.scores, -999)
        table = marks.tolist()
        table = [[*row, "range", profile.low, profile.high] for row in table]
    merged: dict[tuple, int] = {}
    for row, count in zip(table, profile.counts.tolist(), strict=True):
        merged[tuple(row)] = merged.get(tuple(row), 0) + count
    return profile.candidates, sorted(merged.items())


def _error(reader, text, **kwargs):
    with pytest.raises(BallotFormatError) as caught:
        reader(text, **kwargs)
    return caught.value


# --- strategies -----------------------------------------------------------------------

NAME = (
    st.text(
        alphabet=st.sampled_from(list("abcXYZ éñ-,.'#;0123456789") + ["中", "ß"]),
        min_size=1,
        max_size=8,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def ranked_profiles(draw, max_candidates=6):
    m = draw(st.integers(1, max_candidates))
    names = draw(st.lists(NAME, min_size=m, max_size=m, unique=True))
    n = draw(st.integers(0, 8))
    rows = []
    for _ in range(n):
        order = draw(st.permutations(range(m)))
        length = draw(st.integers(0, m))
        rows.append(list(order[:length]))
    width = max((len(r) for r in rows), default=0)
    rankings = np.full((n, width), PAD, dtype=np.int32)
    for i, row in enumerate(rows):
        rankings[i, : len(row)] = row
    counts = draw(st.lists(st.integers(1, 50), min_size=n, max_size=n))
    return RankedProfile(tuple(names), rankings, np.asarray(counts, dtype=np.int64))


@st.composite
def approval_profiles(draw):
    m = draw(st.integers(1, 6))
    names = draw(st.lists(NAME, min_size=m, max_size=m, unique=True))
    n = draw(st.integers(0, 8))
    cells = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
    counts = draw(st.lists(st.integers(1, 50), min_size=n, max_size=n))
    return ApprovalProfile(
        tuple(names),
        np.asarray(cells, dtype=np.bool_).reshape(n, m),
        np.asarray(counts, dtype=np.int64),
    )


@st.composite
def score_profiles(draw):
    m = draw(st.integers(1, 6))
    names = draw(st.lists(NAME, min_size=m, max_size=m, unique=True))
    low = draw(st.integers(-3, 3))
    high = low + draw(st.integers(0, 12))
    n = draw(st.integers(0, 8))
    scores = draw(st.lists(st.integers(low, high), min_size=n * m, max_size=n * m))
    scored = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
    counts = draw(st.lists(st.integers(1, 50), min_size=n, max_size=n))
    return ScoreProfile(
        tuple(names),
        np.asarray(scores, dtype=np.int64).reshape(n, m),
        np.asarray(scored, dtype=np.bool_).reshape(n, m),
        np.asarray(counts, dtype=np.int64),
        low=low,
        high=high,
    )


ANY_PROFILE = st.one_of(ranked_profiles(), approval_profiles(), score_profiles())


# --- BLT ------------------------------------------------------------------------------

BLT = """\
# a test election
4 2
-2
3 1 3 4 0
(b7) 1 4 1=3 0   # an overvote after the first preference
1 2=3 4 0
2 0
1 2 0
0
"Ana"
"Bo # not a comment"
"Cy"
"Di"
"City council 2024"
"""


def test_blt_reads_seats_names_title_and_removes_withdrawn_candidates():
    election = read_blt(BLT)

    assert election.seats == 2
    assert election.title == "City council 2024"
    assert election.withdrawn == ("Bo # not a comment",)
    profile = election.profile
    assert profile.candidates == ("Ana", "Cy", "Di")
    # Ana=0, Cy=1, Di=2: "2=3" loses the withdrawn Bo and is a plain rank for Cy; the
    # ballot "2" alone becomes empty and merges with "2 0".
    assert profile.rankings.tolist() == [[0, 1, 2], [2, PAD, PAD], [1, 2, PAD], [PAD] * 3]
    assert profile.counts.tolist() == [3, 1, 1, 3]
    assert profile.truncated_at_overvote == 1
    assert profile.empty_ballots == 3


def test_blt_cuts_a_ballot_before_an_equal_ranking_like_a_toi_overvote():
    text = '3 1\n4 1 2=3 0\n1 2=3 1 0\n2 1 0\n0\n"A"\n"B"\n"C"\n'

    profile = read_blt(text).profile
    toi = read_preflib("# DATA TYPE: toi\n# NUMBER ALTERNATIVES: 3\n4: 1,{2,3}\n1: {2,3},1\n2: 1\n")

    assert profile.rankings.tolist() == toi.rankings.tolist() == [[0], [PAD]]
    assert profile.counts.tolist() == toi.counts.tolist() == [6, 1]
    assert profile.truncated_at_overvote == toi.truncated_at_overvote == 5


def test_blt_without_a_title_and_with_several_names_on_a_line():
    election = read_blt('2 1\n1 2 1 0\n0\n"A" "B"\n')

    assert election.title is None
    assert election.profile.candidates == ("A", "B")
    assert election.profile.rankings.tolist() == [[1, 0]]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("3 1\n1 1 2 0\n1 3 1 0\n", 3, "ends before the end-of-ballots"),  # truncated
        ("3 1\n1 1 x 0\n0\n", 2, "'x'"),
        ("3 1\n1 1 2 0\n1 1 4 0\n0\n", 3, "unknown candidate 4"),
        ("3 1\n1 1 2 1 0\n0\n", 2, "candidate 1 appears twice"),
        ("3 1\n1 1 2=1 0\n0\n", 2, "candidate 1 appears twice"),
        ("3 1\n1.5 1 2 0\n0\n", 2, "fraction"),
        ("3 1\n1 1 2\n0\n", 2, "must end with 0"),
        ("3 1\n0 1 2 0\n0\n", 2, "must be positive"),
        ("3 x\n0\n", 1, "seats"),
        ("3\n0\n", 1, "'candidates seats'"),
        ("3 1\n-4\n0\n", 2, "outside 1..3"),
        ('3 1\n1 1 0\n0\n"A"\n"B"\n', 5, "declares 3 candidates but the file names 2"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\n"T"\n"extra"\n', 7, "expected 2 names"),
        ('2 1\n1 1 0\n0\n"A"\nB\n', 5, "quoted name"),
        ('2 1\n1 1 0\n0\n"A"\n"A"\n', 5, "two candidates are named 'A'"),
    ],
)
def test_blt_errors_name_the_line(text, line, words):
    error = _error(read_blt, text)

    assert error.line == line
    assert words in error.message


def test_blt_errors_name_the_file(tmp_path):
    path = tmp_path / "board.blt"
    path.write_text("2 1\n1 1 3 0\n0\n", encoding="utf-8")

    error = _error(read_blt, path)

    assert (error.source, error.line) == ("board.blt", 2)
    assert str(error).startswith("board.blt:2: ")


def test_format_blt_writes_the_ballot_lines_and_refuses_unquotable_names():
    profile = RankedProfile(
        ("A", "B"), np.array([[1, 0], [0, PAD], [PAD, PAD]]), np.array([2, 1, 4])
    )

    text = format_blt(profile, 1, "T", withdrawn=["W"])

    assert text == '3 1\n-3\n2 2 1 0\n1 1 0\n4 0\n0\n"A"\n"B"\n"W"\n"T"\n'
    quoted = RankedProfile(('Jo "JJ" Li', "B"), np.array([[0]]), np.array([1]))
    with pytest.raises(ValueError, match="double quote"):
        format_blt(quoted, 1)
    with pytest.raises(ValueError, match="seats"):
        format_blt(profile, 0)


@pytest.mark.parametrize("name", RANKED_FILES)
def test_every_ranked_reference_file_survives_a_blt_round_trip(name):
    original = read_ballots(RANKED_DATA / name).profile

    election = read_blt(format_blt(original, 3, f"from {name}"))

    assert _rows(election.profile) == _rows(original)
    assert np.array_equal(election.profile.rankings, original.rankings)
    assert np.array_equal(election.profile.counts, original.counts)
    assert (election.seats, election.title, election.withdrawn) == (3, f"from {name}", ())


@settings(max_examples=60, deadline=None)
@given(ranked_profiles(), st.integers(1, 5), st.lists(st.sampled_from("WXYZ"), unique=True))
def test_blt_round_trip_keeps_rows_counts_names_and_withdrawn(profile, seats, withdrawn):
    names = ["withdrawn " + w for w in withdrawn]
    names = [n for n in names if n not in profile.candidates]

    election = read_blt(format_blt(profile, seats, "Title", withdrawn=names))

    assert election.profile.candidates == profile.candidates
    assert np.array_equal(election.profile.rankings, profile.rankings)
    assert np.array_equal(election.profile.counts, profile.counts)
    assert (election.seats, election.title, election.withdrawn) == (seats, "Title", tuple(names))


# --- CSV ------------------------------------------------------------------------------


def test_csv_ranked_cells_are_ranks_with_skips_closed_and_overvotes_cut():
    text = "count,Ana,Bo,Cy,Di\n2,1,,3,\n1,1,2,2,3\n1,,1,,\n3,1,,2,\n1,2,3,4,1\n4,1,1,,\n2,,,,\n"

    profile = read_csv_ballots(text)

    # 1,_,3 (skipped 2) reads as Ana then Cy, like 1,_,2; equal ranks 2,2 cut after Ana;
    # 1,1 is an overvote in first place, an empty ballot like the blank row.
    assert profile.candidates == ("Ana", "Bo", "Cy", "Di")
    assert profile.rankings.tolist() == [
        [0, 2, PAD, PAD],
        [0, PAD, PAD, PAD],
        [1, PAD, PAD, PAD],
        [3, 0, 1, 2],
        [PAD, PAD, PAD, PAD],
    ]
    assert profile.counts.tolist() == [5, 1, 1, 1, 6]
    assert profile.truncated_at_overvote == 5
    assert profile.empty_ballots == 6


def test_csv_with_quotes_spaces_crlf_and_bom_reads_like_the_plain_file():
    plain = '# ranked\nA,"B, Jr",C\n1,2,\n3,1,2\n2,2,1\n'  # a body for the fast path
    messy = '\ufeff# ranked\r\n A , "B, Jr" ,C\r\n 1 , 2 ,\r\n\r\n3, 1,2\r\n"2",2,1\r\n'

    fast, slow = read_csv_ballots(plain), read_csv_ballots(messy)
    windows = read_csv_ballots(plain.replace("\n", "\r\n"))

    assert fast.candidates == slow.candidates == ("A", "B, Jr", "C")
    assert (
        fast.rankings.tolist() == slow.rankings.tolist() == [[0, 1, PAD], [1, 2, 0], [2, PAD, PAD]]
    )
    assert fast.counts.tolist() == slow.counts.tolist() == [1, 1, 1]
    assert fast.truncated_at_overvote == slow.truncated_at_overvote == 1
    assert windows.rankings.tolist() == fast.rankings.tolist()
    assert windows.counts.tolist() == fast.counts.tolist()


def test_csv_approval_and_score_kinds():
    approval = read_csv_ballots("A,B,C\n1,0,\n1,,1\n1,0,0\n", kind="approval")
    scores = read_csv_ballots("# scores -2-3\nA,B\n-2,3\n,1\n-2,3\n")
    given_range = read_csv_ballots("A,B\n10,\n", kind="score", low=0, high=10)

    assert approval.approvals.tolist() == [[True, False, False], [True, False, True]]
    assert approval.counts.tolist() == [2, 1]
    assert (scores.low, scores.high) == (-2, 3)
    assert scores.scores.tolist() == [[-2, 3], [0, 1]]
    assert scores.scored.tolist() == [[True, True], [False, True]]
    assert scores.counts.tolist() == [2, 1]
    assert given_range.scores.tolist() == [[10, 0]]
    assert given_range.scored.tolist() == [[True, False]]


@pytest.mark.parametrize(
    ("text", "kwargs", "line", "words"),
    [
        ("A,B\n1,2\n1,x\n", {}, 3, "'x'"),
        ("A,B\n1,2\n1\n", {}, 3, "expected 2 cells"),
        ("# c\n\nA,B\n1,2\n1,3\n", {}, 5, "B has rank 3, outside 1..2"),  # found on the fast path
        ("A,B\n1,2\n 0,1\n", {}, 3, "A has rank 0"),  # found on the slow path
        ("count,A\n2,1\n0,1\n", {}, 3, "the count must be a positive whole number, got 0"),
        ("count,A\n2,1\n,1\n", {}, 3, "got blank"),
        ("A,B\n1,0\n2,1\n", {"kind": "approval"}, 3, "A has 2"),
        ("# scores 0-5\nA,B\n1,6\n", {}, 3, "B has score 6, outside 0..5"),
        ("A,B\n1,6\n", {"kind": "score"}, 1, "range"),
        ("# approval\nA,B\n1,6\n", {"kind": "ranked"}, 1, "approval ballots, not ranked"),
        ("# scores 0-5\nA,B\n1,5\n", {"high": 10}, 1, "highest score is 5"),
        ("A,A\n1,2\n", {}, 1, "two columns are named 'A'"),
        ("count,A,\n1,2,1\n", {}, 1, "no name"),
        ("# only a comment\n", {}, 1, "no header"),
        ("A,B\n1,2\n1,99999999999\n", {}, 3, "outside 1..2"),
        ('A,"B\nsecond line"\n1,2\n1,3\n', {}, 4, "second line has rank 3"),
    ],
)
def test_csv_errors_name_the_line(text, kwargs, line, words):
    error = _error(read_csv_ballots, text, **kwargs)

    assert error.line == line
    assert words in error.message


def test_csv_writer_merges_rows_and_writes_the_kind_and_count():
    profile = RankedProfile(("A", "B,C"), np.array([[1, 0], [0, PAD], [1, 0]]), np.array([2, 1, 3]))

    assert format_csv_ballots(profile) == '# ranked\ncount,A,"B,C"\n5,2,1\n1,1,\n'


@settings(max_examples=80, deadline=None)
@given(ANY_PROFILE)
def test_csv_round_trip_gives_the_merged_profile(profile):
    back = read_csv_ballots(format_csv_ballots(profile))

    assert type(back) is type(profile)
    assert _rows(back) == _rows(profile)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.none(), st.integers(-(10**8) + 1, 10**9 - 1)),
                min_size=cols,
                max_size=cols,
            ),
            max_size=12,
        ).map(lambda rows: (cols, rows))
    ),
    st.sampled_from([7, 64, 1 << 22]),
)
def test_the_vectorised_csv_decoder_agrees_with_the_csv_module(shaped, chunk):
    cols, rows = shaped
    text = "".join(",".join("" if v is None else str(v) for v in row) + "\n" for row in rows)
    # In a one-column file an empty cell is a blank line, which readers skip.
    kept = [(n, row) for n, row in enumerate(rows, start=1) if cols > 1 or row[0] is not None]

    with patch.object(csv_ballots, "_CHUNK", chunk):
        fast = csv_ballots._fast_grid(text.encode(), cols)
    values, blank, lines = csv_ballots._slow_grid(text, cols, 1, None)

    assert values.tolist() == [[0 if v is None else v for v in row] for _, row in kept]
    assert blank.tolist() == [[v is None for v in row] for _, row in kept]
    assert lines.tolist() == [n for n, _ in kept]
    if len(kept) == len(rows):  # no blank line: the fast path must take it
        assert fast is not None
    if fast is not None:
        assert np.array_equal(fast[0], values) and np.array_equal(fast[1], blank)


def test_the_vectorised_csv_decoder_hands_odd_bodies_to_the_csv_module():
    for body in (b"1,2\n3\n", b"1,-\n", b"1,2-\n", b"1, 2\n", b'"1",2\n', b"1,1234567890\n"):
        assert csv_ballots._fast_grid(body, 2) is None, body
    values, blank = csv_ballots._fast_grid(b"-12,\n,7\n", 2)
    assert values.tolist() == [[-12, 0], [0, 7]]
    assert blank.tolist() == [[False, True], [True, False]]


# --- JSON -----------------------------------------------------------------------------

JSON_RANKED = """{
  "format": "bloc-ballots", "version": 1, "kind": "ranked",
  "title": "Board", "seats": 2,
  "candidates": ["Ana", "Bo", "Cy"],
  "ballots": [
    {"ranking": ["Bo", "Ana"], "count": 12},
    {"ranking": [3, ["Ana", "Bo"]]},
    {"ranking": [3],
     "count": 2},
    {"ranking": []}
  ]
}
"""


def test_json_reads_names_numbers_equal_rankings_seats_and_title():
    read = read_json_ballots(JSON_RANKED)

    assert (read.seats, read.title) == (2, "Board")
    assert read.profile.candidates == ("Ana", "Bo", "Cy")
    assert read.profile.rankings.tolist() == [[1, 0], [2, PAD], [PAD, PAD]]
    assert read.profile.counts.tolist() == [12, 3, 1]
    assert read.profile.truncated_at_overvote == 1


def test_json_approval_and_score_ballots():
    approval = read_json_ballots(
        '{"format": "bloc-ballots", "version": 1, "kind": "approval", "candidates": ["A", "B"],\n'
        ' "ballots": [{"approved": ["B", 1], "count": 3}, {"approved": []}]}'
    ).profile
    scores = read_json_ballots(
        '{"format": "bloc-ballots", "version": 1, "kind": "score", "candidates": ["A", "B"],\n'
        ' "low": -1, "high": 2, "ballots": [{"scores": {"B": -1, "A": null}, "count": 2}]}'
    ).profile

    assert approval.approvals.tolist() == [[True, True], [False, False]]
    assert approval.counts.tolist() == [3, 1]
    assert scores.scores.tolist() == [[0, -1]] and scores.scored.tolist() == [[False, True]]
    assert (scores.low, scores.high, scores.total) == (-1, 2, 2)


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ('["Bo", "Ana"], "count": 12}', '["Bo", "Ana"], "count": 12},', 6, "not valid JSON"),
        ("[3],\n", "[4],\n", 8, "ballot 3: unknown candidate 4"),
        ('["Bo", "Ana"]', '["Bo", "Bo"]', 6, "ballot 1: 'Bo' appears twice"),
        ('"count": 12', '"count": 1.5', 6, "count must be a positive whole number"),
        ('"count": 12', '"count": 0', 6, "count must be a positive whole number"),
        ("[3, [", "[3, [], [", 7, "empty equal ranking"),
        ('{"ranking": []}', '{"ranking": [], "weight": 2}', 10, "unknown key 'weight'"),
        ('"seats": 2', '"seats": 2, "seat": 2', 3, "unknown key 'seat'"),
        ('"seats": 2', '"seats": true', 3, "seats must be a whole number"),
        ('"version": 1', '"version": 2', 2, "version 1"),
        ('["Ana", "Bo", "Cy"]', '["Ana", "Bo", "Ana"]', 4, "two candidates are named 'Ana'"),
        ('"kind": "ranked"', '"kind": "score"', 2, "'low'"),
        ('{"ranking": []}', '{"ranking": [], "receipt": 7}', 10, "receipt must be a string"),
    ],
)
def test_json_errors_name_the_line_of_the_bad_ballot_or_key(old, new, line, words):
    assert old in JSON_RANKED
    error = _error(read_json_ballots, JSON_RANKED.replace(old, new, 1))

    assert error.line == line
    assert words in error.message


def test_json_score_out_of_range_names_the_ballot_line():
    text = (
        '{"format": "bloc-ballots", "version": 1, "kind": "score", "candidates": ["A", "B"],\n'
        ' "low": 0, "high": 5, "ballots": [\n  {"scores": {"A": 5}},\n  {"scores": {"B": 6}}\n]}'
    )

    error = _error(read_json_ballots, text)

    assert (error.line, error.message) == (
        4,
        "ballot 2: 'B' has score 6, not a whole number in 0..5",
    )


@settings(max_examples=80, deadline=None)
@given(
    ANY_PROFILE, st.one_of(st.none(), st.integers(1, 4)), st.one_of(st.none(), st.text(max_size=10))
)
def test_json_round_trip_keeps_rows_counts_seats_and_title(profile, seats, title):
    text = format_json_ballots(profile, seats=seats, title=title)
    back = read_json_ballots(text)

    assert json.loads(text)["kind"] in {"ranked", "approval", "score"}
    assert type(back.profile) is type(profile)
    assert _rows(back.profile) == _rows(profile)
    assert back.profile.counts.tolist() == profile.counts.tolist()  # rows as written
    assert (back.seats, back.title) == (seats, title)


def test_json_receipts_are_written_per_row_and_do_not_change_the_count():
    profile = RankedProfile(("A", "B"), np.array([[1, 0], [0, PAD]]), np.array([1, 3]))

    text = format_json_ballots(profile, receipts=["9f2c", None])
    back = read_json_ballots(text).profile

    rows = json.loads(text)["ballots"]
    assert rows[0] == {"ranking": ["B", "A"], "count": 1, "receipt": "9f2c"}
    assert "receipt" not in rows[1]
    assert _rows(back) == _rows(profile) and back.counts.tolist() == [1, 3]
    with pytest.raises(ValueError, match="1 receipts for 2 rows"):
        format_json_ballots(profile, receipts=["9f2c"])


# --- one entry point ------------------------------------------------------------------


def test_read_ballots_dispatches_by_extension(tmp_path):
    profile = RankedProfile(("A", "B"), np.array([[1, 0], [0, PAD]]), np.array([2, 1]))
    files = {
        "e.BLT": format_blt(profile, 1, "T", withdrawn=["W"]),
        "e.csv": format_csv_ballots(profile),
        "e.json": format_json_ballots(profile, seats=2, title="J"),
        "e.soi": format_preflib(profile),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    blt = read_ballots(tmp_path / "e.BLT")
    csv = read_ballots(str(tmp_path / "e.csv"))
    js = read_ballots(tmp_path / "e.json")
    soi = read_ballots(tmp_path / "e.soi")

    assert (blt.format, blt.seats, blt.title, blt.withdrawn) == ("blt", 1, "T", ("W",))
    assert (csv.format, csv.seats, csv.title, csv.withdrawn) == ("csv", None, None, ())
    assert (js.format, js.seats, js.title) == ("json", 2, "J")
    assert soi.format == "preflib"
    for read in (blt, csv, js, soi):
        assert _rows(read.profile) == _rows(profile)
    alaska = read_ballots(RANKED_DATA / "special_election_v1.ignore_ambig.profile")
    assert alaska.format == "alaska" and alaska.profile.total == 189_112
    approval = read_ballots(RANKED_DATA / "00026-00000004.cat", kind="approval")
    assert isinstance(approval.profile, ApprovalProfile)


def test_read_ballots_reads_a_csv_as_the_kind_asked(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text("A,B\n1,0\n1,1\n", encoding="utf-8")

    approval = read_ballots(path, kind="approval").profile

    assert isinstance(approval, ApprovalProfile)
    assert approval.approvals.tolist() == [[True, False], [True, True]]
    error = _error(read_ballots, path)  # ranked by default: 0 is no rank
    assert (error.line, error.source) == (2, "votes.csv")
    assert "B has rank 0" in error.message


def test_read_ballots_refuses_unknown_extensions_and_the_wrong_kind(tmp_path):
    unknown = tmp_path / "votes.xlsx"
    unknown.write_text("x", encoding="utf-8")

    error = _error(read_ballots, unknown)
    assert (error.line, error.source) == (0, "votes.xlsx")
    assert ".blt" in error.message and ".csv" in error.message
    wrong = _error(read_ballots, RANKED_DATA / "00002-00000001.soi", kind="score")
    assert (wrong.line, wrong.message) == (0, "the file holds ranked ballots, not score")
    with pytest.raises(ValueError, match="kind"):
        read_ballots(unknown, kind="borda")
