"""Rules about events."""

from __future__ import annotations
