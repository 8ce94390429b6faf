"""Events in the JSON API (mounted under /api/v1/institutions)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["events"])
