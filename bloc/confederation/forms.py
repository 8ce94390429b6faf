"""Forms of the council pages: they parse; the services in ``councils`` and
``questions`` decide (and say why not)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bloc.confederation.councils import MAX_LEVEL
from bloc.confederation.models import Position, RatificationRule
from bloc.confederation.questions import EFFECTS, MAX_OPTIONS
from bloc.forms import DATETIME_FORMAT, datetime_field


def week_ahead() -> str:
    """The default closing time of a vote: a week from now, to the minute."""
    moment = timezone.localtime() + datetime.timedelta(days=7)
    return moment.strftime(DATETIME_FORMAT)


class CouncilForm(forms.Form):
    chapter = forms.TypedChoiceField(label=_("Chapter"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=160)
    level = forms.IntegerField(
        label=_("Level"),
        min_value=1,
        max_value=MAX_LEVEL,
        initial=1,
        help_text=_(
            "1 for a council of assemblies (a neighborhood), 2 for a council of level-1 "
            "councils (a city), and so on."
        ),
    )
    rule = forms.ChoiceField(
        label=_("How it ratifies"),
        choices=RatificationRule.choices,
        initial=RatificationRule.ASSEMBLIES,
    )
    quorum_percent = forms.IntegerField(
        label=_("Quorum (% of members)"),
        min_value=0,
        max_value=100,
        initial=50,
        help_text=_("The share of the members that must take a position for anything to pass."),
    )
    delegates_per_member = forms.IntegerField(
        label=_("Delegates per member"), min_value=1, max_value=20, initial=1
    )
    term_months = forms.IntegerField(
        label=_("Delegates' term (months)"), min_value=1, max_value=60, initial=12
    )
    description = forms.CharField(
        label=_("What it is for (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, chapters: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chapter"].choices = list(chapters)


class ClosesForm(forms.Form):
    """Put something to the assembly's vote: when the vote closes."""

    closes_at = datetime_field(_("The vote closes at"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"closes_at": week_ahead()})
        super().__init__(*args, **kwargs)


class ElectionForm(ClosesForm):
    candidates = forms.TypedMultipleChoiceField(
        label=_("Candidates"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Verified members of the assembly who stand for the council."),
    )

    def __init__(self, *args: Any, people: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidates"].choices = list(people)
        # The candidates come first, the closing time after.
        self.order_fields(["candidates", "closes_at"])


def mandates_field() -> forms.DateTimeField:
    return datetime_field(
        _("The assemblies decide their mandates until (optional)"),
        required=False,
        help_text=_(
            "Each member assembly votes on its mandate until then; leave it empty for the "
            "delegates to vote now, without mandates."
        ),
    )


def options_help() -> str:
    # Translated when shown (a lazy string formatted at import would stay in English).
    return gettext(
        "One option per line, from 2 to %(n)s: the assemblies and the delegates then "
        "rank them instead of voting for or against. Leave it empty for a question "
        "decided for or against."
    ) % {"n": MAX_OPTIONS}


class QuestionForm(forms.Form):
    title = forms.CharField(label=_("Question"), max_length=200)
    body = forms.CharField(
        label=_("Text (optional)"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    options = forms.CharField(
        label=_("Options to rank (optional)"),
        max_length=(200 + 2) * MAX_OPTIONS * 2,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=lazy(options_help, str)(),
    )
    mandates_close_at = mandates_field()

    def clean_options(self) -> list[str]:
        lines = (self.cleaned_data.get("options") or "").splitlines()
        return [line.strip() for line in lines if line.strip()]


class EffectForm(forms.Form):
    """A question whose carrying changes the council itself (``questions.EFFECTS``).

    The choice is parsed, not checked against the offered choices: the service says
    why a choice is refused (a cycle, a council it does not sit in…)."""

    action = forms.CharField(label=_("What the council decides"), widget=forms.Select)
    body = forms.CharField(
        label=_("Why (optional)"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mandates_close_at = mandates_field()

    def __init__(self, *args: Any, choices: Iterable[tuple[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["action"].widget
        widget.choices = [("", _("Choose…")), *choices]  # type: ignore[attr-defined]

    def clean_action(self) -> tuple[str, int]:
        kind, _sep, value = (self.cleaned_data.get("action") or "").partition(":")
        if kind not in EFFECTS or not value.isdigit():
            raise forms.ValidationError(_("Choose what the council decides."))
        return kind, int(value)


class SendUpForm(forms.Form):
    mandates_close_at = datetime_field(
        _("The assemblies decide their mandates until (optional)"),
        required=False,
        help_text=_("Leave it empty for the higher council's delegates to vote at once."),
    )


class FromProposalForm(SendUpForm):
    proposal = forms.IntegerField(widget=forms.HiddenInput)


class RatifyForm(forms.Form):
    closes_at = datetime_field(_("The assemblies ratify until"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"closes_at": week_ahead()})
        super().__init__(*args, **kwargs)


class DelegateVoteForm(forms.Form):
    position = forms.ChoiceField(
        label=_("Your vote"), choices=Position.choices, widget=forms.RadioSelect
    )


class RankedVoteForm(forms.Form):
    """A delegate's ranking: a rank (1 the preferred) for each option; equal ranks are
    tied, an option left without a rank is tied last."""

    def __init__(self, *args: Any, options: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_names = list(options)
        ranks = [("", "—")] + [(str(r), str(r)) for r in range(1, len(self.option_names) + 1)]
        for index, name in enumerate(self.option_names):
            self.fields[f"rank_{index}"] = forms.TypedChoiceField(
                label=name, choices=ranks, coerce=int, required=False, empty_value=None
            )

    def ranking(self) -> list[list[int]]:
        """The ranks as tiers of option indices, best first ([] for no rank at all)."""
        by_rank: dict[int, list[int]] = {}
        for index in range(len(self.option_names)):
            rank = self.cleaned_data.get(f"rank_{index}")
            if rank is not None:
                by_rank.setdefault(rank, []).append(index)
        return [by_rank[rank] for rank in sorted(by_rank)]

    @staticmethod
    def initial_for(ranking: Any) -> dict[str, str]:
        """Initial ranks from a ranking (tiers of indices): tier *n* is rank *n*."""
        return {
            f"rank_{index}": str(place)
            for place, tier in enumerate(ranking or [], start=1)
            for index in tier
        }


class RecallForm(ClosesForm):
    reason = forms.CharField(
        label=_("Why recall this delegate"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The assembly's members read this with the vote."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["reason", "closes_at"])
