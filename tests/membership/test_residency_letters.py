"""Residency letters: printed with one-time codes, each code verifying one member once."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import segno
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from bloc.accounts import services as account_services
from bloc.accounts.models import ThrottleAttempt
from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.core.errors import Conflict, PermissionDenied, Throttled, ValidationFailed
from bloc.institutions import services as institution_services
from bloc.membership import residency_letters
from bloc.membership.models import (
    Membership,
    ResidencyLetter,
    ResidencyVerification,
    VerificationMethod,
)
from bloc.membership.residency_letters import (
    code_digest,
    code_normalize,
    letter_redeem,
    letters_generate,
)
from bloc.membership.roles import role_term_assign
from bloc.membership.services import membership_join
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

ADDRESSES = ["112 Maple Street", "114 Maple Street", "116 Maple Street, Apartment 2"]
CODE_PATTERN = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
A4 = (595, 842)
LETTER = (612, 792)
HOME_IP = "203.0.113.7"


# --- setting the scene --------------------------------------------------------


@pytest.fixture
def maple():  # type: ignore[no-untyped-def]
    chapter = institution_services.chapter_create(actor=SYSTEM, name="Riverside")
    return institution_services.institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Maple Street Block",
        kind="block_association",
        addresses=ADDRESSES,
    )


@pytest.fixture
def oak(maple):  # type: ignore[no-untyped-def]
    """Another institution of the same chapter, whose codes mean nothing on Maple Street."""
    return institution_services.institution_create(
        actor=SYSTEM,
        chapter=maple.chapter,
        name="Oak Avenue Tenants",
        kind="tenants_union",
        addresses=["3 Oak Avenue"],
    )


@pytest.fixture
def alice_member(alice, maple):  # type: ignore[no-untyped-def]
    """Alice lives at 112 Maple Street and has joined, unverified."""
    return membership_join(actor=SYSTEM, institution=maple, user=alice)


@pytest.fixture
def dan_member(maple):  # type: ignore[no-untyped-def]
    """Dan lives at 114 Maple Street and has joined, unverified."""
    dan = make_person("dan@example.org", "Dan Okafor", address="114 Maple Street")
    return membership_join(actor=SYSTEM, institution=maple, user=dan)


@pytest.fixture
def facilitator(maple):  # type: ignore[no-untyped-def]
    """Carol, who lives at 116 Maple Street, facilitates this year."""
    carol = make_person("carol@example.org", "Carol Jones", address="116 Maple Street, Apartment 2")
    membership = membership_join(actor=SYSTEM, institution=maple, user=carol)
    today = timezone.localdate()
    role_term_assign(
        actor=SYSTEM,
        membership=membership,
        role="facilitator",
        starts_on=today,
        ends_on=today + timedelta(days=365),
    )
    return carol


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def codes_of(pdf: bytes) -> list[str]:
    """The code on each page, read back from the PDF as a person would read the letter."""
    codes = []
    for text in pages_of(pdf):
        found = CODE_PATTERN.findall(text)
        assert len(found) == 1, text
        codes.append(found[0])
    return codes


def print_letters(institution):  # type: ignore[no-untyped-def]
    """Print a letter for every address; the codes by address, as read from the PDF."""
    _batch, pdf = letters_generate(actor=SYSTEM, institution=institution)
    return dict(zip(sorted(ADDRESSES), codes_of(pdf), strict=True))


def redeem(user, institution, code, ip=HOME_IP):  # type: ignore[no-untyped-def]
    return letter_redeem(actor=user, institution=institution, code=code, ip=ip)


def refusal_code(exc_info) -> str:  # type: ignore[no-untyped-def]
    return exc_info.value.code


# --- printing -----------------------------------------------------------------


def test_the_pdf_has_one_page_per_address_with_the_address_and_a_code(maple):
    batch, pdf = letters_generate(actor=SYSTEM, institution=maple)
    pages = pages_of(pdf)
    assert len(pages) == len(ADDRESSES)
    for page, address in zip(pages, sorted(ADDRESSES), strict=True):
        assert address in page
        assert "Maple Street Block" in page
        assert "/institutions/maple-street-block/letter-code/" in page
    codes = codes_of(pdf)
    assert len(set(codes)) == len(ADDRESSES)
    assert ResidencyLetter.objects.filter(batch=batch).count() == len(ADDRESSES)


def test_only_a_keyed_digest_of_each_code_is_stored(maple):
    batch, pdf = letters_generate(actor=SYSTEM, institution=maple)
    codes = codes_of(pdf)
    stored = set(ResidencyLetter.objects.values_list("code_digest", flat=True))
    assert stored == {code_digest(code_normalize(code)) for code in codes}
    for code in codes:
        assert code.replace("-", "") not in str(stored)
    # The digest is keyed: a plain SHA-256 of the code is not what is stored.
    import hashlib

    plain = hashlib.sha256(code_normalize(codes[0]).encode()).hexdigest()
    assert plain not in stored


def test_printing_is_audited_once_per_batch_without_the_codes(maple):
    before = AuditEvent.objects.count()
    batch, pdf = letters_generate(actor=SYSTEM, institution=maple)
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["letters.generate"]
    assert events[0].data["count"] == len(ADDRESSES)
    assert events[0].data["batch"] == str(batch)
    assert "expires_at" in events[0].data
    for code in codes_of(pdf):
        assert code not in str(events[0].data)
        assert code.replace("-", "") not in str(events[0].data)


def test_codes_expire_after_the_bylaws_letter_code_days(maple):
    before = timezone.now()
    letters_generate(actor=SYSTEM, institution=maple)
    expiry = ResidencyLetter.objects.first().expires_at
    assert before + timedelta(days=60) <= expiry <= timezone.now() + timedelta(days=60)


@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("letter", LETTER)])
def test_letters_are_printed_on_a4_or_letter_paper(maple, paper, size):
    _batch, pdf = letters_generate(actor=SYSTEM, institution=maple, paper=paper)
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size


def test_letters_are_printed_in_the_chosen_language(maple):
    _batch, pdf = letters_generate(actor=SYSTEM, institution=maple, language="es")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "es"
    # Dates come from Django's own Spanish formats, so they show the language reached
    # the template even before bloc's catalogue translates the sentences.
    expiry = ResidencyLetter.objects.first().expires_at
    with translation.override("es"):
        spanish_date = date_format(timezone.localtime(expiry), "DATE_FORMAT")
    assert " de " in spanish_date
    assert spanish_date in reader.pages[0].extract_text()
    # And the request's language does not leak into the letters.
    assert translation.get_language() == "en"


def test_the_html_of_the_letters_names_its_language(maple):
    with translation.override("en"):
        html = residency_letters.letters_render_html(
            institution=maple,
            letters=[],
            url="https://example.org/",
            expires_at=timezone.now(),
            paper="letter",
            language="es",
        )
    assert '<html lang="es">' in html
    assert "size: letter" in html


def test_the_qr_code_and_link_point_to_the_code_page_without_the_code(maple):
    url = residency_letters.letter_code_url(institution=maple, base_url="https://bloc.example.org")
    assert url == "https://bloc.example.org/institutions/maple-street-block/letter-code/"
    _batch, pdf = letters_generate(
        actor=SYSTEM, institution=maple, base_url="https://bloc.example.org"
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert url in reader.pages[0].extract_text()
    # The QR code on every page is exactly the URL's, pixel for pixel: no code in it.
    expected = [list(row) for row in segno.make(url, error="m").matrix_iter(scale=8, border=4)]
    for page in reader.pages:
        (image,) = page.images
        picture = image.image.convert("L")
        assert picture.size == (len(expected[0]), len(expected))
        dark = [
            [int(picture.getpixel((x, y)) < 128) for x in range(picture.width)]
            for y in range(picture.height)
        ]
        assert dark == expected


def test_letters_come_in_street_order_for_stuffing_envelopes(maple):
    elm = institution_services.institution_create(
        actor=SYSTEM,
        chapter=maple.chapter,
        name="Elm Court",
        kind="building_meeting",
        addresses=["10 Elm Court", "2 Elm Court", "1 Elm Court, Flat ²", "1 Elm Court"],
    )
    _batch, pdf = letters_generate(actor=SYSTEM, institution=elm)
    firsts = [page.split("\n")[2] for page in pages_of(pdf)]
    assert firsts == ["1 Elm Court", "1 Elm Court, Flat ²", "2 Elm Court", "10 Elm Court"]


def test_letters_can_go_to_some_addresses_only(maple):
    batch, pdf = letters_generate(
        actor=SYSTEM, institution=maple, addresses=["114  maple street", "114 Maple Street"]
    )
    pages = pages_of(pdf)
    assert len(pages) == 1
    assert "114 Maple Street" in pages[0]
    assert list(ResidencyLetter.objects.values_list("address", flat=True)) == ["114 Maple Street"]


def test_an_address_outside_the_area_gets_no_letter_and_nothing_is_written(maple):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        letters_generate(actor=SYSTEM, institution=maple, addresses=["9 Elm Road"])
    assert refused.value.code == "not_in_area"
    assert "9 Elm Road" in refused.value.message
    assert not ResidencyLetter.objects.exists()
    assert AuditEvent.objects.count() == before


def test_an_institution_without_addresses_is_told_to_add_them(maple):
    empty = institution_services.institution_create(
        actor=SYSTEM, chapter=maple.chapter, name="Boundary Only", kind="other"
    )
    with pytest.raises(ValidationFailed) as refused:
        letters_generate(actor=SYSTEM, institution=empty)
    assert refused.value.code == "no_addresses"


@pytest.mark.parametrize(
    ("field", "value"), [("paper", "a3"), ("language", "fr")], ids=["paper", "language"]
)
def test_unknown_paper_or_language_is_refused(maple, field, value):
    with pytest.raises(ValidationFailed) as refused:
        letters_generate(actor=SYSTEM, institution=maple, **{field: value})
    assert field in refused.value.fields


def test_only_facilitators_print_letters(maple, alice_member, alice):
    with pytest.raises(PermissionDenied):
        letters_generate(actor=alice, institution=maple)
    assert not ResidencyLetter.objects.exists()


def test_a_new_batch_leaves_older_codes_working(maple, alice_member, alice):
    first = print_letters(maple)
    print_letters(maple)
    redeem(alice, maple, first["112 Maple Street"])
    alice_member.refresh_from_db()
    assert alice_member.is_verified


# --- codes as people type them ---------------------------------------------------


def test_codes_carry_at_least_50_bits_and_are_drawn_fresh():
    import math

    bits = residency_letters.CODE_LENGTH * math.log2(len(residency_letters.CODE_ALPHABET))
    assert bits >= 50
    assert len({residency_letters.code_new() for _ in range(1000)}) == 1000


@pytest.mark.parametrize(
    "typed",
    ["abcd-efgh-jkmn", "ABCD EFGH JKMN", " abcdefghjkmn ", "ABCD.EFGH.JKMN", "ABCD–EFGH–JKMN"],
)
def test_case_spaces_and_dashes_do_not_matter(typed):
    assert code_normalize(typed) == "ABCDEFGHJKMN"


def test_letters_that_look_like_digits_are_read_as_digits():
    assert code_normalize("O0I1-L234-5678") == "0011" + "1234" + "5678"


@pytest.mark.parametrize(
    "typed", ["", "ABCD-EFGH", "ABCD-EFGH-JKMN-P", "ABCD-EFGH-JKMU", "ÀBCD-EFGH-JKMN"]
)
def test_what_cannot_be_a_code_is_recognised(typed):
    assert code_normalize(typed) is None


# --- redeeming -------------------------------------------------------------------


def test_a_code_verifies_the_member_by_letter(maple, alice_member, alice):
    codes = print_letters(maple)
    membership = redeem(alice, maple, codes["112 Maple Street"].lower().replace("-", " "))
    assert membership.is_verified
    assert membership.verification_method == VerificationMethod.LETTER
    letter = ResidencyLetter.objects.get(address="112 Maple Street")
    assert letter.used_at is not None
    assert letter.used_by == alice_member
    verification = ResidencyVerification.objects.get(membership=alice_member)
    assert verification.method == VerificationMethod.LETTER
    assert verification.verified_by == alice
    assert "112 Maple Street" in verification.detail
    assert AuditEvent.objects.filter(action="membership.verify").count() == 1


def test_each_code_works_exactly_once(maple, alice_member, alice, dan_member):
    codes = print_letters(maple)
    redeem(alice, maple, codes["112 Maple Street"])
    with pytest.raises(ValidationFailed) as refused:
        redeem(dan_member.user, maple, codes["112 Maple Street"])
    assert refusal_code(refused) == "letter_code_used"
    assert "already been used" in refused.value.message
    dan_member.refresh_from_db()
    assert not dan_member.is_verified
    assert ResidencyLetter.objects.get(address="112 Maple Street").used_by == alice_member


def test_a_code_of_another_address_in_the_area_is_accepted_and_its_address_recorded(
    maple, alice_member, alice
):
    """The letter proves mail reaches someone at an address of the area; Alice's own
    address stays as it is, and facilitators see which letter verified her."""
    codes = print_letters(maple)
    redeem(alice, maple, codes["114 Maple Street"])
    alice_member.refresh_from_db()
    assert alice_member.is_verified
    assert alice_member.address == "112 Maple Street"
    assert "114 Maple Street" in alice_member.verifications.get().detail


@contextmanager
def nothing_written(membership: Membership) -> Iterator[None]:
    """Around a refusal: the member is still unverified, no letter used, nothing logged."""
    before = AuditEvent.objects.count()
    yield
    membership.refresh_from_db()
    assert not membership.is_verified
    assert not ResidencyVerification.objects.filter(membership=membership).exists()
    assert not ResidencyLetter.objects.filter(used_at__isnull=False).exists()
    assert AuditEvent.objects.count() == before


def test_an_expired_code_is_refused(maple, alice_member, alice):
    codes = print_letters(maple)
    ResidencyLetter.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with nothing_written(alice_member), pytest.raises(ValidationFailed) as refused:
        redeem(alice, maple, codes["112 Maple Street"])
    assert refusal_code(refused) == "letter_code_expired"
    assert "expired" in refused.value.message


def test_a_code_of_another_institution_is_just_wrong(maple, oak, alice_member, alice):
    _batch, pdf = letters_generate(actor=SYSTEM, institution=oak)
    (oak_code,) = codes_of(pdf)
    with nothing_written(alice_member), pytest.raises(ValidationFailed) as refused:
        redeem(alice, maple, oak_code)
    assert refusal_code(refused) == "letter_code_wrong"


def test_an_unknown_code_is_refused_and_counted(maple, alice_member, alice):
    print_letters(maple)
    with nothing_written(alice_member), pytest.raises(ValidationFailed) as refused:
        redeem(alice, maple, "ZZZZ-ZZZZ-ZZZZ")
    assert refusal_code(refused) == "letter_code_wrong"
    assert refused.value.fields == {"code": [refused.value.message]}
    assert set(ThrottleAttempt.objects.values_list("scope", "key")) == {
        ("letter_code", f"account:{alice.pk}"),
        ("letter_code", f"ip:{HOME_IP}"),
    }


def test_input_that_cannot_be_a_code_is_explained_and_not_counted(maple, alice_member, alice):
    with pytest.raises(ValidationFailed) as refused:
        redeem(alice, maple, "1234")
    assert refusal_code(refused) == "letter_code_malformed"
    assert "12 letters and digits" in refused.value.message
    assert not ThrottleAttempt.objects.exists()


def test_too_many_failures_of_an_account_block_even_the_right_code(maple, alice_member, alice):
    codes = print_letters(maple)
    for attempt in range(5):
        with pytest.raises(ValidationFailed):
            redeem(alice, maple, "ZZZZ-ZZZZ-ZZZ" + str(attempt), ip=f"198.51.100.{attempt}")
    with nothing_written(alice_member), pytest.raises(Throttled) as refused:
        redeem(alice, maple, codes["112 Maple Street"], ip="198.51.100.99")
    assert "wait 60 minutes" in refused.value.message


def test_too_many_failures_from_one_address_block_every_account_there(
    maple, alice_member, alice, dan_member, settings
):
    settings.BLOC_LETTER_CODE_FAILURES_PER_IP = 3
    codes = print_letters(maple)
    guesser = make_person("eve@example.org", "Eve", address="116 Maple Street, Apartment 2")
    membership_join(actor=SYSTEM, institution=maple, user=guesser)
    for _attempt in range(3):
        with pytest.raises(ValidationFailed):
            redeem(guesser, maple, "ZZZZ-ZZZZ-ZZZZ")
    with pytest.raises(Throttled):
        redeem(dan_member.user, maple, codes["114 Maple Street"])
    # From another connection, the right code still works.
    assert redeem(dan_member.user, maple, codes["114 Maple Street"], ip="192.0.2.1").is_verified


def test_failures_older_than_the_window_no_longer_count(maple, alice_member, alice):
    codes = print_letters(maple)
    for _attempt in range(5):
        with pytest.raises(ValidationFailed):
            redeem(alice, maple, "ZZZZ-ZZZZ-ZZZZ")
    ThrottleAttempt.objects.update(at=timezone.now() - timedelta(hours=1, minutes=1))
    assert redeem(alice, maple, codes["112 Maple Street"]).is_verified


def test_success_clears_the_accounts_failures_but_not_the_addresses(maple, alice_member, alice):
    codes = print_letters(maple)
    with pytest.raises(ValidationFailed):
        redeem(alice, maple, "ZZZZ-ZZZZ-ZZZZ")
    redeem(alice, maple, codes["112 Maple Street"])
    assert list(ThrottleAttempt.objects.values_list("key", flat=True)) == [f"ip:{HOME_IP}"]


def test_a_verified_member_needs_no_code_and_the_letter_stays_unused(maple, alice_member, alice):
    codes = print_letters(maple)
    redeem(alice, maple, codes["112 Maple Street"])
    with pytest.raises(Conflict) as refused:
        redeem(alice, maple, codes["114 Maple Street"])
    assert refusal_code(refused) == "already_verified"
    assert ResidencyLetter.objects.filter(used_at__isnull=False).count() == 1


def test_only_members_can_enter_a_code(maple, bob):
    codes = print_letters(maple)
    with pytest.raises(PermissionDenied) as refused:
        redeem(bob, maple, codes["112 Maple Street"])
    assert refusal_code(refused) == "members_only"
    assert not ResidencyLetter.objects.filter(used_at__isnull=False).exists()


def test_a_letter_for_an_address_removed_from_the_area_no_longer_verifies(
    maple, alice_member, alice
):
    codes = print_letters(maple)
    institution_services.area_set(actor=SYSTEM, institution=maple, addresses=["112 Maple Street"])
    with pytest.raises(ValidationFailed) as refused:
        redeem(alice, maple, codes["114 Maple Street"])
    assert refusal_code(refused) == "letter_code_outside_area"
    assert redeem(alice, maple, codes["112 Maple Street"]).is_verified


@pytest.mark.django_db(transaction=True)
def test_two_people_entering_the_same_code_at_once_cannot_both_use_it(
    maple, alice_member, dan_member
):
    codes = print_letters(maple)
    code = codes["112 Maple Street"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(membership: Membership) -> None:
        try:
            barrier.wait()
            redeem(membership.user, maple, code, ip=f"192.0.2.{membership.pk}")
            outcomes.append("verified")
        except ValidationFailed as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in (alice_member, dan_member)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["letter_code_used", "verified"]
    assert Membership.objects.filter(verified_at__isnull=False).count() == 1


# --- the pages ------------------------------------------------------------------


def test_a_facilitator_downloads_the_letters_as_a_pdf(client, maple, facilitator):
    client.force_login(facilitator)
    page = client.get("/institutions/maple-street-block/letters/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert 'name="paper"' in html and 'name="language"' in html
    assert "<script" not in html
    response = client.post(
        "/institutions/maple-street-block/letters/", {"paper": "letter", "language": "es"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == len(ADDRESSES)
    assert round(float(reader.pages[0].mediabox.width)) == LETTER[0]
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert "http://testserver/institutions/maple-street-block/letter-code/" in (
        reader.pages[0].extract_text()
    )
    # The page then lists the batch.
    assert (
        "Letters printed so far"
        in client.get("/institutions/maple-street-block/letters/").content.decode()
    )


def test_the_letters_page_explains_a_bad_address(client, maple, facilitator):
    client.force_login(facilitator)
    response = client.post(
        "/institutions/maple-street-block/letters/",
        {"paper": "a4", "language": "en", "addresses": "9 Elm Road"},
    )
    assert response.status_code == 422
    assert "9 Elm Road" in response.content.decode()
    assert not ResidencyLetter.objects.exists()


def test_people_who_do_not_facilitate_cannot_print_letters(client, maple, alice_member, alice):
    client.force_login(alice)
    assert client.get("/institutions/maple-street-block/letters/").status_code == 403
    response = client.post("/institutions/maple-street-block/letters/", {"paper": "a4"})
    assert response.status_code == 403
    assert not ResidencyLetter.objects.exists()


def test_visitors_are_asked_to_log_in_to_print_letters(client, maple):
    response = client.get("/institutions/maple-street-block/letters/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_institution_has_no_letter_pages(client, facilitator):
    client.force_login(facilitator)
    assert client.get("/institutions/nowhere/letters/").status_code == 404
    assert client.get("/institutions/nowhere/letter-code/").status_code == 404


def test_a_member_enters_the_code_on_the_page(client, maple, alice_member, alice):
    codes = print_letters(maple)
    client.force_login(alice)
    page = client.get("/institutions/maple-street-block/letter-code/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert 'name="code"' in html and 'autocomplete="one-time-code"' in html
    response = client.post(
        "/institutions/maple-street-block/letter-code/", {"code": codes["112 Maple Street"]}
    )
    assert response.status_code == 302
    assert response["Location"] == "/institutions/maple-street-block/"
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert told == ["Thank you. Your residency in Maple Street Block is verified by letter."]
    alice_member.refresh_from_db()
    assert alice_member.verification_method == VerificationMethod.LETTER


def test_a_wrong_code_on_the_page_is_explained_with_422(client, maple, alice_member, alice):
    print_letters(maple)
    client.force_login(alice)
    response = client.post(
        "/institutions/maple-street-block/letter-code/", {"code": "ZZZZ-ZZZZ-ZZZZ"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "That code is not right" in html
    assert 'id="id_code_error"' in html


def test_the_page_says_429_when_throttled(client, maple, alice_member, alice):
    codes = print_letters(maple)
    client.force_login(alice)
    for _attempt in range(5):
        client.post("/institutions/maple-street-block/letter-code/", {"code": "ZZZZ-ZZZZ-ZZZZ"})
    response = client.post(
        "/institutions/maple-street-block/letter-code/", {"code": codes["112 Maple Street"]}
    )
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()


def test_the_code_page_tells_visitors_and_non_members_what_to_do_first(client, maple, bob):
    visitor = client.get("/institutions/maple-street-block/letter-code/").content.decode()
    assert "/accounts/login/?next=" in visitor
    assert 'name="code"' not in visitor
    assert (
        client.post(
            "/institutions/maple-street-block/letter-code/", {"code": "ZZZZ-ZZZZ-ZZZZ"}
        ).status_code
        == 302
    )
    client.force_login(bob)
    stranger = client.get("/institutions/maple-street-block/letter-code/").content.decode()
    assert "/institutions/maple-street-block/join/" in stranger
    assert 'name="code"' not in stranger


# --- the command ---------------------------------------------------------------


def test_the_command_writes_the_letters(maple, tmp_path):
    out = tmp_path / "letters.pdf"
    stdout = io.StringIO()
    call_command(
        "letters",
        "maple-street-block",
        "--out",
        str(out),
        "--paper",
        "letter",
        "--language",
        "es",
        "--base-url",
        "https://bloc.example.org",
        stdout=stdout,
    )
    reader = PdfReader(str(out))
    assert len(reader.pages) == len(ADDRESSES)
    assert round(float(reader.pages[0].mediabox.width)) == LETTER[0]
    assert "https://bloc.example.org/institutions/maple-street-block/letter-code/" in (
        reader.pages[0].extract_text()
    )
    assert f"Wrote 3 letters for Maple Street Block to {out}" in stdout.getvalue()
    assert AuditEvent.objects.filter(action="letters.generate", actor="system").count() == 1


def test_the_command_prints_some_addresses_only(maple, tmp_path):
    out = tmp_path / "two.pdf"
    call_command(
        "letters",
        "maple-street-block",
        "--out",
        str(out),
        "--address",
        "112 Maple Street",
        "--address",
        "114 Maple Street",
        stdout=io.StringIO(),
    )
    assert len(PdfReader(str(out)).pages) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "no institution"),
        (["maple-street-block", "--address", "9 Elm Road"], "9 Elm Road"),
        (["maple-street-block", "--base-url", "bloc.example.org"], "--base-url"),
    ],
    ids=["unknown institution", "address outside the area", "bad base url"],
)
def test_the_command_fails_clearly_and_writes_nothing(maple, tmp_path, args, message):
    out = tmp_path / "letters.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("letters", *args, "--out", str(out), stdout=io.StringIO())
    assert not out.exists()
    assert not ResidencyLetter.objects.exists()


def test_the_command_refuses_a_file_it_cannot_write(maple, tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        call_command("letters", "maple-street-block", "--out", str(tmp_path / "no" / "such.pdf"))
    assert not ResidencyLetter.objects.exists()


# --- the API -----------------------------------------------------------------------


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = account_services.api_token_create(actor=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_prints_letters_for_facilitators(client, maple, facilitator):
    response = client.post(
        "/api/v1/institutions/maple-street-block/letters",
        {"paper": "a4", "language": "en", "addresses": ["112 Maple Street"]},
        content_type="application/json",
        **bearer(facilitator),
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Bloc-Letters"] == "1"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    batches = client.get(
        "/api/v1/institutions/maple-street-block/letters", **bearer(facilitator)
    ).json()
    assert [(b["batch"], b["count"], b["used"]) for b in batches] == [
        (response["X-Bloc-Batch"], 1, 0)
    ]


def test_the_api_refuses_letters_to_others(client, maple, alice_member, alice):
    headers = bearer(alice)
    response = client.post(
        "/api/v1/institutions/maple-street-block/letters",
        {},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert response.json()["code"] == "facilitators_only"
    assert (
        client.get("/api/v1/institutions/maple-street-block/letters", **headers).status_code == 403
    )
    bad = client.post(
        "/api/v1/institutions/maple-street-block/letters",
        {"paper": "a3"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422


def test_the_api_redeems_a_code(client, maple, alice_member, alice):
    codes = print_letters(maple)
    headers = bearer(alice)
    wrong = client.post(
        "/api/v1/institutions/maple-street-block/letter-code",
        {"code": "ZZZZ-ZZZZ-ZZZZ"},
        content_type="application/json",
        **headers,
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "letter_code_wrong"
    assert "code" in wrong.json()["fields"]
    right = client.post(
        "/api/v1/institutions/maple-street-block/letter-code",
        {"code": codes["112 Maple Street"]},
        content_type="application/json",
        **headers,
    )
    assert right.status_code == 200
    body = right.json()
    assert body["verified"] is True
    assert body["verification_method"] == "letter"
    assert body["institution"] == "maple-street-block"
    again = client.post(
        "/api/v1/institutions/maple-street-block/letter-code",
        {"code": codes["112 Maple Street"]},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_verified"


def test_the_api_throttles_with_429(client, maple, alice_member, alice):
    codes = print_letters(maple)
    headers = bearer(alice)
    for _attempt in range(5):
        client.post(
            "/api/v1/institutions/maple-street-block/letter-code",
            {"code": "ZZZZ-ZZZZ-ZZZZ"},
            content_type="application/json",
            **headers,
        )
    response = client.post(
        "/api/v1/institutions/maple-street-block/letter-code",
        {"code": codes["112 Maple Street"]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 429
    assert response.json()["code"] == "letter_code_throttled"
    alice_member.refresh_from_db()
    assert not alice_member.is_verified


def test_the_api_needs_a_login_to_redeem(client, maple):
    response = client.post(
        "/api/v1/institutions/maple-street-block/letter-code",
        {"code": "ZZZZ-ZZZZ-ZZZZ"},
        content_type="application/json",
    )
    assert response.status_code == 401
