"""Security headers on pages and API answers, and no inline script or style to allow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from bloc.security import content_security_policy, tile_origin

TEMPLATES = Path(__file__).resolve().parents[1] / "bloc"
# Printed to PDF by WeasyPrint, never served to a browser: their <style> is fine.
PRINTED = {
    "letters.html",
    "pdf_signin.html",
    "pdf_agenda.html",
    "pdf_ballots.html",
    "pdf_roster.html",
    "walk_sheet.html",
    "platform_print.html",
}
STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: https://tile.openstreetmap.org; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@pytest.mark.parametrize("url", ["/", "/api/v1/openapi.json", "/api/v1/docs", "/admin/login/"])
@pytest.mark.django_db
def test_every_answer_carries_the_strict_policy_and_the_other_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # BLOC_SECURE is off in tests


@pytest.mark.django_db
def test_hsts_and_secure_cookies_when_secure(settings):
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a new handler: the middleware reads the settings above
    assert client.get("/api/v1/openapi.json").status_code == 301  # plain HTTP goes to HTTPS
    response = client.get("/api/v1/openapi.json", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["Content-Security-Policy"] == STRICT


def test_the_map_tiles_host_is_the_only_other_image_source():
    assert tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert tile_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == (
        "https://*.tiles.example.org"
    )
    assert tile_origin("") == ""
    assert tile_origin("javascript:alert(1)") == ""
    assert "img-src 'self' data:;" in content_security_policy(map_tiles="")


def _page_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.glob("**/templates/**/*.html") if p.name not in PRINTED)


@pytest.mark.parametrize("template", _page_templates(), ids=lambda p: p.name)
def test_no_page_template_has_inline_script_or_style(template):
    text = template.read_text()
    where = template.relative_to(TEMPLATES)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", text), where
    assert not re.search(r"\son[a-z]+\s*=", text), f"{where}: an inline event handler"
    assert "javascript:" not in text, where
    assert "<style" not in text, f"{where}: move the <style> to a CSS file"
    assert not re.search(r"\sstyle\s*=", text), f"{where}: use a CSS class, not style="


def test_no_python_module_builds_an_inline_style_or_handler():
    for module in sorted(TEMPLATES.glob("**/*.py")):
        if "migrations" in module.parts:
            continue
        text = module.read_text()
        where = module.relative_to(TEMPLATES)
        assert not re.search(r"""\sstyle=["'{]|["']style["']\s*:""", text), where
        assert not re.search(r"""\son[a-z]+=["'{]""", text), where
