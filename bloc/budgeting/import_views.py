"""Importing a Pabulib file from the pages: a real city's vote replayed as a closed budget.

A malformed file is refused with the line at fault and nothing is written.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from bloc.budgeting.pabulib_import import budget_import
from bloc.forms import submit
from bloc.institutions.views import viewable

MAX_BYTES = 20 * 1024 * 1024  # Warsaw's whole city, 60,000 voters, is 3 MB


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Pabulib file (.pb)"),
        help_text=gettext_lazy("A participatory budget in the format of pabulib.org."),
    )
    rule = forms.ChoiceField(
        label=gettext_lazy("Count it with"),
        required=False,
        choices=[
            ("", gettext_lazy("The rule the file names")),
            ("greedy", gettext_lazy("Most votes first (greedy)")),
            ("mes", gettext_lazy("Method of Equal Shares")),
            ("mes_add1", gettext_lazy("Method of Equal Shares with Add1")),
            ("mes_add1_greedy", gettext_lazy("Method of Equal Shares with Add1, then greedy")),
            ("phragmen", gettext_lazy("Sequential Phragmén")),
        ],
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


@require_http_methods(["GET", "POST"])
def budget_import_page(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "budget.manage")
    if isinstance(found, HttpResponse):
        return found
    institution = found
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            rule = form.cleaned_data["rule"] or None
            budget, status = submit(form, lambda: budget_import(
                actor=request.user, institution=institution, text=form.cleaned_data["file"],
                name=request.FILES["file"].name, rule=rule,
            ))  # fmt: skip
            if budget is not None:
                messages.success(
                    request, _("%(title)s is imported and counted.") % {"title": budget.title}
                )
                return redirect("institutions:budget_results", slug=slug, budget_id=budget.pk)
    context = {"institution": institution, "form": form}
    return render(request, "budgeting/budget_import.html", context, status=status)
