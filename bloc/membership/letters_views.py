"""Pages for residency letters: facilitators print them, residents enter their code."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bloc.accounts.throttling import client_ip
from bloc.core.errors import DomainError
from bloc.forms import add_domain_error
from bloc.institutions import selectors as institution_selectors
from bloc.institutions.models import Institution
from bloc.institutions.views import get_institution, require_page
from bloc.membership import residency_letters
from bloc.permissions.roles import membership_of


class LettersForm(forms.Form):
    paper = forms.ChoiceField(
        label=gettext_lazy("Paper size"),
        choices=[("a4", gettext_lazy("A4")), ("letter", gettext_lazy("Letter (US)"))],
        initial="a4",
    )
    # LANGUAGES holds lazy names: they show in the language of the page.
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the letters"), choices=settings.LANGUAGES
    )
    addresses = forms.CharField(
        label=gettext_lazy("Only these addresses (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One address per line, as in the area's list. Leave empty to print a letter for "
            "every address of the area."
        ),
    )

    def address_list(self) -> list[str] | None:
        lines = [line for line in self.cleaned_data["addresses"].splitlines() if line.strip()]
        return lines or None


class LetterCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The code on your letter"),
        max_length=64,
        help_text=gettext_lazy(
            "12 letters and digits, like ABCD-EFGH-JKMN. Capitals, spaces and dashes do not matter."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )


def _letters_page(
    request: HttpRequest, institution: Institution, form: LettersForm, status: int = 200
) -> HttpResponse:
    context = {
        "institution": institution,
        "form": form,
        "address_count": institution.addresses.count(),
        "rules": institution_selectors.bylaws_settings(institution=institution),
        "batches": residency_letters.letter_batch_list(institution=institution),
    }
    return render(request, "membership/letters_form.html", context, status=status)


@login_required
def letters(request: HttpRequest, slug: str) -> HttpResponse:
    """Facilitators choose paper and language and download the letters as a PDF."""
    institution = get_institution(slug)
    require_page(request, "letters.generate", institution)
    if request.method != "POST":
        form = LettersForm(initial={"language": translation.get_language(), "paper": "a4"})
        return _letters_page(request, institution, form)
    form = LettersForm(request.POST)
    if form.is_valid():
        try:
            batch, pdf = residency_letters.letters_generate(
                actor=request.user,
                institution=institution,
                addresses=form.address_list(),
                paper=form.cleaned_data["paper"],
                language=form.cleaned_data["language"],
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            filename = f"letters-{institution.slug}-{timezone.localdate().isoformat()}.pdf"
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["X-Bloc-Batch"] = str(batch)
            return response
    return _letters_page(request, institution, form, status=422)


def letter_code(request: HttpRequest, slug: str) -> HttpResponse:
    """Where a resident enters the code of their letter (the letter's QR code leads here).

    Visitors who are not logged in, or not members yet, see what to do first.
    """
    institution = get_institution(slug)
    form = LetterCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                residency_letters.letter_redeem(
                    actor=request.user,
                    institution=institution,
                    code=form.cleaned_data["code"],
                    ip=client_ip(request),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status if exc.status in (403, 429) else 422
            else:
                messages.success(
                    request,
                    _("Thank you. Your residency in %(name)s is verified by letter.")
                    % {"name": institution.name},
                )
                return redirect("institutions:detail", slug=institution.slug)
        else:
            status = 422
    context = {
        "institution": institution,
        "form": form,
        "membership": membership_of(request.user, institution),
    }
    return render(request, "membership/letter_code.html", context, status=status)
