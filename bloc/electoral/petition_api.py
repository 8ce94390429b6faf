"""The electoral petition endpoints (mounted under /api/v1/electoral; filled in by issue 10)."""

from ninja import Router

router = Router(tags=["electoral"])
