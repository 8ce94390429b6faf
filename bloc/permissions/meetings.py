"""Rules about meetings."""

from __future__ import annotations
