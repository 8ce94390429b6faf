"""Emails about polls: when a vote opens, and a day before it closes."""

from __future__ import annotations

from datetime import datetime

from bloc.decisions.models import Poll


def notify_poll_opened(poll: Poll) -> int:
    return 0


def remind_poll_closing(*, now: datetime) -> int:
    return 0
