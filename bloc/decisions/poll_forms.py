"""The forms of the poll pages: setting up a poll, and reading a submitted ballot."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bloc.core import polls as poll_rules
from bloc.core.ballot_entry import APPROVAL, CHOICE, RANKED, SCORE
from bloc.core.tally.rules import RULES
from bloc.decisions.poll_selectors import rule_choices
from bloc.decisions.polls import TITLE_MAX_LENGTH
from bloc.forms import datetime_field


class PollCreateForm(forms.Form):
    title = forms.CharField(label=_("Question"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What members should know before they vote."),
    )
    rule = forms.ChoiceField(label=_("Counting rule"))
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Not used for majority, supermajority and consensus: their options are fixed "
            "(for, against, abstain; consent, stand aside, block)."
        ),
    )
    seats = forms.IntegerField(
        label=_("Seats to fill"),
        min_value=1,
        initial=1,
        help_text=_(
            "More than one only for rules that fill several seats (stv, meek, av, pav, seq_phragmen, equal_shares)."
        ),  # fmt: skip
    )
    ballot = forms.ChoiceField(
        label=_("Ballot"),
        choices=[
            ("secret", _("Secret: nobody can see how anyone voted")),
            ("open", _("Open (roll call): who voted what is published after the vote")),
        ],
        initial="secret",
    )
    opens_at = datetime_field(_("Voting opens at"))
    closes_at = datetime_field(_("Voting closes at"))
    threshold = forms.CharField(
        label=_("Share needed (supermajority; consensus fallback)"),
        required=False,
        max_length=12,
        help_text=_(
            "A fraction such as 2/3. Leave empty for the usual two thirds, or for consensus without a fallback vote."
        ),  # fmt: skip
    )
    max_approvals = forms.IntegerField(
        label=_("Most options a member may approve"), required=False, min_value=1
    )
    min_approvals = forms.IntegerField(
        label=_("Fewest options a member must approve"), required=False, min_value=0
    )
    low = forms.IntegerField(label=_("Lowest score"), required=False, initial=0)
    high = forms.IntegerField(label=_("Highest score"), required=False, initial=5)
    by = forms.ChoiceField(
        label=_("Scores are combined by"),
        choices=[("mean", _("average")), ("sum", _("total"))],
        initial="mean",
    )
    rank_all = forms.BooleanField(label=_("Voters must rank every option"), required=False)

    def __init__(self, *args: Any, default_rule: str = "majority", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = rule_choices()
        self.fields["rule"].initial = default_rule if default_rule in RULES else "majority"
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("opens_at", now)
            self.initial.setdefault("closes_at", now + datetime.timedelta(days=7))

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned form as ``poll_create`` arguments; only the rule's own settings."""
        data = self.cleaned_data
        rule = data["rule"]
        kind = poll_rules.ballot_kind(rule)
        parameters: dict[str, Any] = {}
        if rule in ("supermajority", "consensus"):
            parameters["threshold"] = data["threshold"].strip()
        if kind == APPROVAL:
            parameters["max_approvals"] = data["max_approvals"]
            parameters["min_approvals"] = data["min_approvals"]
        if kind == SCORE:
            parameters["low"] = data["low"]
            parameters["high"] = data["high"]
            parameters["by"] = data["by"]
        if kind == RANKED and data["rank_all"]:
            parameters["rank_all"] = True
        options = [line.strip() for line in data["options"].splitlines() if line.strip()]
        return {
            "title": data["title"],
            "description": data["description"].strip(),
            "rule": rule,
            "options": [] if poll_rules.is_motion(rule) else options,
            "seats": data["seats"],
            "secret": data["ballot"] == "secret",
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "parameters": parameters,
        }


# --- ballots ----------------------------------------------------------------------


@dataclass(frozen=True)
class BallotOption:
    position: int
    name: str
    value: str  # what the voter entered for it, kept on a refused ballot


def ballot_data(kind: str, post: QueryDict, n: int) -> Any:
    """What a ballot form posted, as ``bloc.decisions.voting.check_ballot`` reads it."""
    if kind == CHOICE:
        return post.get("choice")
    if kind == APPROVAL:
        return post.getlist("approve")
    prefix = "rank" if kind == RANKED else "score"
    return {position: post.get(f"{prefix}-{position}") for position in range(n)}


def ballot_options(kind: str, names: tuple[str, ...], data: Any = None) -> list[BallotOption]:
    """The options of a ballot form, each with the value the voter had given it."""
    out = []
    for position, name in enumerate(names):
        value = ""
        if kind == CHOICE:
            value = "checked" if data is not None and str(data) == str(position) else ""
        elif kind == APPROVAL:
            chosen = {str(item) for item in (data or [])}
            value = "checked" if str(position) in chosen else ""
        elif isinstance(data, dict):
            value = str(data.get(position) or "")
        out.append(BallotOption(position, name, value))
    return out
