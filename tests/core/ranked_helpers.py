"""What the ranked-rule tests share: the reference data, small profiles, pref_voting's view."""

import json
from pathlib import Path

import numpy as np
from pref_voting.profiles_with_ties import ProfileWithTies

from bloc.core.formats.preflib import read_alaska_profile, read_preflib
from bloc.core.tally.ballots import PAD, RankedProfile

RANKED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ranked"
REFERENCE = json.loads((RANKED_DATA / "REFERENCE.json").read_text(encoding="utf-8"))


def read_ranked(name):
    """A reference file's profile (PrefLib, or the Alaska ``.profile``)."""
    path = RANKED_DATA / name
    profile = read_alaska_profile(path) if name.endswith(".profile") else read_preflib(path)
    assert isinstance(profile, RankedProfile)
    return profile


def ranked_profile(rows, m, counts=None):
    """Candidates ``c0..c{m-1}``; ``rows`` are rankings of 0-based candidates."""
    width = max([len(r) for r in rows] + [1])
    rankings = np.full((len(rows), width), PAD, dtype=np.int32)
    for i, row in enumerate(rows):
        rankings[i, : len(row)] = row
    return RankedProfile(
        candidates=tuple(f"c{i}" for i in range(m)),
        rankings=rankings,
        counts=np.ones(len(rows), dtype=np.int64) if counts is None else np.array(counts),
    )


def pref_voting_profile(profile):
    """The profile as pref_voting reads it, exactly as shared/data/ranked/recompute.py does."""
    rankings = [
        {int(c): rank for rank, c in enumerate(row[row != PAD].tolist(), start=1)}
        for row in profile.rankings
    ]
    prof = ProfileWithTies(
        rankings,
        rcounts=[int(c) for c in profile.counts],
        candidates=list(range(profile.num_candidates)),
    )
    prof.use_extended_strict_preference()
    return prof
