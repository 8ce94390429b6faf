"""The Content Security Policy in a real browser: nothing of bloc's is blocked, and the
guard in conftest.py notices when something is."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_guard_notices_an_inline_style(page):
    page.goto("/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    assert any("style" in v for v in page.bloc_csp_violations), page.bloc_csp_violations
    page.bloc_csp_violations.clear()  # seen: the test passes


def test_the_api_documentation_works_under_the_policy(page):
    page.goto("/api/v1/docs")
    page.get_by_text("/api/v1/institutions/").first.wait_for()
    assert page.bloc_csp_violations == []


def test_the_admin_works_under_the_policy(page):
    page.goto("/admin/login/")
    page.get_by_label("Email").wait_for()
    assert page.bloc_csp_violations == []
