"""Rate limits: on failed attempts (logins, codes) and on things done too often
(sign-ups per address, votes per account).

A limit is counted over a sliding window in the database, per key: the
account tried, and the client's address. Success does not erase failures
from the address (that would let one known account reset a guessing run),
but it does clear the account's own count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from bloc.accounts.models import ThrottleAttempt


@dataclass(frozen=True)
class Limit:
    key: str
    max_failures: int


def is_throttled(scope: str, limits: list[Limit], window_seconds: int) -> bool:
    """True when any key has reached its number of failures inside the window."""
    since = timezone.now() - timedelta(seconds=window_seconds)
    for limit in limits:
        failures = ThrottleAttempt.objects.filter(scope=scope, key=limit.key, at__gte=since).count()
        if failures >= limit.max_failures:
            return True
    return False


def record_failure(scope: str, keys: list[str]) -> None:
    now = timezone.now()
    ThrottleAttempt.objects.bulk_create(ThrottleAttempt(scope=scope, key=k, at=now) for k in keys)


def record_attempt(scope: str, key: str, window_seconds: int) -> None:
    """Count one attempt for ``key``, and forget its attempts older than the window.

    For limits on things done often (sign-ups, votes): each key keeps at most a
    window's worth of marks, so the table does not grow with every vote ever cast.
    """
    now = timezone.now()
    ThrottleAttempt.objects.filter(
        scope=scope, key=key, at__lt=now - timedelta(seconds=window_seconds)
    ).delete()
    ThrottleAttempt.objects.create(scope=scope, key=key, at=now)


def clear(scope: str, key: str) -> None:
    ThrottleAttempt.objects.filter(scope=scope, key=key).delete()


def prune(older_than_seconds: int) -> int:
    """Forget attempts older than the longest window (run from a periodic task)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    deleted, _ = ThrottleAttempt.objects.filter(at__lt=cutoff).delete()
    return deleted


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only from configured proxies."""
    proxies = settings.BLOC_TRUSTED_PROXIES
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", "unknown"))
