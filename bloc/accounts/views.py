from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from bloc.accounts import selectors, services
from bloc.accounts.forms import (
    ApiTokenForm,
    PasswordResetForm,
    ProfileForm,
    SignupForm,
    ThrottledLoginForm,
)
from bloc.accounts.throttling import client_ip
from bloc.core.errors import DomainError
from bloc.forms import add_domain_error


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    throttled = False
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                user = services.user_signup(
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"],
                    preferred_language=form.cleaned_data["preferred_language"],
                    address=form.cleaned_data["address"],
                    ip=client_ip(request),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                throttled = exc.status == 429
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                translation.activate(user.preferred_language)
                messages.success(
                    request, _("Welcome to bloc, %(name)s.") % {"name": user.full_name}
                )
                response = redirect("accounts:profile")
                response.set_cookie("django_language", user.preferred_language, samesite="Lax")
                return response
    else:
        form = SignupForm(initial={"preferred_language": translation.get_language()})
    status = 429 if throttled else 422 if form.is_bound else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: ThrottledLoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        language = form.get_user().preferred_language
        response.set_cookie("django_language", language, samesite="Lax")
        return response

    def form_invalid(self, form: ThrottledLoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        response.status_code = 422
        return response


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_reset_record(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _profile_page(
    request: HttpRequest,
    *,
    form: ProfileForm | None = None,
    token_form: ApiTokenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    if form is None:
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "preferred_language": user.preferred_language,
                "address": user.address,
            }
        )
    context = {
        "form": form,
        "token_form": token_form or ApiTokenForm(),
        "tokens": selectors.api_tokens_for_user(user=user),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _profile_page(request)
    user = request.user
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.user_profile_update(actor=user, user=user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            response = redirect("accounts:profile")
            response.set_cookie("django_language", user.preferred_language, samesite="Lax")
            return response
    return _profile_page(request, form=form, status=422)


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            context = {"token": token, "secret": secret}
            return render(request, "accounts/api_token_created.html", context)
    return _profile_page(request, token_form=form, status=422)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(actor=request.user, token_id=token_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; a logged-in person's profile remembers the choice."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        request.POST = request.POST.copy()
        request.POST["next"] = "/"
    if request.user.is_authenticated:
        try:
            services.user_profile_update(
                actor=request.user, user=request.user, preferred_language=language
            )
        except DomainError as exc:
            return HttpResponseBadRequest(exc.message)
    return django_set_language(request)
