"""What the budgeting tests share: where the Pabulib reference data is, and a loader."""

import json
from functools import cache
from pathlib import Path

from bloc.core.budgeting.election import Election
from bloc.core.budgeting.pabulib import read_election

PB_DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "pb"
REFERENCE = json.loads((PB_DATA / "REFERENCE.json").read_text(encoding="utf-8"))
PB_FILES = sorted(p.name for p in PB_DATA.glob("*.pb"))


@cache
def load_election(name: str) -> Election:
    """A reference file's election, read once per test session (Election is immutable)."""
    return read_election(PB_DATA / name)


def reference_cases(prefix: str = "") -> list[tuple[str, str]]:
    """(file, rule) for every rule in REFERENCE.json whose name starts with ``prefix``."""
    return [
        (name, rule)
        for name, entry in REFERENCE.items()
        if not name.startswith("_")
        for rule in entry["rules"]
        if rule.startswith(prefix)
    ]
