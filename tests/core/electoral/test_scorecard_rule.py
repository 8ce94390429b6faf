"""Scorecards: kept 1, partial 1/2, broken 0, over every judged action."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.electoral.scorecard import BROKEN, KEPT, PARTIAL, VERDICTS, Action, score


def test_a_broken_pledge_lowers_the_score_and_the_history_shows_when():
    actions = [
        Action("land trusts", KEPT, date(2027, 1, 10)),
        Action("police budget", PARTIAL, date(2027, 2, 1)),
        Action("land trusts", BROKEN, date(2027, 3, 5)),
    ]
    card = score(actions)
    assert card.score == Fraction(1, 2) and card.percent == 50.0
    assert (card.kept, card.partial, card.broken) == (1, 1, 1)
    assert card.by_pledge == {"land trusts": (1, 0, 1), "police budget": (0, 1, 0)}
    assert [s for _, s in card.history] == [Fraction(1), Fraction(3, 4), Fraction(1, 2)]


def test_no_action_no_score_and_bad_verdicts_refused():
    assert score([]).score is None and score([]).percent is None
    with pytest.raises(ValueError):
        Action("x", "forgotten", date(2027, 1, 1))


@given(st.lists(st.sampled_from(VERDICTS), min_size=1, max_size=30))
def test_one_more_broken_pledge_never_raises_the_score(verdicts):
    day = date(2027, 1, 1)
    before = score(Action("p", v, day) for v in verdicts).score
    after = score([*(Action("p", v, day) for v in verdicts), Action("p", BROKEN, date(2027, 2, 1))])
    assert after.score is not None and before is not None and after.score <= before
    assert after.history[-1][1] == after.score
