"""The map part of the hub's API, under /api/v1/hub/."""

from ninja import Router

router = Router(tags=["hub"])
