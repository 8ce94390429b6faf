"""The forms of the meeting pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bloc.forms import datetime_field
from bloc.meetings.models import Attendance, QueueOrdering
from bloc.meetings.services import CODE_LENGTH, GROUP_MAX_LENGTH


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("For members who join from home (leave it empty if there is none)."),
    )
    ordering = forms.ChoiceField(
        label=_("Order of the speakers' queue"),
        choices=QueueOrdering.choices,
        initial=QueueOrdering.FEWEST_SPOKEN,
        help_text=_(
            "Fewest spoken first lets people who have not spoken go before those speaking "
            "again. The progressive stack also lets members of groups that are less heard "
            "go first among people with the same number of turns."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200)
    minutes_allotted = forms.IntegerField(
        label=_("Minutes for it"), required=False, min_value=1, max_value=600
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    proposal = forms.TypedChoiceField(
        label=_("Proposal it is about"), required=False, coerce=int, empty_value=None
    )
    concern = forms.TypedChoiceField(
        label=_("Concern it is about"), required=False, coerce=int, empty_value=None
    )
    poll = forms.TypedChoiceField(
        label=_("Vote it is about"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, institution: Any, **kwargs: Any) -> None:
        from bloc.concerns.models import Concern
        from bloc.decisions.models import Poll, Proposal

        super().__init__(*args, **kwargs)
        none = [("", _("None"))]
        self.fields["proposal"].choices = none + [
            (p.pk, p.title) for p in Proposal.objects.filter(institution=institution)[:200]
        ]
        self.fields["concern"].choices = none + [
            (c.pk, str(c)) for c in Concern.objects.filter(institution=institution)[:200]
        ]
        self.fields["poll"].choices = none + [
            (p.pk, p.title)
            for p in Poll.objects.filter(institution=institution, cancelled_at=None)[:200]
        ]


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Door code"),
        max_length=20,
        help_text=_("The %(n)s characters shown in the room or by the facilitator.")
        % {"n": CODE_LENGTH},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    mode = forms.ChoiceField(
        label=_("How are you attending?"),
        choices=Attendance.Mode.choices,
        initial=Attendance.Mode.IN_ROOM,
        widget=forms.RadioSelect,
    )


class MarkPresentForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(choices=Attendance.Mode.choices)


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: *emphasis*, lists, links. Decisions taken are listed for you."),
    )


class SpeakingProfileForm(forms.Form):
    group = forms.CharField(
        label=_("A group you describe yourself as part of (optional)"),
        max_length=GROUP_MAX_LENGTH,
        required=False,
        help_text=_("In your own words, for example: renters, young people, Spanish speakers."),
    )
    less_heard = forms.BooleanField(
        label=_("My group is less heard in meetings"),
        required=False,
    )
