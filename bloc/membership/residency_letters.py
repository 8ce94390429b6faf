"""Residency letters: a printed letter per address with a one-time code.

A facilitator prints a batch (one letter per address of the area); whoever
lives there enters the code after joining, and their residency is verified
by letter. Only a keyed hash of each code is stored, so the database alone
cannot produce a working code.

Decisions (see also the docstrings):

- Codes are 12 Crockford base32 symbols (60 bits), printed ``ABCD-EFGH-JKMN``.
  Entry ignores case, spaces, dashes and dots, and reads O as 0 and I/L as 1.
- The stored digest is HMAC-SHA256 keyed with ``SECRET_KEY`` (Django's
  ``salted_hmac``). Keys in ``SECRET_KEY_FALLBACKS`` are tried too, so a key
  rotation does not void letters already in letterboxes.
- A new batch does not void older unused codes for the same address: they
  keep working until they expire (a facilitator may print again just to look
  at the letters; voiding would silently break letters already delivered).
- The member's own address may differ from the letter's: the code proves
  they receive mail at an address of the area, which is what residency
  verification means. The letter's address is recorded in the verification's
  detail so facilitators can see it; the member's address is left alone.
- The QR code and the printed URL lead to the page where codes are entered,
  never to a URL containing the code (URLs end up in logs and histories).
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.accounts import throttling
from bloc.accounts.models import User
from bloc.audit.services import audit_append
from bloc.core import addresses as address_rules
from bloc.core.errors import Conflict, NotFound, PermissionDenied, Throttled, ValidationFailed
from bloc.institutions import selectors as institution_selectors
from bloc.institutions.models import Institution
from bloc.membership.models import Membership, ResidencyLetter, VerificationMethod
from bloc.membership.services import residency_verify

# Crockford's base32: no I, L, O or U, so nothing is read two ways.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 12 symbols x 5 bits = 60 bits
CODE_GROUP = 4
CODE_EXAMPLE = "ABCD-EFGH-JKMN"
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = " -.\t\u00a0\u2010\u2011\u2012\u2013\u2014"
_DIGEST_SALT = "bloc.membership.residency_letter"
_DIGITS = re.compile(r"(\d+)")

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
THROTTLE_SCOPE = "letter_code"


# --- codes ---------------------------------------------------------------------


def code_new() -> str:
    """A fresh code (no separators), drawn from the operating system's randomness."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def code_format(code: str) -> str:
    """``ABCDEFGHJKMN`` as printed: ``ABCD-EFGH-JKMN``."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def code_normalize(raw: str) -> str | None:
    """The code as generated, from what a person typed; None if it cannot be one."""
    cleaned = "".join(ch for ch in raw[:64].upper() if ch not in _SEPARATORS)
    cleaned = cleaned.translate(_CONFUSABLES)
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_digest(code: str, *, secret: str | bytes | None = None) -> str:
    """HMAC-SHA256 of a normalized code, keyed with SECRET_KEY (or ``secret``)."""
    return salted_hmac(_DIGEST_SALT, code, secret=secret, algorithm="sha256").hexdigest()


def _digests(code: str) -> list[str]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [code_digest(code, secret=key) for key in keys]


# --- generating ----------------------------------------------------------------


@dataclass(frozen=True)
class PrintedLetter:
    """One letter as it is printed; the code exists only here and on paper."""

    address: str
    code: str
    qr_uri: str


def _street_order(address: str) -> list[str | int]:
    """Sort key putting 2 Maple Street before 10 Maple Street (for stuffing envelopes)."""
    # re.split with a group alternates text and digits, so types line up position by position.
    return [int(part) if part.isdecimal() else part.casefold() for part in _DIGITS.split(address)]


def _choose_addresses(institution: Institution, addresses: list[str] | None) -> list[str]:
    area = dict(institution.addresses.values_list("key", "address"))
    if addresses is None:
        chosen = sorted(area.values(), key=_street_order)
    else:
        keys: dict[str, None] = {}
        unknown: list[str] = []
        for line in addresses:
            line = " ".join(line.split())
            if not line:
                continue
            key = address_rules.normalize(line)
            if key in area:
                keys.setdefault(key)
            else:
                unknown.append(line)
        if unknown:
            message = _(
                "These addresses are not in the area of %(name)s: %(addresses)s. Letters go "
                "only to addresses of the area."
            ) % {"name": institution.name, "addresses": "; ".join(unknown)}
            raise ValidationFailed(message, fields={"addresses": [message]}, code="not_in_area")
        chosen = [area[key] for key in keys]
    if not chosen:
        raise ValidationFailed(
            _("%(name)s has no addresses to send letters to. Add the addresses of its area first.")
            % {"name": institution.name},
            fields={"addresses": [_("Choose at least one address of the area.")]},
            code="no_addresses",
        )
    return chosen


def letter_code_url(*, institution: Institution, base_url: str = DEFAULT_BASE_URL) -> str:
    """The absolute URL of the page where a letter's code is entered."""
    path = reverse("institutions:letter_code", kwargs={"slug": institution.slug})
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", path)


def letters_render_html(
    *,
    institution: Institution,
    letters: list[PrintedLetter],
    url: str,
    expires_at: datetime,
    paper: str,
    language: str,
) -> str:
    """The HTML that becomes the PDF, in ``language``."""
    with translation.override(language):
        return render_to_string(
            "membership/letters.html",
            {
                "institution": institution,
                "letters": letters,
                "url": url,
                "expires_on": formats.date_format(timezone.localtime(expires_at), "DATE_FORMAT"),
                "page_size": PAPER_SIZES[paper],
                "language": language,
            },
        )


def letters_render_pdf(html: str) -> bytes:
    try:
        import weasyprint  # loads Pango; only needed when printing
    except OSError as exc:  # the system libraries are missing, not bloc's code
        raise RuntimeError(
            "Printing letters needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            f"fonts-dejavu-core ({exc})"
        ) from exc

    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def letters_generate(
    *,
    actor: object,
    institution: Institution,
    addresses: list[str] | None = None,
    paper: str = "a4",
    language: str = "en",
    base_url: str = DEFAULT_BASE_URL,
) -> tuple[uuid.UUID, bytes]:
    """Print one letter per address (default: every address of the area) as one PDF.

    Each letter carries a fresh one-time code that works for
    ``letter_code_days`` (bylaws). Returns the batch id and the PDF; the codes
    are in the PDF only. Older unused letters keep working until they expire.
    """
    permissions.require(actor, "letters.generate", institution)
    if paper not in PAPER_SIZES:
        raise ValidationFailed.for_field("paper", _("Choose A4 or Letter paper."))
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationFailed.for_field("language", _("Choose one of the offered languages."))
    chosen = _choose_addresses(institution, addresses)
    rules = institution_selectors.bylaws_settings(institution=institution)
    expires_at = timezone.now() + timedelta(days=rules.letter_code_days)
    url = letter_code_url(institution=institution, base_url=base_url)
    # One PNG for every letter: WeasyPrint embeds it once and draws it on each
    # page (an SVG would be redrawn page by page). 8 pixels per module stays
    # sharp at any print size we use.
    qr_uri = segno.make(url, error="m").png_data_uri(scale=8, border=4)
    codes = [code_new() for _address in chosen]
    letters = [
        PrintedLetter(address=address, code=code_format(code), qr_uri=qr_uri)
        for address, code in zip(chosen, codes, strict=True)
    ]
    # Render before writing: printing takes seconds for a big area, and no
    # row lock (the audit log's head) should be held meanwhile. If the write
    # then fails, the PDF is thrown away with codes that were never stored.
    html = letters_render_html(
        institution=institution,
        letters=letters,
        url=url,
        expires_at=expires_at,
        paper=paper,
        language=language,
    )
    pdf = letters_render_pdf(html)
    batch = uuid.uuid4()
    with transaction.atomic():
        ResidencyLetter.objects.bulk_create(
            ResidencyLetter(
                institution=institution,
                address=address,
                batch=batch,
                code_digest=code_digest(code),
                created_by=actor if isinstance(actor, User) else None,
                expires_at=expires_at,
            )
            for address, code in zip(chosen, codes, strict=True)
        )
        audit_append(
            actor=actor,
            action="letters.generate",
            subject=institution,
            data={
                "batch": str(batch),
                "count": len(chosen),
                "expires_at": expires_at.isoformat(),
                "paper": paper,
                "language": language,
            },
        )
    return batch, pdf


# --- redeeming ---------------------------------------------------------------


def _limits(user: User, ip: str) -> list[throttling.Limit]:
    per_account = settings.BLOC_LETTER_CODE_FAILURES_PER_ACCOUNT
    per_ip = settings.BLOC_LETTER_CODE_FAILURES_PER_IP
    return [
        throttling.Limit(f"account:{user.pk}", per_account),
        throttling.Limit(f"ip:{ip}", per_ip),
    ]


def _window() -> int:
    return int(settings.BLOC_LETTER_CODE_FAILURE_WINDOW)


def _refusal(
    letter: ResidencyLetter | None, institution: Institution, now: datetime
) -> ValidationFailed | None:
    """Why this letter cannot verify anyone now, or None if it can."""
    if letter is None:
        # Unknown, mistyped, or another institution's: all just "wrong".
        message = _(
            "That code is not right. Check it against your letter, letter by letter, and try again."
        )
        return ValidationFailed.for_field("code", message, code="letter_code_wrong")
    if letter.used_at is not None:
        message = _(
            "That code has already been used: each code works once. If it was not you who used "
            "it, tell a facilitator of %(name)s."
        ) % {"name": institution.name}
        return ValidationFailed.for_field("code", message, code="letter_code_used")
    if letter.expires_at <= now:
        message = _(
            "That code expired on %(date)s. Ask a facilitator of %(name)s for a new letter, or "
            "to verify your residency in person."
        ) % {
            "date": formats.date_format(timezone.localtime(letter.expires_at), "DATE_FORMAT"),
            "name": institution.name,
        }
        return ValidationFailed.for_field("code", message, code="letter_code_expired")
    if address_rules.normalize(letter.address) not in institution_selectors.area_keys(
        institution=institution
    ):
        message = _(
            "The address on that letter, %(address)s, is no longer in the area of %(name)s, so "
            "its code cannot verify residency."
        ) % {"address": letter.address, "name": institution.name}
        return ValidationFailed.for_field("code", message, code="letter_code_outside_area")
    return None


def letter_redeem(*, actor: object, institution: Institution, code: str, ip: str) -> Membership:
    """A member enters the code of a letter: their residency is verified by letter.

    Refused, with nothing written but a failure count: a wrong code (also
    another institution's), a used one, an expired one, and every attempt
    once the account or the address has failed too often lately (even with
    the right code). Input that cannot be a code at all is refused without
    counting. Success clears the account's failures (not the address's).
    """
    permissions.require(actor, "letters.redeem", institution)
    if not isinstance(actor, User):
        raise PermissionDenied(_("Only the member who received the letter can enter its code."))
    membership = Membership.objects.filter(
        institution=institution, user=actor, left_at__isnull=True
    ).first()
    if membership is None:
        raise NotFound(_("Join the institution first, then enter your letter's code."))
    if membership.verified_at is not None:
        raise Conflict(_already_verified(institution), code="already_verified")
    limits = _limits(actor, ip)
    window = _window()
    if throttling.is_throttled(THROTTLE_SCOPE, limits, window):
        raise Throttled(
            _(
                "Too many wrong codes were entered from your account or your connection. "
                "Please wait %(minutes)s minutes and try again."
            )
            % {"minutes": max(1, window // 60)},
            code="letter_code_throttled",
        )
    normalized = code_normalize(code)
    if normalized is None:
        message = _(
            "A code has %(length)s letters and digits, like %(example)s. Check it against your "
            "letter."
        ) % {"length": CODE_LENGTH, "example": CODE_EXAMPLE}
        raise ValidationFailed.for_field("code", message, code="letter_code_malformed")

    refusal: ValidationFailed | None = None
    with transaction.atomic():
        # Lock order: the membership, then the letter (as everywhere a letter is used).
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.verified_at is not None:
            raise Conflict(_already_verified(institution), code="already_verified")
        letter = (
            ResidencyLetter.objects.select_for_update()
            .filter(institution=institution, code_digest__in=_digests(normalized))
            .first()
        )
        now = timezone.now()
        refusal = _refusal(letter, institution, now)
        if refusal is None:
            assert letter is not None  # noqa: S101 - _refusal says so
            # The condition makes a second use fail even where SELECT ... FOR
            # UPDATE is a no-op (SQLite serialises writers instead).
            taken = ResidencyLetter.objects.filter(pk=letter.pk, used_at__isnull=True).update(
                used_at=now, used_by=membership
            )
            if taken != 1:
                refusal = _refusal(ResidencyLetter.objects.get(pk=letter.pk), institution, now)
            else:
                membership = residency_verify(
                    actor=actor,
                    membership=membership,
                    method=VerificationMethod.LETTER,
                    detail=f"letter {letter.pk}: {letter.address}",
                )
    if refusal is not None:
        throttling.record_failure(THROTTLE_SCOPE, [limit.key for limit in limits])
        raise refusal
    throttling.clear(THROTTLE_SCOPE, limits[0].key)
    return membership


def _already_verified(institution: Institution) -> str:
    return _("Your residency in %(name)s is already verified; you need no code.") % {
        "name": institution.name
    }


# --- reading -----------------------------------------------------------------


def letter_batch_list(*, institution: Institution) -> list[dict[str, Any]]:
    """The batches printed for an institution, newest first, with how many were used."""
    return list(
        ResidencyLetter.objects.filter(institution=institution)
        .values("batch")
        .annotate(
            printed_at=Min("created_at"),
            expires_at=Max("expires_at"),
            count=Count("id"),
            used=Count("id", filter=Q(used_at__isnull=False)),
        )
        .order_by("-printed_at")
    )


def letter_batch_get(*, batch: uuid.UUID) -> dict[str, Any]:
    """One batch: its institution, number of letters, expiry and how many were used."""
    found = (
        ResidencyLetter.objects.filter(batch=batch)
        .values("batch", "institution_id")
        .annotate(
            printed_at=Min("created_at"),
            expires_at=Max("expires_at"),
            count=Count("id"),
            used=Count("id", filter=Q(used_at__isnull=False)),
        )
        .order_by("batch")
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such batch of letters."))
    return found
