"""Forms of the platform pages: they parse; the services in ``platforms`` decide (and
say why not)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bloc.electoral.models import Category, PlatformMethod, PlatformWeighting
from bloc.forms import DATETIME_FORMAT, datetime_field


class PriorityForm(forms.Form):
    institution = forms.TypedChoiceField(
        label=_("Proposed by"),
        coerce=int,
        help_text=_("The assembly you propose it for (you are one of its officers)."),
    )
    # Not required here: the service says what is missing, in its own words.
    title = forms.CharField(label=_("Priority"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    description = forms.CharField(
        label=_("What it asks for (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, institutions: Iterable[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = list(institutions)


class PlatformForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    priorities = forms.TypedMultipleChoiceField(
        label=_("Priorities to rank"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every assembly of the chapter ranks the ones you choose."),
    )
    method = forms.ChoiceField(
        label=_("How the assemblies' rankings are combined"),
        choices=PlatformMethod.choices,
        initial=PlatformMethod.SCHULZE,
    )
    weighting = forms.ChoiceField(
        label=_("How each assembly counts"),
        choices=PlatformWeighting.choices,
        initial=PlatformWeighting.ASSEMBLIES,
    )

    def __init__(self, *args: Any, priorities: Iterable[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].choices = list(priorities)


def two_weeks_ahead() -> str:
    moment = timezone.localtime() + datetime.timedelta(days=14)
    return moment.strftime(DATETIME_FORMAT)


class SendForm(forms.Form):
    closes_at = datetime_field(
        _("The assemblies rank until"),
        help_text=_(
            "Each assembly's poll closes then; the platform is published once all are counted."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"closes_at": two_weeks_ahead()})
        super().__init__(*args, **kwargs)
