"""Reading a Polis export folder: statements, the last vote of each pair, Polis's groups."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bloc.core.formats.polis import PolisFormatError, read_polis_export

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "polis"
CONVERSATIONS = sorted(
    p.name for p in DATA.iterdir() if p.is_dir() and (p / "comments.csv").exists()
)

COMMENTS = """timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,comment-body
1,1,0,0,0,1,false,"Fix the lift, please"
2,2,0,0,0,-1,false,Rejected
3,3,0,0,0,1,true,How did you hear about this?
4,4,0,0,0,0,false,"A statement, with a comma
and a line break"
"""


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", "-").replace("-csv", ".csv")).write_text(text)
    return folder


def test_the_last_vote_by_timestamp_counts(tmp_path):
    votes = (
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "30,x,1,7,-1\n"  # later than the next line, though written first
        "10,x,1,7,1\n"
        "20,x,4,7,0\n"
        "20,x,1,8,1\n"
        "20,x,1,8,-1\n"  # same time: file order decides
    )
    export = read_polis_export(write(tmp_path / "c", comments_csv=COMMENTS, votes_csv=votes))
    matrix = export.matrix
    assert export.votes_from == "votes.csv"
    assert matrix.participants == (7, 8)
    assert matrix.statements == (1, 4)
    assert matrix.values[0].tolist() == [-1.0, 0.0]
    assert matrix.values[1, 0] == -1.0 and np.isnan(matrix.values[1, 1])
    assert export.rejected == {2} and export.meta == {3}
    assert matrix.moderated_out == {2, 3}
    assert export.texts[4] == "A statement, with a comma\nand a line break"
    assert export.polis_groups == {}


def test_participants_votes_is_read_when_votes_csv_is_absent(tmp_path):
    pv = (
        "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,1,4\n"
        "7,,0,0,2,0,1,-1,0\n"
        "8,,,0,1,0,1,-1,\n"
    )
    export = read_polis_export(
        write(tmp_path / "c", comments_csv=COMMENTS, participants_votes_csv=pv)
    )
    assert export.votes_from == "participants-votes.csv"
    assert export.matrix.values[0].tolist() == [-1.0, 0.0]
    assert export.polis_groups == {7: 0}


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_both_vote_files_of_a_real_export_give_the_same_matrix(tmp_path, name):
    full = read_polis_export(DATA / name)
    copy = tmp_path / name
    copy.mkdir()
    for file in ("comments.csv", "participants-votes.csv"):
        shutil.copy(DATA / name / file, copy / file)
    fallback = read_polis_export(copy)
    assert fallback.votes_from == "participants-votes.csv"
    assert full.matrix.participants == fallback.matrix.participants
    assert full.matrix.statements == fallback.matrix.statements
    np.testing.assert_array_equal(full.matrix.values, fallback.matrix.values)
    assert full.polis_groups == fallback.polis_groups
    assert full.matrix.moderated_out == fallback.matrix.moderated_out


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"votes_csv": "timestamp,comment-id,voter-id,vote\n1,1,7,2\n"}, "votes.csv:2: a vote"),
        ({"votes_csv": "timestamp,comment-id,voter-id,vote\n1,one,7,1\n"}, "votes.csv:2: the"),
        ({"votes_csv": "timestamp,comment-id,vote\n1,1,1\n"}, "no 'voter-id' column"),
        ({}, "neither votes.csv nor participants-votes.csv"),
    ],
)
def test_a_bad_export_names_the_file_and_line(tmp_path, files, message):
    folder = write(tmp_path / "c", comments_csv=COMMENTS, **files)
    with pytest.raises(PolisFormatError, match=message):
        read_polis_export(folder)


def test_a_missing_folder_or_comments_file_is_reported(tmp_path):
    with pytest.raises(PolisFormatError, match="not a folder"):
        read_polis_export(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PolisFormatError, match="comments.csv"):
        read_polis_export(tmp_path / "empty")
