"""The forms of the events pages. Times are read in the current time zone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bloc.events.models import Rsvp
from bloc.events.services import CAPACITY_MAX, PLACE_MAX_LENGTH, TITLE_MAX_LENGTH
from bloc.forms import datetime_field


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    place = forms.CharField(
        label=_("Place (optional)"), max_length=PLACE_MAX_LENGTH, required=False
    )
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))


class ShiftForm(forms.Form):
    title = forms.CharField(
        label=_("Task"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("What the volunteers of this shift will do."),
    )
    starts_at = datetime_field(_("Shift starts at"))
    ends_at = datetime_field(_("Shift ends at"))
    capacity = forms.IntegerField(
        label=_("People needed"), min_value=1, max_value=CAPACITY_MAX, initial=2
    )


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(choices=Rsvp.Answer.choices)
