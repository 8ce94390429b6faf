"""Membership and residency in a real browser, on the demo chapter.

People join Maple Street Block Association and have their residency verified
in each of the three ways: in person by a facilitator, by two verified
neighbors who vouch, and with the code of a printed letter (downloaded from the
letters page, or printed with ``bloc letters``, and read back with pypdf). A
member of a board-run HOA sees how far it is from the democratic charter. An
address outside the area is refused. Joining and entering a code also work
with JavaScript off.

Every page is checked at 360 px (no sideways scrolling, one <main>, one <h1>)
and, where JavaScript runs, with axe-core. The demo logins are those of
bloc/demo/loader.py; each test signs up new residents of its own, at its own
address, so the tests do not depend on each other's order.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser

PASSWORD = "a porch light left on"
DEMO_PASSWORD = "bloc-demo-2026"
FACILITATOR = "facilitator@demo.bloc.example"  # Marcus Green, facilitator of Maple Street
SECRETARY = "secretary@demo.bloc.example"  # Lucía Herrera, verified; her pages are in Spanish
RESIDENT = "resident@demo.bloc.example"  # Sam Okafor, verified member of Maple Street

MAPLE = "Maple Street Block Association"
MAPLE_SLUG = "maple-street-block"
WILLOW = "Willow Creek Homeowners' Association"

# A letter's code: 12 symbols of bloc's alphabet in groups of 4 (residency_letters.py).
CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")
LETTER_CODE_URL = re.compile(r"https?://\S+/letter-code/")

LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button"


# --- what a person does -------------------------------------------------------


def unique_email(name: str) -> str:
    # The local part in plain ASCII: "Tomás Ruiz" signs up as tomas-1a2b3c4d@example.org.
    tag = unicodedata.normalize("NFKD", name.split()[0]).encode("ascii", "ignore").decode()
    return f"{tag.lower()}-{secrets.token_hex(4)}@example.org"


def sign_up(page: Any, check_page: Any, *, name: str, address: str) -> str:
    """Sign up through the form, with a home address; returns the new email."""
    email = unique_email(name)
    page.goto("/")
    check_page(page)
    page.locator("header nav").get_by_role("link", name="Sign up").click()
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("Your name").fill(name)
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Password again").fill(PASSWORD)
    form.get_by_label("Home address (optional)").fill(address)
    form.get_by_label("Language").select_option("en")
    form.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()
    check_page(page)
    return email


def log_in(page: Any, check_page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/")
    page.locator("header nav").get_by_role("link", name="Log in").click()
    check_page(page)
    # By field name, not label: some demo people read bloc in Spanish.
    form = page.locator("main form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(password)
    form.locator("button[type='submit']").click()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()
    check_page(page)


def open_institution(page: Any, check_page: Any, name: str) -> None:
    """From the header, through the list of institutions, to the institution's page."""
    page.locator("header nav a[href$='/institutions/']").click()
    expect(page).to_have_url(re.compile(r"/institutions/$"))
    check_page(page)
    page.locator("main").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    check_page(page)


def open_sub_page(page: Any, check_page: Any, link: str) -> None:
    """A page of the institution, through its sub-navigation (Members, Residency letters ...)."""
    page.locator("main nav.sub-nav").get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state("load")
    check_page(page)


def join(page: Any, check_page: Any, institution: str, address: str) -> None:
    """On the institution's page: Join, check the address the form offers, confirm."""
    page.locator("main").get_by_role("link", name=f"Join {institution}").click()
    expect(page.get_by_role("heading", level=1, name=f"Join {institution}")).to_be_visible()
    check_page(page)
    address_field = page.locator("main form").get_by_label("Your address")
    expect(address_field).to_have_value(address)  # from the profile
    page.locator("main form").get_by_role("button", name="Join", exact=True).click()


def expect_joined_unverified(page: Any, check_page: Any, institution: str) -> None:
    expect(page.get_by_role("heading", level=1, name=institution)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"You joined {institution}.")
    membership = page.locator("main section", has=page.locator("#membership-heading"))
    expect(membership).to_contain_text("Your residency is not verified yet")
    expect(membership.get_by_role("link", name="Enter a letter's code")).to_be_visible()
    check_page(page)


def expect_verified(page: Any) -> None:
    membership = page.locator("main section", has=page.locator("#membership-heading"))
    expect(membership).to_contain_text("You are a member; your residency was verified on")
    expect(membership.get_by_role("link", name="Enter a letter's code")).to_have_count(0)


def member_row(page: Any, name: str) -> Any:
    row = page.locator("main table tbody tr").filter(has_text=name)
    expect(row).to_have_count(1)
    return row


def letter_codes(pdf: Path) -> tuple[int, str, list[str], list[str]]:
    """(pages, text, codes, letter-code URLs) of a PDF of letters."""
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), text, CODE.findall(text), LETTER_CODE_URL.findall(text)


# --- the scenarios ------------------------------------------------------------


def test_resident_joins_and_facilitator_verifies_in_person(
    page: Any, another_page: Any, demo_server: Any, check_page: Any
) -> None:
    name = "Nia Brooks"
    sign_up(page, check_page, name=name, address="120 Maple Street")
    open_institution(page, check_page, MAPLE)
    join(page, check_page, MAPLE, "120 Maple Street")
    expect_joined_unverified(page, check_page, MAPLE)

    # The facilitator, in a browser of their own, verifies her on the members page.
    facilitator = another_page()
    log_in(facilitator, check_page, FACILITATOR)
    open_institution(facilitator, check_page, MAPLE)
    open_sub_page(facilitator, check_page, "Members")
    expect(facilitator.get_by_role("heading", level=1, name=f"Members of {MAPLE}")).to_be_visible()
    row = member_row(facilitator, name)
    expect(row).to_contain_text("120 Maple Street")  # facilitators see the address
    expect(row).to_contain_text("Not verified")
    row.get_by_role("button", name="Verify in person").click()
    expect(facilitator.get_by_role("status")).to_contain_text(f"{name}'s residency is verified.")
    row = member_row(facilitator, name)
    expect(row).to_contain_text("Verified: In person, by a facilitator")
    expect(row.get_by_role("button", name="Verify in person")).to_have_count(0)
    expect(row.get_by_role("button", name="Withdraw verification")).to_be_visible()
    check_page(facilitator)

    # Her page now says so.
    page.reload()
    expect_verified(page)
    check_page(page)


def test_letter_code_from_the_letters_page_works_once(
    page: Any, another_page: Any, demo_server: Any, check_page: Any, tmp_path: Path
) -> None:
    address = "122 Maple Street"
    sign_up(page, check_page, name="Omar Haddad", address=address)
    open_institution(page, check_page, MAPLE)
    join(page, check_page, MAPLE, address)
    expect_joined_unverified(page, check_page, MAPLE)

    # The facilitator prints the letter for that address from the letters page.
    facilitator = another_page()
    log_in(facilitator, check_page, FACILITATOR)
    open_institution(facilitator, check_page, MAPLE)
    open_sub_page(facilitator, check_page, "Residency letters")
    expect(
        facilitator.get_by_role("heading", level=1, name=f"Residency letters of {MAPLE}")
    ).to_be_visible()
    form = facilitator.locator("main form")
    form.get_by_label("Paper size").select_option("letter")
    form.get_by_label("Language of the letters").select_option("en")
    form.get_by_label("Only these addresses (optional)").fill(address)
    with facilitator.expect_download() as download_info:
        form.get_by_role("button", name="Download the letters (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"letters-{MAPLE_SLUG}-")
    assert download.suggested_filename.endswith(".pdf")
    pdf = tmp_path / "letters.pdf"
    download.save_as(pdf)

    pages, text, codes, urls = letter_codes(pdf)
    assert pages == 1, f"one address, one page; got {pages}"
    assert address in text
    assert len(codes) == 1, f"want one code in the letter, found {codes}:\n{text}"
    assert urls, f"the letter gives no address to enter the code at:\n{text}"
    code = codes[0]

    # The batch is listed on the letters page, newest first: one letter, no code used yet.
    facilitator.reload()
    batches = facilitator.locator("main section", has=facilitator.locator("#batches-heading"))
    newest = batches.locator("tbody tr").first
    expect(newest.locator("td.num")).to_have_text(["1", "0"])
    check_page(facilitator)

    # The resident goes to the address on the letter and types the code, sloppily.
    page.goto(urls[0])
    expect(
        page.get_by_role("heading", level=1, name=f"Enter your letter's code for {MAPLE}")
    ).to_be_visible()
    check_page(page)
    sloppy = code.lower().replace("-", " ")
    page.locator("main form").get_by_label("The code on your letter").fill(sloppy)
    page.locator("main form").get_by_role("button", name="Verify my residency").click()
    expect(page.get_by_role("heading", level=1, name=MAPLE)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        f"Thank you. Your residency in {MAPLE} is verified by letter."
    )
    expect_verified(page)
    check_page(page)

    # A housemate joins and tries the same code: refused, and still not verified.
    housemate = another_page()
    sign_up(housemate, check_page, name="Leila Haddad", address=address)
    open_institution(housemate, check_page, MAPLE)
    join(housemate, check_page, MAPLE, address)
    expect_joined_unverified(housemate, check_page, MAPLE)
    housemate.locator("main").get_by_role("link", name="Enter a letter's code").click()
    check_page(housemate)
    code_field = housemate.locator("main form").get_by_label("The code on your letter")
    code_field.fill(code)
    housemate.locator("main form").get_by_role("button", name="Verify my residency").click()
    expect(housemate.get_by_role("alert")).to_be_visible()
    expect(housemate.locator("main .field-error")).to_contain_text(
        "That code has already been used: each code works once."
    )
    expect(code_field).to_have_attribute("aria-invalid", "true")
    check_page(housemate)
    housemate.locator("main").get_by_role("link", name="Back to the institution").click()
    membership = housemate.locator("main section", has=housemate.locator("#membership-heading"))
    expect(membership).to_contain_text("Your residency is not verified yet")
    check_page(housemate)

    # The facilitator sees the code used.
    facilitator.reload()
    expect(newest.locator("td.num")).to_have_text(["1", "1"])
    check_page(facilitator)


def test_two_verified_neighbors_vouch(
    page: Any, another_page: Any, demo_server: Any, check_page: Any
) -> None:
    name = "Tomás Ruiz"
    sign_up(page, check_page, name=name, address="124 Maple Street")
    open_institution(page, check_page, MAPLE)
    join(page, check_page, MAPLE, "124 Maple Street")
    expect_joined_unverified(page, check_page, MAPLE)

    # The first verified neighbor vouches: one vouch of the two the bylaws ask for.
    resident = another_page()
    log_in(resident, check_page, RESIDENT)
    open_institution(resident, check_page, MAPLE)
    open_sub_page(resident, check_page, "Members")
    row = member_row(resident, name)
    expect(row).not_to_contain_text("124 Maple Street")  # only facilitators see addresses
    row.get_by_role("button", name="Vouch: lives here").click()
    expect(resident.get_by_role("status")).to_contain_text(f"You vouched for {name}.")
    row = member_row(resident, name)
    expect(row.locator("td.num")).to_have_text("1")
    expect(row).to_contain_text("Not verified")
    expect(row.get_by_role("button", name="Withdraw my vouch")).to_be_visible()
    check_page(resident)

    page.reload()
    expect(page.locator("main")).to_contain_text("Your residency is not verified yet")
    check_page(page)

    # The second one reads bloc in Spanish: the same button, by the form it sends.
    secretary = another_page()
    log_in(secretary, check_page, SECRETARY)
    expect(secretary.locator("html")).to_have_attribute("lang", "es")
    open_institution(secretary, check_page, MAPLE)
    secretary.locator(f"main nav.sub-nav a[href$='/institutions/{MAPLE_SLUG}/members/']").click()
    check_page(secretary)
    row = member_row(secretary, name)
    row.locator("form[action$='/vouch/'] button").click()
    expect(secretary.get_by_role("status")).to_contain_text(name)
    row = member_row(secretary, name)
    expect(row.locator("td.num")).to_have_text("2")
    expect(row.locator("form[action$='/vouch/']")).to_have_count(0)
    check_page(secretary)

    # Two vouches: verified by vouching.
    page.reload()
    expect_verified(page)
    check_page(page)
    open_sub_page(page, check_page, "Members")
    expect(member_row(page, name)).to_contain_text("Verified: Vouched for by verified neighbors")
    resident.reload()
    expect(member_row(resident, name)).to_contain_text("Verified")
    check_page(resident)


def test_charter_page_shows_missing_points(page: Any, demo_server: Any, check_page: Any) -> None:
    # A homeowner of Willow Creek Lane joins the board-run HOA.
    sign_up(page, check_page, name="June Park", address="1 Willow Creek Lane")
    open_institution(page, check_page, WILLOW)
    join(page, check_page, WILLOW, "1 Willow Creek Lane")
    expect_joined_unverified(page, check_page, WILLOW)

    open_sub_page(page, check_page, "Democratic charter")
    expect(
        page.get_by_role("heading", level=1, name=f"{WILLOW} and the democratic charter")
    ).to_be_visible()
    main = page.locator("main")
    expect(main.locator(".charter-score")).to_have_text("0 out of 100")
    expect(main.locator(".charter-tally")).to_contain_text("Missing: 7")
    missing = {
        "Open membership for every resident of the area": "do not open membership",
        "One member, one vote": "weigh votes by something other than membership",
        "A quorum rule": "set no quorum",
        "Rotation of roles with term limits": "neither a term length nor a term limit",
        "Recall of any role-holder": "no way to recall",
        "Public agendas and minutes": "do not make agendas and minutes public",
        "Decisions by the members, not a board": "let a board or a few officers decide",
    }
    points = main.locator("ol.charter-points > li")
    expect(points).to_have_count(len(missing))
    for point_name, reason in missing.items():
        point = points.filter(has=page.get_by_role("heading", level=3, name=point_name))
        expect(point).to_have_count(1)
        expect(point.locator(".charter-status")).to_contain_text("Missing")
        expect(point).to_contain_text(reason)
    next_step = main.locator("section", has=page.locator("#next-heading"))
    expect(next_step).to_contain_text("Adopt the charter")
    # A member who is not a facilitator is told who records an adoption; no form.
    expect(main.get_by_role("button", name="Record the adoption of the charter")).to_have_count(0)
    expect(main).to_contain_text("a facilitator then records the decision here")


def test_address_outside_the_area_is_refused(page: Any, demo_server: Any, check_page: Any) -> None:
    sign_up(page, check_page, name="Ray Castillo", address="7 Elm Street")
    open_institution(page, check_page, MAPLE)
    membership = page.locator("main section", has=page.locator("#membership-heading"))
    count_before = membership.locator("p").first.inner_text()

    join(page, check_page, MAPLE, "7 Elm Street")
    expect(page.get_by_role("heading", level=1, name=f"Join {MAPLE}")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_visible()
    address_field = page.locator("main form").get_by_label("Your address")
    expect(address_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main .field-error")).to_have_text(
        f"7 Elm Street is not in the area of {MAPLE}. Only residents of its area can join; "
        "check the address, or ask a facilitator to add it to the area."
    )
    check_page(page)

    # An odd number on Maple Street is not in the area either (it lists the even side).
    address_field.fill("121 Maple Street")
    page.locator("main form").get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("main .field-error")).to_contain_text(
        f"121 Maple Street is not in the area of {MAPLE}."
    )
    expect(address_field).to_have_value("121 Maple Street")
    check_page(page)

    # No membership was made: the page still offers to join, and the count is the same.
    page.locator("main").get_by_role("link", name="Back").click()
    expect(page.get_by_role("heading", level=1, name=MAPLE)).to_be_visible()
    expect(membership.locator("p").first).to_have_text(count_before)
    expect(membership.get_by_role("link", name=f"Join {MAPLE}")).to_be_visible()
    expect(page.locator("main nav.sub-nav").get_by_role("link", name="Members")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("You are a member")
    check_page(page)


def test_join_and_letter_code_without_javascript(
    page_without_js: Any, demo_server: Any, check_page: Any, tmp_path: Path
) -> None:
    page = page_without_js
    address = "126 Maple Street"
    sign_up(page, check_page, name="Ada Nwosu", address=address)
    open_institution(page, check_page, MAPLE)
    join(page, check_page, MAPLE, address)
    expect_joined_unverified(page, check_page, MAPLE)

    # This time the facilitator prints the letter with the command line.
    pdf = tmp_path / "letters.pdf"
    result = demo_server.run(
        "letters", MAPLE_SLUG, "--out", str(pdf), "--address", address,
        "--base-url", demo_server.url,
    )  # fmt: skip
    assert f"Wrote 1 letter for {MAPLE}" in result.stdout
    pages, text, codes, urls = letter_codes(pdf)
    assert pages == 1 and address in text and len(codes) == 1, text
    assert urls == [f"{demo_server.url}/institutions/{MAPLE_SLUG}/letter-code/"], urls

    page.locator("main").get_by_role("link", name="Enter a letter's code").click()
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("The code on your letter").fill("not a code")
    form.get_by_role("button", name="Verify my residency").click()
    expect(page.locator("main .field-error")).to_contain_text("A code has 12 letters and digits")
    check_page(page)
    form.get_by_label("The code on your letter").fill(codes[0])
    form.get_by_role("button", name="Verify my residency").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Your residency in {MAPLE} is verified by letter."
    )
    expect_verified(page)
    check_page(page)

    # The code page now says no code is needed.
    page.goto(f"/institutions/{MAPLE_SLUG}/letter-code/")
    expect(page.locator("main")).to_contain_text("is already verified; you need no code")
    expect(page.locator("main form")).to_have_count(0)
    check_page(page)
