"""Rules about concerns."""

from __future__ import annotations
