"""An institution's bylaws settings: the rules bloc enforces and the charter reads.

Settings are versioned with the bylaws text (every version kept). They are
plain data here so that the charter, the roles' term limits and the
vouching rules all read the same values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

STANDARD_ROLES = ("facilitator", "secretary", "treasurer", "delegate")
_ROLE_SLUG = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")


@dataclass(frozen=True)
class BylawsSettings:
    """The enforceable part of the bylaws. ``None`` means "the bylaws say nothing"."""

    open_membership: bool = True  # every resident of the area may join
    one_member_one_vote: bool = True  # no weighting by units, shares or dues
    quorum_percent: int | None = None  # share of verified members needed to decide
    term_months: int | None = None  # length of a role's term
    term_limit: int | None = None  # most consecutive terms in one role
    recall: bool = False  # members can recall any role-holder
    public_records: bool = False  # agendas and minutes are public
    member_decisions: bool = True  # decisions by the members, not a board
    vouches_required: int = 2  # verified neighbours needed to vouch for a resident
    vouches_per_month: int = 3  # most vouches one member may give in 30 days
    letter_code_days: int = 60  # how long a residency letter's code works
    min_discussion_hours: int = 72  # a proposal is discussed this long before a vote
    who_moves_to_vote: str = "author"  # author | facilitator | any_member
    default_rule: str = "majority"  # the counting rule a new poll starts with
    vote_change_allowed: bool = True  # open ballots may be changed until the poll closes
    custom_roles: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["custom_roles"] = list(self.custom_roles)
        return data

    @property
    def roles(self) -> tuple[str, ...]:
        return STANDARD_ROLES + tuple(r for r in self.custom_roles if r not in STANDARD_ROLES)


class BylawsSettingsError(ValueError):
    """Invalid settings; ``problems`` maps each field to a code saying what is wrong:
    ``unknown``, ``not_bool``, ``not_int``, ``not_int_or_empty``, ``out_of_range``
    (see ``BOUNDS``), ``not_a_choice`` (see ``CHOICES``) or ``bad_roles``."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


#: The settings that take one of a few words, and the words.
CHOICES: dict[str, tuple[str, ...]] = {
    "who_moves_to_vote": ("author", "facilitator", "any_member"),
    "default_rule": (
        "majority",
        "supermajority",
        "consensus",
        "approval",
        "score",
        "irv",
        "stv",
        "schulze",
    ),  # fmt: skip
}

BOUNDS: dict[str, tuple[int, int]] = {
    "quorum_percent": (1, 100),
    "term_months": (1, 120),
    "term_limit": (1, 20),
    "vouches_required": (1, 10),
    "vouches_per_month": (1, 50),
    "letter_code_days": (1, 365),
    "min_discussion_hours": (0, 720),
}


def parse_settings(raw: Mapping[str, Any] | None) -> BylawsSettings:
    """Validate stored or submitted settings; unknown keys and bad values are refused.

    Missing keys take their defaults, so settings saved by an older bloc still read.
    """
    raw = dict(raw or {})
    known = {f.name for f in fields(BylawsSettings)}
    problems: dict[str, str] = {}
    for key in sorted(set(raw) - known):
        problems[key] = "unknown"
    values: dict[str, Any] = {}
    defaults = BylawsSettings()
    for name in known & set(raw):
        value = raw[name]
        default = getattr(defaults, name)
        if name == "custom_roles":
            roles = list(value) if isinstance(value, list | tuple) else None
            if roles is None or not all(isinstance(r, str) and _ROLE_SLUG.match(r) for r in roles):
                problems[name] = "bad_roles"
            else:
                values[name] = tuple(dict.fromkeys(roles))
        elif name in CHOICES:
            if value not in CHOICES[name]:
                problems[name] = "not_a_choice"
            else:
                values[name] = value
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                problems[name] = "not_bool"
            else:
                values[name] = value
        else:
            nullable = default is None
            if value is None and nullable:
                values[name] = None
            elif isinstance(value, bool) or not isinstance(value, int):
                problems[name] = "not_int_or_empty" if nullable else "not_int"
            else:
                low, high = BOUNDS[name]
                if not low <= value <= high:
                    problems[name] = "out_of_range"
                else:
                    values[name] = value
    if problems:
        raise BylawsSettingsError(problems)
    return BylawsSettings(**values)
