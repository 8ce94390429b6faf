"""The foundation in a real browser: sign up, log out, log in, language, password reset.

Every page is checked at 360 px wide (no sideways scrolling), for its structure
(one <main>, one <h1>, a lang, ARIA references that resolve) and, where
JavaScript runs, with axe-core against WCAG 2.0/2.1/2.2 A and AA.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "a quiet street at dusk"
NEW_PASSWORD = "the corner shop opens early"

LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button"
LANGUAGE_SELECT = "header select[name='language']"
LANGUAGE_BUTTON = "header form[action$='/language/'] button[type='submit']"


def unique_email(tag: str) -> str:
    return f"{tag}-{secrets.token_hex(4)}@example.org"


def sign_up(
    page: Any, *, name: str, email: str, password: str, again: str, language: str = "en"
) -> None:
    form = page.locator("main form")
    form.get_by_label("Your name").fill(name)
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_label("Password again").fill(again)
    form.get_by_label("Language").select_option(language)
    form.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state("load")


def log_in(page: Any, *, email: str, password: str) -> None:
    # By field name, not label: this also runs on pages shown in Spanish.
    form = page.locator("main form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(password)
    form.locator("button[type='submit']").click()
    page.wait_for_load_state("load")


def log_out(page: Any) -> None:
    page.locator(LOGOUT_BUTTON).click()
    page.wait_for_load_state("load")


def expect_logged_out(page: Any) -> None:
    expect(page.locator(LOGOUT_BUTTON)).to_have_count(0)
    expect(page.locator("header nav a[href$='/accounts/login/']")).to_be_visible()


def expect_logged_in(page: Any) -> None:
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()


def reset_link(server_log: str, email: str) -> str:
    """The last password-reset link mailed to email (the console backend prints mails)."""
    mails = server_log.split("Subject: ")
    for mail in reversed(mails):
        if f"To: {email}" in mail:
            match = re.search(r"https?://\S+/accounts/password-reset/[^/\s]+/[^/\s]+/", mail)
            if match:
                return match.group(0)
    raise AssertionError(f"no password-reset mail to {email} in the server's output")


def test_resident_journey(page: Any, bloc_server: Any, check_page: Any) -> None:
    email = unique_email("ana")

    # Home, as a visitor.
    response = page.goto("/")
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect_logged_out(page)
    check_page(page)

    # Sign up through the form.
    page.locator("header nav").get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    check_page(page)
    sign_up(page, name="Ana Torres", email=email, password=PASSWORD, again=PASSWORD)

    # Landed logged in on the profile page, welcomed.
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_role("heading", level=1, name="Your profile")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome to bloc, Ana Torres.")
    expect(page.locator("main")).to_contain_text(email)
    expect_logged_in(page)
    check_page(page)

    # Log out with the header's button (a POST form).
    log_out(page)
    expect_logged_out(page)
    check_page(page)

    # Log in again through the login form.
    page.locator("header nav").get_by_role("link", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    check_page(page)
    log_in(page, email=email, password=PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect_logged_in(page)

    # Switch to Spanish with the header's language switcher.
    page.goto("/accounts/profile/")
    page.locator(LANGUAGE_SELECT).select_option("es")
    page.locator(LANGUAGE_BUTTON).click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))  # back where we were
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator(LANGUAGE_SELECT)).to_have_value("es")
    # The profile remembers the choice.
    expect(page.locator("main select[name='preferred_language']")).to_have_value("es")
    check_page(page)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check_page(page)

    # Log out; still in Spanish (the language cookie stays).
    log_out(page)
    expect_logged_out(page)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator(LANGUAGE_SELECT)).to_have_value("es")


def test_password_reset_and_not_found(page: Any, bloc_server: Any, check_page: Any) -> None:
    email = unique_email("reset")
    page.goto("/accounts/signup/")
    sign_up(page, name="Rosa Parks", email=email, password=PASSWORD, again=PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    log_out(page)

    # Ask for a reset link from the login page.
    page.goto("/accounts/login/")
    page.locator("main").get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(re.compile(r"/accounts/password-reset/$"))
    expect(page.get_by_role("heading", level=1, name="Reset your password")).to_be_visible()
    check_page(page)
    page.locator("main form").get_by_label("Email").fill(email)
    page.locator("main form").get_by_role("button", name="Send the link").click()
    expect(page).to_have_url(re.compile(r"/accounts/password-reset/sent/$"))
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    check_page(page)

    # Follow the mailed link and choose a new password.
    page.goto(reset_link(bloc_server.log(), email))
    expect(page.get_by_role("heading", level=1, name="Choose a new password")).to_be_visible()
    check_page(page)
    form = page.locator("main form")
    password_fields = form.locator("input[type='password']")
    expect(password_fields).to_have_count(2)
    password_fields.nth(0).fill(NEW_PASSWORD)
    password_fields.nth(1).fill(NEW_PASSWORD)
    form.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1, name="Your password was changed")).to_be_visible()
    check_page(page)

    # The new password works.
    page.goto("/accounts/login/")
    log_in(page, email=email, password=NEW_PASSWORD)
    expect_logged_in(page)

    # A page that does not exist.
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Go to the home page")).to_be_visible()
    check_page(page)


def test_invalid_signup_shows_errors_and_creates_no_account(
    page: Any, bloc_server: Any, check_page: Any
) -> None:
    page.goto("/accounts/signup/")

    # A bad email address and passwords that differ.
    sign_up(page, name="Sam Lee", email="not-an-email", password=PASSWORD, again=PASSWORD + "!")
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below.")
    email_field = page.locator("main form").get_by_label("Email address")
    again_field = page.locator("main form").get_by_label("Password again")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(again_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main .field-error")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("The two passwords do not match.")
    # What the person typed is kept (except passwords).
    expect(page.locator("main form").get_by_label("Your name")).to_have_value("Sam Lee")
    check_page(page)

    # A good address, passwords still different.
    email = unique_email("sam")
    sign_up(page, name="Sam Lee", email=email, password=PASSWORD, again=PASSWORD + "!")
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(again_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main .field-error")).to_have_count(1)
    expect_logged_out(page)

    # No account was made: logging in with it fails, with a message.
    page.goto("/accounts/login/")
    log_in(page, email=email, password=PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text(
        "That email address and password do not match an account."
    )
    expect_logged_out(page)
    check_page(page)


def test_works_without_javascript(page_without_js: Any, check_page: Any) -> None:
    page = page_without_js
    email = unique_email("nojs")

    page.goto("/")
    check_page(page)
    page.locator("header nav").get_by_role("link", name="Sign up").click()
    check_page(page)
    sign_up(page, name="Lin Chen", email=email, password=PASSWORD, again=PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect_logged_in(page)
    check_page(page)

    # The language switcher is a plain form.
    page.locator(LANGUAGE_SELECT).select_option("es")
    page.locator(LANGUAGE_BUTTON).click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check_page(page)

    log_out(page)
    expect_logged_out(page)
    check_page(page)

    page.goto("/accounts/login/")
    log_in(page, email=email, password=PASSWORD)
    expect_logged_in(page)
