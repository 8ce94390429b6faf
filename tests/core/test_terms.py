"""Terms of office: how terms in a row are counted, and the limit the bylaws set."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.terms import (
    GAP_DAYS,
    Term,
    add_months,
    consecutive_terms,
    exceeds_limit,
    longest_run,
    overlaps,
    run_length,
)

JAN_2020 = date(2020, 1, 1)


def term(start: date, days: int) -> Term:
    return Term(starts_on=start, last_day=start + timedelta(days=days))


def back_to_back(
    count: int, *, start: date = JAN_2020, days: int = 365, gap: int = 0
) -> list[Term]:
    """``count`` terms of ``days`` days, each starting ``gap`` days after the last ended."""
    result = []
    for _ in range(count):
        result.append(term(start, days))
        start = result[-1].last_day + timedelta(days=gap)
    return result


def reference_runs(held: list[Term]) -> int:
    """The longest run, computed the slow and obvious way: link every pair that follows."""
    served = sorted((t for t in held if t.last_day > t.starts_on), key=lambda t: t.starts_on)
    best = 0
    for i in range(len(served)):
        length = 1
        for j in range(i + 1, len(served)):
            if (served[j].starts_on - served[j - 1].last_day).days > GAP_DAYS:
                break
            length += 1
        best = max(best, length)
    return best


# --- examples -------------------------------------------------------------------


def test_no_previous_terms_count_for_nothing():
    assert consecutive_terms([], JAN_2020) == 0
    assert not exceeds_limit([], JAN_2020, 1)


def test_no_limit_never_refuses():
    assert not exceeds_limit(back_to_back(30), date(2060, 1, 1), None)


def test_two_back_to_back_terms_then_a_third_is_refused_under_a_limit_of_two():
    held = back_to_back(2)
    third = held[-1].last_day
    assert consecutive_terms(held, third) == 2
    assert exceeds_limit(held, third, 2)
    assert not exceeds_limit(held, third, 3)


def test_a_short_break_does_not_reset_the_count():
    held = back_to_back(2)
    assert exceeds_limit(held, held[-1].last_day + timedelta(days=GAP_DAYS), 2)


def test_a_break_longer_than_the_gap_resets_the_count():
    held = back_to_back(2)
    after_break = held[-1].last_day + timedelta(days=GAP_DAYS + 1)
    assert consecutive_terms(held, after_break) == 0
    assert not exceeds_limit(held, after_break, 1)


def test_an_earlier_run_behind_a_long_break_does_not_count():
    held = back_to_back(2) + back_to_back(1, start=date(2023, 1, 1))
    assert consecutive_terms(held, date(2024, 1, 1)) == 1


def test_a_term_cut_short_still_counts_as_a_term():
    resigned = Term(starts_on=JAN_2020, last_day=date(2020, 2, 1))
    assert consecutive_terms([resigned], date(2020, 3, 1)) == 1


def test_a_term_cancelled_before_it_began_counts_for_nothing_and_blocks_nothing():
    # membership_leave ends future terms today, before their first day.
    cancelled = Term(starts_on=date(2021, 1, 1), last_day=date(2020, 6, 1))
    held = back_to_back(1) + [cancelled]
    assert consecutive_terms(held, date(2021, 1, 1)) == 1
    assert not overlaps([cancelled], date(2020, 5, 1), date(2021, 12, 1))
    assert longest_run([cancelled]) == 0


def test_terms_that_start_on_or_after_the_new_start_are_not_before_it():
    held = back_to_back(2, start=date(2022, 1, 1))
    assert consecutive_terms(held, date(2022, 1, 1)) == 0


def test_filling_a_gap_cannot_join_two_runs_into_one_longer_than_the_limit():
    first, _, third = back_to_back(3)
    held = [first, third]
    middle_start, middle_end = first.last_day, third.starts_on
    assert consecutive_terms(held, middle_start) == 1
    assert run_length(held, middle_start, middle_end) == 3
    assert exceeds_limit(held, middle_start, 2, middle_end)
    assert not exceeds_limit(held, middle_start, 3, middle_end)


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        ((date(2020, 6, 1), date(2020, 7, 1)), True),  # inside
        ((date(2019, 6, 1), date(2020, 1, 2)), True),  # shares the first day
        ((date(2020, 12, 31), date(2021, 6, 1)), True),  # shares the last day
        ((date(2019, 1, 1), date(2022, 1, 1)), True),  # around
        ((date(2019, 1, 1), date(2020, 1, 1)), False),  # ends the day it starts
        ((date(2021, 1, 1), date(2022, 1, 1)), False),  # starts the day it ends
    ],
)
def test_overlap_means_sharing_a_day(new, expected):
    held = [Term(starts_on=JAN_2020, last_day=date(2021, 1, 1))]
    assert overlaps(held, *new) is expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 15), 12, date(2025, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 12, 1), 1, date(2025, 1, 1)),
        (date(2024, 5, 10), 120, date(2034, 5, 10)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


# --- properties -----------------------------------------------------------------

limits = st.integers(min_value=1, max_value=6)
lengths = st.integers(min_value=1, max_value=800)
short_gaps = st.integers(min_value=0, max_value=GAP_DAYS)
starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1))


@given(limit=limits, days=lengths, gap=short_gaps, start=starts)
def test_a_limit_of_k_allows_exactly_k_terms_back_to_back(limit, days, gap, start):
    held: list[Term] = []
    for _ in range(limit):
        candidate = term(held[-1].last_day + timedelta(days=gap) if held else start, days)
        assert not exceeds_limit(held, candidate.starts_on, limit, candidate.last_day)
        held.append(candidate)
    following = held[-1].last_day + timedelta(days=gap)
    assert exceeds_limit(held, following, limit, following + timedelta(days=days))
    assert consecutive_terms(held, following) == limit


@given(count=st.integers(1, 6), days=lengths, gap=short_gaps, extra=st.integers(1, 2000))
def test_a_gap_longer_than_gap_days_resets_the_count(count, days, gap, extra):
    held = back_to_back(count, days=days, gap=gap)
    after = held[-1].last_day + timedelta(days=GAP_DAYS + extra)
    assert consecutive_terms(held, after) == 0
    assert not exceeds_limit(held, after, 1, after + timedelta(days=days))


def non_overlapping_terms() -> st.SearchStrategy[list[Term]]:
    """Terms one person held in one role: each starts after the last ended, with any gap."""
    return st.lists(st.tuples(st.integers(0, 3 * GAP_DAYS), lengths), min_size=0, max_size=8).map(
        lambda pairs: _chain(pairs),
    )


def _chain(pairs: list[tuple[int, int]]) -> list[Term]:
    held = []
    day = JAN_2020
    for gap, days in pairs:
        held.append(term(day + timedelta(days=gap), days))
        day = held[-1].last_day
    return held


@given(held=non_overlapping_terms(), seed=st.randoms(use_true_random=False))
def test_the_order_of_the_terms_does_not_matter(held, seed):
    shuffled = list(held)
    seed.shuffle(shuffled)
    probe = (held[-1].last_day if held else JAN_2020) + timedelta(days=10)
    for day in [t.starts_on for t in held] + [t.last_day for t in held] + [probe]:
        assert consecutive_terms(shuffled, day) == consecutive_terms(held, day)
        assert overlaps(shuffled, day, probe + timedelta(days=1)) == overlaps(
            held, day, probe + timedelta(days=1)
        )
    assert longest_run(shuffled) == longest_run(held) == reference_runs(held)


@given(held=non_overlapping_terms())
def test_the_count_before_a_term_is_its_place_in_its_run(held):
    # Walking the terms in order, the count before each is 0 after a long break
    # and one more than the previous term's otherwise.
    for index, current in enumerate(held):
        expected = 0
        if index and (current.starts_on - held[index - 1].last_day).days <= GAP_DAYS:
            expected = consecutive_terms(held, held[index - 1].starts_on) + 1
        assert consecutive_terms(held, current.starts_on) == expected


@given(
    a=st.tuples(starts, st.integers(1, 2000)),
    b=st.tuples(starts, st.integers(1, 2000)),
)
def test_overlap_is_detected_exactly_when_the_terms_share_a_day(a, b):
    first = term(a[0], a[1])
    second_start, second_end = b[0], b[0] + timedelta(days=b[1])
    shares_a_day = max(first.starts_on, second_start) < min(first.last_day, second_end)
    assert overlaps([first], second_start, second_end) is shares_a_day
    # and it is symmetric
    assert overlaps([term(b[0], b[1])], first.starts_on, first.last_day) is shares_a_day


@given(
    limit=limits,
    slots=st.lists(st.tuples(st.integers(0, 2 * GAP_DAYS), lengths), min_size=1, max_size=10),
    seed=st.randoms(use_true_random=False),
)
def test_recording_terms_in_any_order_never_makes_a_run_longer_than_the_limit(limit, slots, seed):
    # Terms are recorded after the fact, in any order, each checked as the service does.
    proposals = _chain(slots)
    seed.shuffle(proposals)
    accepted: list[Term] = []
    for proposal in proposals:
        if overlaps(accepted, proposal.starts_on, proposal.last_day):
            continue
        if exceeds_limit(accepted, proposal.starts_on, limit, proposal.last_day):
            continue
        accepted.append(proposal)
    assert reference_runs(accepted) <= limit
    assert longest_run(accepted) <= limit


@given(held=non_overlapping_terms())
def test_a_run_with_a_new_term_is_the_longest_run_of_the_terms_around_it(held):
    # Appending a term right after the last one: the run it makes is what longest_run sees.
    if not held:
        return
    new = term(held[-1].last_day, 30)
    assert run_length(held, new.starts_on, new.last_day) == longest_run_ending_with(held + [new])


def longest_run_ending_with(held: list[Term]) -> int:
    run = 1
    for earlier, later in zip(reversed(held[:-1]), reversed(held[1:]), strict=True):
        if (later.starts_on - earlier.last_day).days > GAP_DAYS:
            break
        run += 1
    return run


@given(day=starts, months=st.integers(0, 240))
def test_add_months_moves_by_whole_months_and_never_past_the_month(day, months):
    later = add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day <= day.day
    if later.day != day.day:  # a shorter month: its last day
        assert (later + timedelta(days=1)).day == 1
