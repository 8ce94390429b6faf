"""Forms of the campaign pages: each parses what a person typed for one service call."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bloc.electoral.campaigns import MAX_TURFS_AT_ONCE, NOTE_MAX_LENGTH
from bloc.electoral.models import CampaignRoleKind, Category, ContactOutcome
from bloc.forms import DateInput

SUPPORT_CHOICES = [
    ("", _("Not said")),
    ("1", _("1 against")),
    ("2", "2"),
    ("3", _("3 undecided")),
    ("4", "4"),
    ("5", _("5 strongly for")),
]


def _none_or_int(value: str) -> int | None:
    return int(value) if value else None


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    subject = forms.ChoiceField(
        label=_("For"), help_text=_("An endorsed candidate, or a petition of the chapter.")
    )
    election_date = forms.DateField(
        label=_("Election day"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the candidate's election day."),
    )

    def __init__(self, *args: Any, subjects: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects


class RoleForm(forms.Form):
    email = forms.EmailField(
        label=_("Email of the person"), help_text=_("They need an account on bloc.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=CampaignRoleKind.choices)


class TurfForm(forms.Form):
    institution = forms.ChoiceField(label=_("Block"))
    name = forms.CharField(
        label=_("Name"), max_length=190, required=False, help_text=_("Empty: the block's name.")
    )
    addresses = forms.CharField(
        label=_("Addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line, from the block's address list. Empty: every address of the block "
            "not on a turf yet."
        ),
    )
    parts = forms.IntegerField(
        label=_("Split into this many turfs"),
        min_value=1,
        max_value=MAX_TURFS_AT_ONCE,
        initial=1,
        help_text=_("Of about equal size, each a run of neighbouring doors."),
    )

    def __init__(self, *args: Any, institutions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = institutions


class CanvassersForm(forms.Form):
    canvassers = forms.MultipleChoiceField(
        label=_("Canvassers"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["canvassers"].choices = people


class ContactForm(forms.Form):
    """One knock on one door: a form per door on the canvass page (prefix ``door-<id>``)."""

    outcome = forms.ChoiceField(
        label=_("What happened"), choices=ContactOutcome.choices, widget=forms.RadioSelect
    )
    resident = forms.CharField(label=_("Resident's name"), max_length=200, required=False)
    support = forms.TypedChoiceField(
        label=_("Support, if you talked"),
        choices=SUPPORT_CHOICES,
        coerce=_none_or_int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    issues = forms.MultipleChoiceField(
        label=_("Issues raised"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up = forms.BooleanField(label=_("Follow up"), required=False)


class OfferForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"))

    def __init__(self, *args: Any, events: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = events
