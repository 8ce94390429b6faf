from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bloc.accounts import services
from bloc.accounts.throttling import client_ip
from bloc.core.errors import Throttled


class SignupForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    address = forms.CharField(
        label=_("Home address (optional)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        help_text=_("Used to find the institutions you can join."),
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("password_again") != data.get("password"):
            self.add_error("password_again", _("The two passwords do not match."))
        return data


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    address = forms.CharField(
        label=_("Home address"),
        max_length=255,
        required=False,
        help_text=_("Used to find the institutions you can join."),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “meeting sign-in script”."),
    )


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, refusing accounts and addresses that failed too often."""

    error_messages = {
        "invalid_login": _("That email address and password do not match an account."),
        "inactive": _("This account is inactive."),
    }

    def clean(self) -> dict[str, Any]:
        email = self.data.get("username", "")
        ip = client_ip(self.request) if self.request else "unknown"
        try:
            services.login_check_throttle(email=email, ip=ip)
        except Throttled as exc:
            raise forms.ValidationError(exc.message, code="throttled") from None
        try:
            data = super().clean()
        except forms.ValidationError:
            services.login_record_failure(email=email, ip=ip)
            raise
        services.login_record_success(email=email)
        return data


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing to each person in the language of their profile."""

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        context = args[2] if len(args) > 2 else kwargs["context"]
        with translation.override(context["user"].preferred_language):
            super().send_mail(*args, **kwargs)
