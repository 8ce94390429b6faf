"""After collectstatic (production), static files go out compressed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_collected_static_files_are_served_gzipped(tmp_path):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update({"BLOC_DATA_DIR": str(tmp_path), "BLOC_COLLECTED_STATIC": "true",
                "PYTHONPATH": str(REPO)})  # fmt: skip
    bloc = [sys.executable, "-m", "bloc"]
    subprocess.run([*bloc, "collectstatic", "--no-input", "-v", "0"], env=env, check=True)  # noqa: S603
    assert (tmp_path / "static" / "bloc" / "bloc.css.gz").exists()
    script = (
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='localhost').get('/static/bloc/bloc.css',"
        " HTTP_ACCEPT_ENCODING='gzip')\n"
        "print(r.status_code, r.get('Content-Encoding'))\n"
    )
    done = subprocess.run(  # noqa: S603
        [*bloc, "shell", "-c", script], env=env, check=True, capture_output=True, text=True
    )
    assert done.stdout.strip().splitlines()[-1] == "200 gzip"
