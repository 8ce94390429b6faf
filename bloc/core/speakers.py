"""The speakers' queue: who speaks next, under the meeting's chosen ordering.

Three orderings, each a total order (ties end in the order of joining, so the
same queue always comes out the same):

* ``first_come``: in the order people joined the queue.
* ``fewest_spoken``: who has taken fewest turns in this meeting first, then who has
  spoken least time in it, then least time over the last meetings, then first come.
* ``progressive``: as ``fewest_spoken``, but among people with the same number of
  turns, those who said they belong to a group that is less heard go first. A
  first-time speaker still goes before anyone speaking again: the stack corrects
  who is heard, it does not let anyone speak twice before others speak once.

Only the effect on the order is ever shown; ``less_heard`` stays with the
facilitator's screen and this function.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FIRST_COME, FEWEST_SPOKEN, PROGRESSIVE = "first_come", "fewest_spoken", "progressive"
ORDERINGS = (FIRST_COME, FEWEST_SPOKEN, PROGRESSIVE)


@dataclass(frozen=True)
class Waiting:
    """Someone in the queue. ``joined`` orders joining (smaller joined earlier)."""

    who: int
    joined: int
    turns: int = 0  # turns taken in this meeting
    seconds: float = 0.0  # time spoken in this meeting
    recent_seconds: float = 0.0  # time spoken over the last meetings
    less_heard: bool = False

    def __post_init__(self) -> None:
        if self.turns < 0 or self.seconds < 0 or self.recent_seconds < 0:
            raise ValueError("turns and speaking times cannot be negative")


def order(waiting: Iterable[Waiting], ordering: str) -> list[Waiting]:
    """The queue in speaking order. Raises ``ValueError`` for an unknown ordering or a
    person waiting twice."""
    people = list(waiting)
    if len({p.who for p in people}) != len(people):
        raise ValueError("someone is in the queue twice")
    if ordering == FIRST_COME:
        return sorted(people, key=lambda p: (p.joined, p.who))
    if ordering == FEWEST_SPOKEN:
        return sorted(people, key=lambda p: (p.turns, p.seconds, p.recent_seconds, p.joined, p.who))
    if ordering == PROGRESSIVE:
        return sorted(
            people,
            key=lambda p: (
                p.turns,
                not p.less_heard,
                p.seconds,
                p.recent_seconds,
                p.joined,
                p.who,
            ),
        )
    raise ValueError(f"unknown ordering {ordering!r}; known: {', '.join(ORDERINGS)}")


@dataclass(frozen=True)
class Share:
    """A group's share of the speaking time against its share of attendance."""

    group: str
    attendees: int
    seconds: float
    attendance_share: float
    speaking_share: float

    @property
    def ratio(self) -> float | None:
        """Speaking share over attendance share (1 = heard in proportion)."""
        return self.speaking_share / self.attendance_share if self.attendance_share else None


def speaking_shares(attendees: dict[int, str], spoken: dict[int, float]) -> list[Share]:
    """Per self-described group: attendees, seconds spoken and both shares.

    ``attendees`` maps each attendee to their group (``""`` for those who did not
    say); ``spoken`` maps people to seconds spoken (people who spoke but are not in
    ``attendees`` are counted under ``""``). Groups sorted by name.
    """
    total_people = len(attendees)
    total_seconds = sum(spoken.values())
    groups: dict[str, list[float]] = {}
    for group in attendees.values():
        groups.setdefault(group, [0, 0.0])[0] += 1
    for person, seconds in spoken.items():
        if seconds < 0:
            raise ValueError("speaking time cannot be negative")
        groups.setdefault(attendees.get(person, ""), [0, 0.0])[1] += seconds
    return [
        Share(
            group=name,
            attendees=int(count),
            seconds=seconds,
            attendance_share=count / total_people if total_people else 0.0,
            speaking_share=seconds / total_seconds if total_seconds else 0.0,
        )
        for name, (count, seconds) in sorted(groups.items())
    ]
