"""Ballots and options in the reader's words: motions' fixed options translated."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bloc.core.ballot_entry import APPROVAL, CHOICE, RANKED
from bloc.core.polls import PollSpec, is_motion

#: Motions' options by the names the ballot files use (and the counts' keys).
MOTION_LABELS = {
    "for": gettext_lazy("For"),
    "against": gettext_lazy("Against"),
    "abstain": gettext_lazy("Abstain"),
    "consent": gettext_lazy("Consent"),
    "stand aside": gettext_lazy("Stand aside"),
    "stand_aside": gettext_lazy("Stand aside"),
    "block": gettext_lazy("Block"),
}


def motion_label(name: str) -> str:
    return str(MOTION_LABELS.get(name, name))


def option_labels(spec: PollSpec) -> list[str]:
    """The options as people read them."""
    if is_motion(spec.rule):
        return [motion_label(name) for name in spec.options]
    return list(spec.options)


def ballot_text(spec: PollSpec, content: str, labels: list[str] | None = None) -> str:
    """A canonical ballot in words, e.g. "1. Ana, 2. Bo" or "For"."""
    names = labels if labels is not None else option_labels(spec)
    data = json.loads(content)
    if spec.kind == CHOICE:
        return names[data]
    if spec.kind == RANKED:
        return ", ".join(f"{rank}. {names[o]}" for rank, o in enumerate(data, 1)) or _("(empty)")
    if spec.kind == APPROVAL:
        return ", ".join(names[o] for o in data) or _("(empty)")
    scores = sorted(data.items(), key=lambda item: int(item[0]))
    return ", ".join(f"{names[int(o)]}: {v}" for o, v in scores) or _("(empty)")
