"""Checks every service makes of what people type, with the same words everywhere."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bloc.core.errors import ValidationFailed


def clean_text(field: str, value: str | None, most: int, *, required: str = "") -> str:
    """``value`` stripped; ``ValidationFailed`` on ``field`` when it is longer than ``most``
    characters, or empty and ``required`` (the message to show then)."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed.for_field(field, required)
    if len(value) > most:
        raise ValidationFailed.for_field(
            field, _("Keep it under %(most)s characters.") % {"most": most}
        )
    return value
