"""Forms of the scorecard pages: they parse; the services in ``scorecards`` decide (and
say why not)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bloc.electoral.models import ActionKind, Pledge, Verdict
from bloc.forms import DateInput

NOT_ABOUT_IT = ""


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


def _verdicts(blank: Any = None) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [] if blank is None else [(NOT_ABOUT_IT, blank)]
    return choices + list(Verdict.choices)


class ActionForm(forms.Form):
    """What the officeholder did, with its source, and a verdict for each pledge it
    bears on (``verdict_<pledge id>``, ``note_<pledge id>``)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    title = forms.CharField(
        label=_("What they did"),
        max_length=300,
        help_text=_("For example: Voted against the tenant protection ordinance."),
    )
    on = _date(_("Date"))
    source_url = forms.CharField(
        label=_("Link to the public source"),
        max_length=500,
        widget=forms.URLInput(),
        help_text=_("The record of the vote, the bill, the video or the article."),
    )
    description = forms.CharField(
        label=_("Details (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, pledges: Iterable[Pledge] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pledges = list(pledges)
        for pledge in self.pledges:
            title = pledge.priority.title
            self.fields[f"verdict_{pledge.pk}"] = forms.ChoiceField(
                label=_("Verdict on the pledge “%(title)s”") % {"title": title},
                choices=_verdicts(_("It does not bear on this pledge")),
                required=False,
            )
            self.fields[f"note_{pledge.pk}"] = forms.CharField(
                label=_("Why (optional)"), max_length=500, required=False
            )

    @staticmethod
    def initial_for(action: Any) -> dict[str, Any]:
        return {
            "kind": action.kind,
            "title": action.title,
            "on": action.on,
            "source_url": action.source_url,
            "description": action.description,
        }

    def fact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("kind", "title", "on", "source_url", "description")]

    def pledge_fields(self) -> list[tuple[Pledge, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"verdict_{p.pk}"], self[f"note_{p.pk}"]) for p in self.pledges]

    def matches(self) -> Mapping[Pledge, tuple[str, str]]:
        """The verdicts given: pledge -> (verdict, note)."""
        data = self.cleaned_data
        return {
            p: (data[f"verdict_{p.pk}"], data.get(f"note_{p.pk}", ""))
            for p in self.pledges
            if data.get(f"verdict_{p.pk}")
        }


class VerdictForm(forms.Form):
    """Judge an action against one pledge, or change the verdict."""

    pledge = forms.TypedChoiceField(label=_("Pledge"), coerce=int)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=_verdicts())
    note = forms.CharField(label=_("Why (optional)"), max_length=500, required=False)

    def __init__(self, *args: Any, pledges: Iterable[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["pledge"].choices = list(pledges)


class RemoveActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is removed"),
        max_length=500,
        help_text=_("Kept in the audit log with what the action was."),
    )


ELECTED_CHOICES = [
    ("", _("Not known yet")),
    ("yes", _("Elected")),
    ("no", _("Not elected")),
]


class OutcomeForm(forms.Form):
    elected = forms.ChoiceField(label=_("Outcome of the election"), choices=ELECTED_CHOICES)
    took_office_on = _date(_("Took office on (optional)"), required=False)
    left_office_on = _date(
        _("Left office on (optional)"),
        required=False,
        help_text=_("Only once their term has ended."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["elected"].required = False

    @staticmethod
    def initial_for(candidate: Any) -> dict[str, Any]:
        elected = {True: "yes", False: "no"}.get(candidate.elected, "")
        return {
            "elected": elected,
            "took_office_on": candidate.took_office_on,
            "left_office_on": candidate.left_office_on,
        }

    def elected_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("elected", ""))
