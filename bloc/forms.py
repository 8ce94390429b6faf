"""Connecting forms to services: domain errors become form errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from bloc.core.errors import DomainError, PermissionDenied, ValidationFailed

T = TypeVar("T")


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: on its fields when it names them."""
    if isinstance(error, ValidationFailed) and error.fields:
        for field, messages in error.fields.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
        return
    form.add_error(None, error.message)


def submit(form: forms.Form, action: Callable[[], T]) -> tuple[T | None, int]:
    """Run a valid form's service call: ``(result, 200)``, or ``(None, status)`` with the
    refusal shown on the form. A permission refusal raises the 403 page instead."""
    try:
        return action(), 200
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except DomainError as exc:
        add_domain_error(form, exc)
        return None, exc.status


DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """A date picker (``<input type="date">``)."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    """A date and time picker (``<input type="datetime-local">``), to the minute."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_FORMAT)


def datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    """A datetime-local field, read in the current time zone (Django makes naive input
    aware in it); seconds and a space instead of the T are accepted too."""
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        **kwargs,
    )
