"""Connecting forms to services: domain errors become form errors."""

from __future__ import annotations

from django import forms

from bloc.core.errors import DomainError, ValidationFailed


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: on its fields when it names them."""
    if isinstance(error, ValidationFailed) and error.fields:
        for field, messages in error.fields.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
        return
    form.add_error(None, error.message)
