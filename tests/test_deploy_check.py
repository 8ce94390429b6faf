"""Production settings pass Django's deployment checks and send the secure headers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# Fetches over HTTPS and plain HTTP with Django's test client, in the production settings.
FETCH = """
import json
from django.test import Client
client = Client(headers={"host": "bloc.example.org"})
secure = client.get("/api/v1/openapi.json", secure=True)
plain = client.get("/api/v1/openapi.json")
print(json.dumps({"secure": secure.status_code, "headers": dict(secure.headers),
                  "plain": plain.status_code, "location": plain.get("Location", "")}))
"""


def _production_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BLOC_", "PYTEST_"))
        and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS"}
    }
    env.update(
        {
            "BLOC_SECURE": "true",
            "BLOC_DEBUG": "false",
            "SECRET_KEY": "k" * 17 + "-production-secret-of-fifty-chars",
            "ALLOWED_HOSTS": "bloc.example.org",
            "BLOC_DATA_DIR": str(data_dir),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        }
    )
    assert len(env["SECRET_KEY"]) == 50
    return env


def _bloc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bloc", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["BLOC_DATA_DIR"],
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _bloc(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_answers_carry_hsts_and_redirect_to_https(tmp_path):
    result = _bloc(_production_env(tmp_path), "shell", "-c", FETCH)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["plain"] == 301
    assert answer["location"] == "https://bloc.example.org/api/v1/openapi.json"
    assert answer["secure"] == 200
    headers = answer["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
