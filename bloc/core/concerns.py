"""A concern's life cycle, as plain rules the services enforce.

reported → acknowledged → in progress → resolved. A concern still open (reported,
acknowledged or in progress) may be declined instead; resolved and declined are
final. Closing a concern (resolved or declined) needs a public word on why.
"""

from __future__ import annotations

REPORTED = "reported"
ACKNOWLEDGED = "acknowledged"
IN_PROGRESS = "in_progress"
RESOLVED = "resolved"
DECLINED = "declined"

STATES = (REPORTED, ACKNOWLEDGED, IN_PROGRESS, RESOLVED, DECLINED)

TRANSITIONS: dict[str, frozenset[str]] = {
    REPORTED: frozenset({ACKNOWLEDGED, DECLINED}),
    ACKNOWLEDGED: frozenset({IN_PROGRESS, DECLINED}),
    IN_PROGRESS: frozenset({RESOLVED, DECLINED}),
    RESOLVED: frozenset(),
    DECLINED: frozenset(),
}

#: Moving to these states needs an update saying why (what was done, or why not).
NEEDS_TEXT = frozenset({RESOLVED, DECLINED})

OPEN = frozenset({REPORTED, ACKNOWLEDGED, IN_PROGRESS})


class ConcernProblem(ValueError):
    """A transition is refused. Codes: ``not_allowed`` (``current``, ``target``),
    ``text_required`` (``target``)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


def next_states(current: str) -> tuple[str, ...]:
    """The states a concern may move to from ``current``, in the order of the path."""
    allowed = TRANSITIONS.get(current, frozenset())
    return tuple(state for state in STATES if state in allowed)


def check_transition(current: str, target: str, text: str) -> None:
    """Raise ``ConcernProblem`` unless ``current → target`` is allowed with this update."""
    if current not in TRANSITIONS or target not in TRANSITIONS[current]:
        raise ConcernProblem("not_allowed", current=current, target=target)
    if target in NEEDS_TEXT and not text.strip():
        raise ConcernProblem("text_required", target=target)
