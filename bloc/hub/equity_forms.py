"""Forms of the equity pages: the self-description, a chapter question, a population
baseline, and the filters of the equity page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bloc.hub import equity_services as svc
from bloc.hub.equity_selectors import Dimension
from bloc.hub.models import AgeBand, DescriptionCategory, HomeLanguage, Tenure

NOT_SAYING = ("", _("I'd rather not say"))


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [NOT_SAYING, *choices]


class SelfDescriptionForm(forms.Form):
    tenure = forms.ChoiceField(
        label=_("Do you rent or own your home?"),
        choices=_choices(Tenure.choices),
        required=False,
    )
    age_band = forms.ChoiceField(
        label=_("How old are you?"), choices=_choices(AgeBand.choices), required=False
    )
    language = forms.ChoiceField(
        label=_("Which language do you speak at home?"),
        choices=_choices(HomeLanguage.choices),
        required=False,
    )

    def __init__(self, *args: Any, questions: list[DescriptionCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"category_{question.pk}"] = forms.ChoiceField(
                label=question.name,
                choices=_choices([(str(i), o) for i, o in enumerate(question.options)]),
                required=False,
            )

    def answers(self) -> dict[str, int | None]:
        found: dict[str, int | None] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"category_{question.pk}")
            found[str(question.pk)] = int(value) if value not in (None, "") else None
        return found


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("Question"),
        max_length=svc.NAME_MAX,
        help_text=_("For example: Do you have children living with you?"),
    )
    options = forms.CharField(
        label=_("Options, one per line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Between 2 and 12 different options."),
    )


class PopulationForm(forms.Form):
    source = forms.CharField(
        label=_("Source of the figures"),
        max_length=svc.SOURCE_MAX,
        required=False,
        help_text=_("For example: Census 2020, tract 12."),
    )

    def __init__(self, *args: Any, dimension: Dimension, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimension = dimension
        for value, label in dimension.groups:
            self.fields[f"group_{value}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=svc.RESIDENTS_MOST,
            )
        self.order_fields([f"group_{v}" for v, _label in dimension.groups] + ["source"])

    def figures(self) -> dict[str, int | None]:
        return {
            value: self.cleaned_data.get(f"group_{value}")
            for value, _label in self.dimension.groups
        }
