"""Reading PrefLib and Alaska ballot files into profiles, checked against the reference data."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core.formats import BallotFormatError, format_preflib, preflib, read_preflib
from bloc.core.tally.ballots import PAD, ApprovalProfile, RankedProfile

RANKED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ranked"
REFERENCE = json.loads((RANKED_DATA / "REFERENCE.json").read_text(encoding="utf-8"))
FILES = sorted(REFERENCE)


@pytest.mark.parametrize("name", FILES)
def test_every_reference_file_parses_with_its_voters_and_candidates(name):
    expected = REFERENCE[name]

    profile = read_preflib(RANKED_DATA / name)

    assert profile.total == expected["voters"]
    assert profile.candidates == tuple(
        expected["candidates"][str(i)] for i in range(1, len(expected["candidates"]) + 1)
    )
    if expected["kind"] == "approval":
        assert isinstance(profile, ApprovalProfile)
    else:
        assert isinstance(profile, RankedProfile)
        assert profile.truncated_at_overvote == expected["ballots_truncated_at_overvote"]
        assert profile.empty_ballots == expected["empty_ballots"]


@pytest.mark.parametrize("name", [n for n in FILES if "plurality" in REFERENCE[n]["outcomes"]])
def test_first_preferences_match_the_reference_plurality_scores(name):
    scores = REFERENCE[name]["outcomes"]["plurality"]["scores"]

    profile = read_preflib(RANKED_DATA / name)

    assert isinstance(profile, RankedProfile)
    assert profile.first_preferences().tolist() == [scores[str(i + 1)] for i in range(len(scores))]


@pytest.mark.parametrize("name", [n for n in FILES if "irv" in REFERENCE[n]["outcomes"]])
def test_first_round_exhausted_ballots_are_the_empty_ones(name):
    first_round = REFERENCE[name]["outcomes"]["irv"]["rounds"][0]

    profile = read_preflib(RANKED_DATA / name)

    assert isinstance(profile, RankedProfile)
    assert profile.empty_ballots == first_round["exhausted"]
    assert profile.total - profile.empty_ballots == first_round["continuing_ballots"]


def test_approval_counts_match_the_reference_approval_scores():
    scores = REFERENCE["00026-00000004.cat"]["outcomes"]["approval"]["scores"]

    profile = read_preflib(RANKED_DATA / "00026-00000004.cat")

    assert isinstance(profile, ApprovalProfile)
    assert profile.approval_counts().tolist() == [scores[str(i + 1)] for i in range(16)]


def test_the_file_header_names_the_candidates():
    profile = read_preflib(RANKED_DATA / "00002-00000001.soi")

    assert profile.candidates[2] == "Bdale Garbee"
    assert profile.num_candidates == 4


HEADER = (
    "# DATA TYPE: {kind}\n"
    "# NUMBER ALTERNATIVES: 3\n"
    "# ALTERNATIVE NAME 1: Ana\n"
    "# ALTERNATIVE NAME 2: Bo\n"
    "# ALTERNATIVE NAME 3: Cy\n"
)


def test_an_overvote_cuts_the_ballot_before_it_and_identical_cuts_merge():
    text = HEADER.format(kind="toi") + "2: 2,{1,3}\n3: 2\n1: {1,3},2\n4: {3},1\n"

    profile = read_preflib(text)

    assert isinstance(profile, RankedProfile)
    assert profile.truncated_at_overvote == 3
    assert profile.rankings.tolist() == [[1, PAD], [PAD, PAD], [2, 0]]
    assert profile.counts.tolist() == [5, 1, 4]
    assert profile.first_preferences().tolist() == [0, 5, 4]


def test_approval_ballots_read_the_first_category_as_approved():
    text = (
        "# DATA TYPE: cat\n# NUMBER ALTERNATIVES: 3\n# NUMBER CATEGORIES: 2\n"
        "5: {1,3},2\n2: 2,{1,3}\n1: {},{1,2,3}\n"
    )

    profile = read_preflib(text)

    assert isinstance(profile, ApprovalProfile)
    assert profile.candidates == ("1", "2", "3")
    assert profile.approval_counts().tolist() == [5, 2, 5]
    assert profile.empty_ballots == 1


@pytest.mark.parametrize(
    ("kind", "ballots", "bad_line", "says"),
    [
        ("soi", "3: 1,2\nx: 1\n", 7, "count"),
        ("soi", "3: 1,2\n0: 1\n", 7, "count"),
        ("soi", "3: 1,2\n2: 1\n1: 4,1\n", 8, "unknown candidate 4"),
        ("soi", "3: 1,2,1\n", 6, "candidate 1 appears twice"),
        ("toi", "1: 2\n3: {1,2},1\n", 7, "candidate 1 appears twice"),
        ("soi", "3: 1,2\n\n2 1,2\n", 8, "count: ballot"),
        ("soi", "3: 1,2\n2: 1,,2\n", 7, "cannot read the ballot"),
        ("soi", "3: {1,2},3\n", 6, "strict order"),
        ("soc", "3: 1,2\n", 6, "all 3 candidates"),
        ("cat", "3: {1,2}\n", 6, "2 categories"),
        ("dat", "3: 1,2\n", 1, "unsupported PrefLib data type"),
    ],
)
def test_malformed_input_names_the_line(kind, ballots, bad_line, says):
    text = HEADER.format(kind=kind) + ballots

    with pytest.raises(BallotFormatError) as caught:
        read_preflib(text)

    assert caught.value.line == bad_line
    assert says in caught.value.message


def test_a_header_that_disagrees_with_the_ballots_is_refused():
    text = HEADER.format(kind="soi") + "# NUMBER VOTERS: 10\n3: 1,2\n"

    with pytest.raises(BallotFormatError) as caught:
        read_preflib(text)

    assert caught.value.line == 6
    assert "NUMBER VOTERS says 10" in caught.value.message


def test_errors_in_a_file_name_the_file(tmp_path):
    path = tmp_path / "broken.soi"
    path.write_text(HEADER.format(kind="soi") + "3: 1,7\n", encoding="utf-8")

    with pytest.raises(BallotFormatError) as caught:
        read_preflib(path)

    assert str(caught.value).startswith("broken.soi:6: ")


def test_alaska_profile_errors_name_the_line(tmp_path):
    path = tmp_path / "x.profile"
    path.write_text("A_ B,C\nIND,IND\n-+-\n(A_ B) : 3\n(C,D) : 1\n", encoding="utf-8")

    with pytest.raises(BallotFormatError) as caught:
        read_preflib(path)

    assert caught.value.line == 5
    assert "unknown candidate 'D'" in caught.value.message


@pytest.mark.parametrize(
    ("rankings", "counts", "says"),
    [
        ([[0, 0]], [1], "twice"),
        ([[0, 3]], [1], "outside"),
        ([[PAD, 1]], [1], "empty rank"),
        ([[0, 1]], [0], "positive"),
    ],
)
def test_a_ranked_profile_refuses_invalid_ballots(rankings, counts, says):
    with pytest.raises(ValueError, match=says):
        RankedProfile(
            candidates=("a", "b", "c"), rankings=np.array(rankings), counts=np.array(counts)
        )


def test_profiles_are_read_only():
    profile = read_preflib(RANKED_DATA / "00002-00000001.soi")

    with pytest.raises(ValueError, match="read-only"):
        profile.counts[0] = 1


@st.composite
def ranked_profiles(draw):
    m = draw(st.integers(min_value=1, max_value=6))
    orders = draw(
        st.lists(
            st.permutations(range(m)).flatmap(
                lambda order: st.integers(0, len(order)).map(lambda k: tuple(order[:k]))
            ),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    counts = draw(st.lists(st.integers(1, 10**6), min_size=len(orders), max_size=len(orders)))
    width = max(len(order) for order in orders)
    rankings = np.full((len(orders), width), PAD, dtype=np.int32)
    for row, order in enumerate(orders):
        rankings[row, : len(order)] = order
    names = tuple(f"Candidate {i + 1}" for i in range(m))
    return RankedProfile(candidates=names, rankings=rankings, counts=np.array(counts))


@settings(max_examples=200, deadline=None)
@given(ranked_profiles())
def test_writing_and_reading_soi_gives_back_the_same_ballots(profile):
    again = read_preflib(format_preflib(profile))

    assert isinstance(again, RankedProfile)
    assert again.candidates == profile.candidates
    assert again.counts.tolist() == profile.counts.tolist()
    width = profile.rankings.shape[1]
    assert again.rankings.tolist() == profile.rankings[:, : again.rankings.shape[1]].tolist()
    assert again.rankings.shape[1] <= width
    assert again.first_preferences().tolist() == profile.first_preferences().tolist()


def _line_by_line(monkeypatch, source):
    monkeypatch.setattr(preflib, "_read_fast", lambda text, name: None)
    return read_preflib(source)


@pytest.mark.parametrize("name", [n for n in REFERENCE if n.endswith((".soi", ".toi"))])
def test_the_bulk_reader_reads_every_file_as_the_line_by_line_reader(name, monkeypatch):
    bulk = read_preflib(RANKED_DATA / name)
    careful = _line_by_line(monkeypatch, RANKED_DATA / name)
    assert bulk.rankings.tolist() == careful.rankings.tolist()
    assert bulk.counts.tolist() == careful.counts.tolist()
    assert bulk.candidates == careful.candidates


def test_the_largest_file_takes_the_bulk_path():
    text = (RANKED_DATA / "00001-00000002.soi").read_text(encoding="utf-8")
    assert preflib._read_fast(text, "00001-00000002.soi") is not None


@settings(max_examples=100, deadline=None)
@given(ranked_profiles(), st.sampled_from(["", "\n", "  \n\n"]))
def test_the_bulk_and_careful_readers_agree_on_any_file(profile, trailing):
    text = format_preflib(profile) + trailing
    bulk = read_preflib(text)
    with pytest.MonkeyPatch.context() as patch:
        careful = _line_by_line(patch, text)
    assert bulk.rankings.tolist() == careful.rankings.tolist()
    assert bulk.counts.tolist() == careful.counts.tolist()
