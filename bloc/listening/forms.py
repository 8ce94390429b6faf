"""Forms of the listening pages; the services do the real checking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bloc.forms import datetime_field
from bloc.listening import needs as needs_svc
from bloc.listening import surveys as svc
from bloc.listening.models import Audience, NeedCategory, QuestionKind


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=svc.TITLE_MAX)
    description = forms.CharField(
        label=_("What it is for"),
        required=False,
        max_length=svc.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audience = forms.ChoiceField(
        label=_("Who answers"), choices=Audience.choices, widget=forms.Select
    )
    opens_at = datetime_field(_("Opens at (optional)"), required=False)
    closes_at = datetime_field(_("Closes at (optional)"), required=False)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    text_en = forms.CharField(label=_("Question in English"), max_length=svc.QUESTION_MAX)
    text_es = forms.CharField(
        label=_("Question in Spanish (optional)"), required=False, max_length=svc.QUESTION_MAX
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    options = forms.CharField(
        label=_("Choices, one a line"),
        help_text=_(
            "For the choice kinds only. Write the English, then | and the Spanish: Rent | Alquiler"
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def option_list(self) -> list[dict[str, str]]:
        options = []
        for line in self.cleaned_data.get("options", "").splitlines():
            if not line.strip():
                continue
            en, _bar, es = line.partition("|")
            options.append({"en": en.strip(), "es": es.strip()})
        return options


class NeedForm(forms.Form):
    address = forms.TypedChoiceField(
        label=_("Address"), required=False, coerce=int, empty_value=None
    )
    place = forms.CharField(
        label=_("Or where (when not on the list)"),
        required=False,
        max_length=needs_svc.PLACE_MAX,
    )
    categories = forms.MultipleChoiceField(
        label=_("What it is about"),
        choices=NeedCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    need = forms.CharField(
        label=_("What they need"),
        max_length=needs_svc.NEED_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    follow_up = forms.BooleanField(label=_("They want a follow-up"), required=False)
    consent = forms.BooleanField(label=_("They agree to be contacted"), required=False)
    contact_name = forms.CharField(
        label=_("Their name (only with their consent)"),
        required=False,
        max_length=needs_svc.NAME_MAX,
    )
    contact_phone = forms.CharField(
        label=_("Their phone (only with their consent)"),
        required=False,
        max_length=needs_svc.PHONE_MAX,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, addresses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["address"].choices = [("", _("— not on the list —")), *addresses]  # type: ignore[attr-defined]
