"""Petition signatures: validity checks and the projection of valid signatures.

Circulators hand in sheets; each signature is a name and an address. A signature is
invalid when it repeats an earlier one (same normalised name at the same normalised
address) or its address is outside the jurisdiction. Checking every signature is not
always possible: the projection applies the validity rate observed on the checked
ones to all collected, with a 95% Wilson interval for the rate, so the campaign sees
how sure the projection is.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bloc.core.addresses import normalize


@dataclass(frozen=True)
class Signature:
    name: str
    address: str
    sheet: str = ""


@dataclass(frozen=True)
class Checked:
    valid: int
    duplicates: int
    outside: int

    @property
    def checked(self) -> int:
        return self.valid + self.duplicates + self.outside


def _name_key(name: str) -> str:
    """Case and accents dropped (José = jose), every script's letters kept (王伟)."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def check(
    signatures: Iterable[Signature], inside: Callable[[str], bool]
) -> tuple[Checked, list[str]]:
    """Count valid, duplicate and outside signatures; also each one's verdict, in order
    (``valid`` | ``duplicate`` | ``outside``). The first of two equal signatures is the
    valid one."""
    seen: set[tuple[str, str]] = set()
    verdicts: list[str] = []
    for s in signatures:
        key = (_name_key(s.name), normalize(s.address))
        if key in seen:
            verdicts.append("duplicate")
        elif not inside(s.address):
            verdicts.append("outside")
        else:
            seen.add(key)
            verdicts.append("valid")
    return (
        Checked(verdicts.count("valid"), verdicts.count("duplicate"), verdicts.count("outside")),
        verdicts,
    )


@dataclass(frozen=True)
class Projection:
    collected: int
    rate: float | None  # observed validity rate on the checked signatures
    low: float | None  # 95% Wilson interval of the rate
    high: float | None
    projected: int | None  # collected x rate, rounded down
    projected_low: int | None
    projected_high: int | None
    target: int

    @property
    def on_track(self) -> bool | None:
        return None if self.projected is None else self.projected >= self.target


def wilson(valid: int, checked: int, z: float = 1.959963984540054) -> tuple[float, float]:
    if checked <= 0:
        raise ValueError("nothing checked")
    p = valid / checked
    denominator = 1 + z * z / checked
    centre = (p + z * z / (2 * checked)) / denominator
    half = z * math.sqrt(p * (1 - p) / checked + z * z / (4 * checked * checked)) / denominator
    # At 0 and 1 the bound is the rate itself (rounding would leave a hair's breadth).
    low = 0.0 if valid == 0 else max(0.0, centre - half)
    high = 1.0 if valid == checked else min(1.0, centre + half)
    return low, high


def project(collected: int, checked: Checked, target: int) -> Projection:
    if collected < 0 or target < 0:
        raise ValueError("counts cannot be negative")
    if checked.checked == 0:
        return Projection(collected, None, None, None, None, None, None, target)
    rate = checked.valid / checked.checked
    low, high = wilson(checked.valid, checked.checked)
    return Projection(
        collected=collected,
        rate=rate,
        low=low,
        high=high,
        projected=math.floor(collected * rate),
        projected_low=math.floor(collected * low),
        projected_high=math.floor(collected * high),
        target=target,
    )
