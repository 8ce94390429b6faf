"""The OpenAPI schema is snapshotted so that every API change shows up in review.

After an intended change, rewrite the snapshot with
``BLOC_UPDATE_SNAPSHOTS=1 python -m pytest tests/api/test_openapi_snapshot.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).with_name("openapi.json")


@pytest.mark.django_db
def test_the_openapi_schema_matches_the_snapshot(client):
    schema = client.get("/api/v1/openapi.json").json()
    text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("BLOC_UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text(), (
        "The API changed. If that is intended, run with BLOC_UPDATE_SNAPSHOTS=1 and commit "
        "tests/api/openapi.json."
    )
