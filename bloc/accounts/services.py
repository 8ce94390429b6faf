"""Writes about people and their accounts."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc import permissions
from bloc.accounts import throttling
from bloc.accounts.models import ApiToken, User
from bloc.audit.services import audit_append
from bloc.core.errors import Conflict, NotFound, Throttled, ValidationFailed

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
TOKEN_PREFIX = "bloc_"  # noqa: S105 - a marker, not a secret
LOGIN_SCOPE = "login"
SIGNUP_SCOPE = "signup"
VOTE_SCOPE = "vote"


def _clean_language(language: str) -> str:
    if language not in LANGUAGE_CODES:
        raise ValidationFailed.for_field(
            "preferred_language",
            _("Choose one of the offered languages."),
            code="unknown_language",
        )
    return language


def _clean_name(full_name: str) -> str:
    name = " ".join(full_name.split())
    if not name:
        raise ValidationFailed.for_field("full_name", _("Please enter your name."))
    if len(name) > 150:
        raise ValidationFailed.for_field(
            "full_name", _("Your name can have at most 150 characters.")
        )
    return name


def _clean_email(email: str) -> str:
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed.for_field("email", _("Enter a valid email address.")) from None
    return email


def _clean_address(address: str) -> str:
    address = " ".join(address.split())
    if len(address) > 255:
        raise ValidationFailed.for_field(
            "address", _("The address can have at most 255 characters.")
        )
    return address


def _user_create(
    *,
    actor: object,
    action: str,
    email: str,
    password: str | None,
    full_name: str,
    preferred_language: str,
    address: str,
) -> User:
    """Create the account and log it; an address already in use is a conflict."""
    taken = Conflict(_("An account with this email address already exists."), code="email_taken")
    try:
        with transaction.atomic():
            if User.objects.filter(email__iexact=email).exists():
                raise taken
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name,
                preferred_language=preferred_language,
                address=address,
            )
            audit_append(actor=user if actor is None else actor, action=action, subject=user)
    except IntegrityError:
        # Two sign-ups with the same address at the same moment: one wins.
        raise taken from None
    return user


def user_signup(
    *,
    actor: object,
    email: str,
    password: str,
    full_name: str,
    preferred_language: str = "en",
    address: str = "",
    ip: str | None = None,
) -> User:
    """Create a person's own account. The email address is their login.

    ``ip``, the client's address, is given by the front doors people use: each
    address may try ``BLOC_SIGNUPS_PER_IP`` sign-ups per window (accounts made or
    refused as taken). Over the limit the service refuses (``Throttled``) and
    writes nothing.
    """
    if ip is not None:
        _signup_check_rate(ip)
    email = _clean_email(email)
    full_name = _clean_name(full_name)
    preferred_language = _clean_language(preferred_language)
    address = _clean_address(address)
    try:
        candidate = User(email=email, full_name=full_name, address=address)
        password_validation.validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("Choose a stronger password."), fields={"password": list(exc.messages)}
        ) from None
    if ip is not None:
        throttling.record_attempt(SIGNUP_SCOPE, f"ip:{ip}", settings.BLOC_SIGNUP_WINDOW)
    # The person signs themselves up: the log names them, not the visitor they were.
    return _user_create(
        actor=None,
        action="account.signup",
        email=email,
        password=password,
        full_name=full_name,
        preferred_language=preferred_language,
        address=address,
    )


def _wait_message(window_seconds: int) -> str:
    minutes = max(1, window_seconds // 60)
    return ngettext(
        "Please wait a minute and try again.",
        "Please wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def _signup_check_rate(ip: str) -> None:
    limit = throttling.Limit(f"ip:{ip}", settings.BLOC_SIGNUPS_PER_IP)
    if throttling.is_throttled(SIGNUP_SCOPE, [limit], settings.BLOC_SIGNUP_WINDOW):
        raise Throttled(
            _("Too many sign-ups from your address. %(wait)s")
            % {"wait": _wait_message(settings.BLOC_SIGNUP_WINDOW)},
            code="signup_throttled",
        )


def vote_check_rate(*, actor: object) -> None:
    """Refuse a vote when ``actor`` cast ``BLOC_VOTES_PER_ACCOUNT`` votes (polls and
    budgets together) within ``BLOC_VOTE_WINDOW`` seconds: a person never does, a
    script does. Called by the voting services before they write anything."""
    limit = throttling.Limit(f"account:{actor.pk}", settings.BLOC_VOTES_PER_ACCOUNT)  # type: ignore[attr-defined]
    if throttling.is_throttled(VOTE_SCOPE, [limit], settings.BLOC_VOTE_WINDOW):
        raise Throttled(
            _("Too many votes in a short time. %(wait)s")
            % {"wait": _wait_message(settings.BLOC_VOTE_WINDOW)},
            code="vote_throttled",
        )


def vote_record_rate(*, actor: object) -> None:
    """Count a vote cast by ``actor`` (in the vote's own transaction)."""
    throttling.record_attempt(VOTE_SCOPE, f"account:{actor.pk}", settings.BLOC_VOTE_WINDOW)  # type: ignore[attr-defined]


def resident_register(
    *,
    actor: object,
    email: str,
    full_name: str,
    address: str = "",
    preferred_language: str = "en",
) -> User:
    """Record a resident who signed up on paper; they set a password later by email.

    The account has no usable password until its owner claims it.
    """
    permissions.require(actor, "account.register_resident", None)
    return _user_create(
        actor=actor,
        action="account.register_resident",
        email=_clean_email(email),
        password=None,
        full_name=_clean_name(full_name),
        preferred_language=_clean_language(preferred_language),
        address=_clean_address(address),
    )


def user_profile_update(
    *,
    actor: object,
    user: User,
    full_name: str | None = None,
    preferred_language: str | None = None,
    address: str | None = None,
) -> User:
    """Change a person's own name, language or address."""
    permissions.require(actor, "account.update", user)
    changes: dict[str, str] = {}
    if full_name is not None:
        changes["full_name"] = _clean_name(full_name)
    if preferred_language is not None:
        changes["preferred_language"] = _clean_language(preferred_language)
    if address is not None:
        changes["address"] = _clean_address(address)
    changed = [field for field, value in changes.items() if getattr(user, field) != value]
    if not changed:
        return user
    with transaction.atomic():
        for field in changed:
            setattr(user, field, changes[field])
        user.save(update_fields=changed)
        # Field names only: the log must not copy personal data around.
        audit_append(
            actor=actor, action="account.update", subject=user, data={"fields": sorted(changed)}
        )
    return user


def password_reset_record(*, user: User) -> None:
    """Log a password set through an emailed reset link (Django's view sets it)."""
    audit_append(actor=user, action="account.password_reset", subject=user)


def login_throttle_limits(*, email: str, ip: str) -> list[throttling.Limit]:
    return [
        throttling.Limit(
            f"account:{email.strip().lower()}", settings.BLOC_LOGIN_FAILURES_PER_ACCOUNT
        ),
        throttling.Limit(f"ip:{ip}", settings.BLOC_LOGIN_FAILURES_PER_IP),
    ]


def login_check_throttle(*, email: str, ip: str) -> None:
    """Refuse a login attempt when this account or address failed too often lately."""
    limits = login_throttle_limits(email=email, ip=ip)
    if throttling.is_throttled(LOGIN_SCOPE, limits, settings.BLOC_LOGIN_FAILURE_WINDOW):
        minutes = max(1, settings.BLOC_LOGIN_FAILURE_WINDOW // 60)
        raise Throttled(
            _("Too many failed attempts. Please wait %(minutes)s minutes and try again.")
            % {"minutes": minutes}
        )


def login_record_failure(*, email: str, ip: str) -> None:
    keys = [limit.key for limit in login_throttle_limits(email=email, ip=ip)]
    throttling.record_failure(LOGIN_SCOPE, keys)


def login_record_success(*, email: str) -> None:
    throttling.clear(LOGIN_SCOPE, f"account:{email.strip().lower()}")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Make a personal API token. The secret is returned once and never stored."""
    permissions.require(actor, "api_token.manage", None)
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed.for_field(
            "name", _("Give the token a name, so you can recognise it.")
        )
    if len(name) > 80:
        raise ValidationFailed.for_field("name", _("The name can have at most 80 characters."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6], digest=_digest(secret)
        )
        audit_append(actor=actor, action="api_token.create", subject=token)
    return token, secret


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens; it stops working at once."""
    permissions.require(actor, "api_token.manage", None)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user_id=actor.pk).first()
        if token is None:
            raise NotFound(_("No such token."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_append(actor=actor, action="api_token.revoke", subject=token)
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The active person a token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Record use at most once a minute, not on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
