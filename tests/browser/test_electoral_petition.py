"""Petitions in a real browser, on a 360 px screen, with and without JavaScript.

The petition, its people and a first sheet are made with the services (``bloc shell``;
a tag keeps this test's chapter, slugs and emails apart from the other tests'). A
circulator hands in a sheet through the form without JavaScript; an organizer types
its lines in, runs the check, and the public page shows the new counts. Every page is
checked with ``check_page`` (360 px, one <main>, one <h1>, axe-core where scripts run).
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
import textwrap
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_voting import server_now

pytestmark = pytest.mark.browser

PASSWORD = "signatures on the stoop"
LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button"

SETUP = """
import datetime, json
from django.utils import timezone
from bloc.actors import SYSTEM
from bloc.accounts.models import User
from bloc.institutions.services import chapter_create, chapter_organizer_add, institution_create
from bloc.membership.services import membership_join
from bloc.electoral.petitions import petition_create, sheet_log, signatures_enter

P = json.loads({params})
tag = P["tag"]
chapter = chapter_create(actor=SYSTEM, name="Petitioners " + tag, slug="pet-" + tag)
blocks = [
    institution_create(actor=SYSTEM, chapter=chapter, name=f"{{name}} {{tag}}",
                       slug=f"{{name.lower()}}-{{tag}}", kind="block_association",
                       addresses=[f"{{n}} {{name}} Street" for n in range(1, 20)])
    for name in ("Elm", "Oak")
]
def person(who, name, address=""):
    return User.objects.create_user(email=f"{{who}}-{{tag}}@example.org", password=P["password"],
                                    full_name=name, address=address)
olga = person("olga", "Olga Organizer")
chapter_organizer_add(actor=SYSTEM, chapter=chapter, user=olga)
cora = person("cora", "Cora Circulator", "7 Oak Street")
membership_join(actor=SYSTEM, institution=blocks[1], user=cora)
today = timezone.localdate()
petition = petition_create(actor=olga, chapter=chapter, kind="initiative",
                           title="Community land trust " + tag, jurisdiction=[blocks[0]],
                           target=40, deadline=today + datetime.timedelta(days=20))
first = sheet_log(actor=cora, petition=petition, label="E-1", signatures=2,
                  collected_on=today - datetime.timedelta(days=3))
signatures_enter(actor=olga, sheet=first, lines=[("Ana Pérez", "1 Elm Street"),
                                                 ("Bo Li", "2 Elm Street")])
print("RESULT=" + json.dumps({{"petition": petition.pk}}))
"""


def make_petition(server: Any, tag: str) -> int:
    params = json.dumps(json.dumps({"tag": tag, "password": PASSWORD}))
    script = textwrap.dedent(SETUP).format(params=params)
    output = server.run("shell", "-c", script).stdout
    found = re.search(r"^RESULT=(.*)$", output, re.MULTILINE)
    assert found, output
    return int(json.loads(found.group(1))["petition"])


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(PASSWORD)
    form.locator("button[type='submit']").click()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()


def log_out(page: Any) -> None:
    page.locator(LOGOUT_BUTTON).click()


def test_a_sheet_is_handed_in_entered_checked_and_counted(
    bloc_server: Any, page: Any, page_without_js: Any, check_page: Any
) -> None:
    tag = secrets.token_hex(3)
    petition = make_petition(bloc_server, tag)
    detail = f"/electoral/petitions/{petition}/"

    # A visitor reads the list and the petition: counts, no names.
    page.goto("/electoral/petitions/")
    check_page(page)
    page.get_by_role("link", name=f"Community land trust {tag}").click()
    expect(page.locator("#petition-collected")).to_have_text("2 on 1 sheet")
    expect(page.get_by_role("img", name=re.compile("Signatures of"))).to_be_visible()
    assert "Ana Pérez" not in page.content()
    check_page(page)

    # The circulator hands in a sheet without JavaScript.
    phone = page_without_js
    log_in(phone, f"cora-{tag}@example.org")
    phone.goto(detail)
    phone.get_by_role("link", name="Hand in a signature sheet").click()
    check_page(phone)
    phone.get_by_label("Sheet label or number").fill("E-2")
    phone.get_by_label("Signatures on the sheet").fill("2")
    yesterday = server_now().date() - datetime.timedelta(days=1)
    phone.get_by_label("Collected on").fill(yesterday.isoformat())
    phone.get_by_role("button", name="Log the sheet").click()
    expect(phone.locator(".messages")).to_contain_text("Sheet E-2 is logged with 2 signatures")
    check_page(phone)
    # A resident does not see the signers.
    assert phone.goto(f"{detail}signatures/").status == 403

    # The organizer types its lines and runs the check.
    log_in(page, f"olga-{tag}@example.org")
    page.goto(f"{detail}signatures/")
    check_page(page)
    page.get_by_role("link", name="Enter sheet E-2").click()
    check_page(page)
    page.get_by_label("Line 1: name").fill("ANA PEREZ")
    page.get_by_label("Line 1: address").fill("1 Elm St.")
    page.get_by_label("Line 2: name").fill("Cy Ray")
    page.get_by_label("Line 2: address").fill("5 Oak Street")
    page.get_by_role("button", name="Save the signatures").click()
    expect(page.locator(".messages")).to_contain_text("2 signatures of sheet E-2 are entered")
    page.get_by_role("button", name="Run the check").click()
    expect(page.locator(".messages")).to_contain_text(
        "Of 4 signatures checked: valid 2, duplicates 1, outside the jurisdiction 1."
    )
    check_page(page)

    # The public page: 4 handed in, 2 of 4 valid; 4 × 50% projects 2 of 40.
    log_out(page)
    page.goto(detail)
    expect(page.locator("#petition-collected")).to_have_text("4 on 2 sheets")
    expect(page.locator("#petition-valid")).to_have_text("2")
    expect(page.locator("#petition-projected")).to_contain_text("2 (from")
    expect(page.locator("#petition-projection")).to_contain_text("falls short of the target")
    check_page(page)
