"""Petition signatures: duplicates and addresses outside the jurisdiction are invalid;
the projection applies the observed validity rate with a Wilson interval."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.electoral.petitions import Checked, Signature, check, project, wilson

INSIDE = {"12 maple street", "14 maple street"}


def inside(address: str) -> bool:
    return " ".join(address.casefold().split()) in INSIDE


def test_duplicates_and_outsiders_are_invalid_and_the_first_counts():
    checked, verdicts = check(
        [
            Signature("Ana Pérez", "12 Maple Street", "sheet 1"),
            Signature("ANA  PEREZ", "12 maple street", "sheet 2"),
            Signature("Bo Li", "99 Elm Road", "sheet 2"),
            Signature("Bo Li", "14 Maple Street", "sheet 3"),
        ],
        inside,
    )
    assert verdicts == ["valid", "duplicate", "outside", "valid"]
    assert checked == Checked(valid=2, duplicates=1, outside=1)


def test_the_projection_with_its_interval():
    projection = project(1000, Checked(valid=80, duplicates=15, outside=5), target=700)
    assert projection.rate == 0.8 and projection.projected == 800 and projection.on_track
    assert projection.projected_low < 800 < projection.projected_high
    assert project(10, Checked(0, 0, 0), target=5).projected is None
    with pytest.raises(ValueError):
        project(-1, Checked(1, 0, 0), target=5)


@given(st.integers(1, 500), st.data())
def test_the_wilson_interval_holds_the_observed_rate(checked, data):
    valid = data.draw(st.integers(0, checked))
    low, high = wilson(valid, checked)
    assert 0 <= low <= valid / checked <= high <= 1


def test_names_in_any_script_are_told_apart_and_accents_do_not_matter():
    inside = lambda address: True  # noqa: E731
    signatures = [
        Signature("王伟", "1 Main St"),
        Signature("李娜", "1 Main St"),
        Signature("José  Núñez", "2 Main St"),
        Signature("jose nunez", "2 main st"),
    ]
    checked, verdicts = check(signatures, inside)
    assert verdicts == ["valid", "valid", "valid", "duplicate"]
    assert checked == Checked(valid=3, duplicates=1, outside=0)
