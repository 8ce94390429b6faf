"""Forms of the budgeting pages: they parse; the services decide.

Money is read as text and handed to the services as typed, so that a negative or
non-numeric amount gets the services' own message ("cannot be negative") next to
its field rather than a generic one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bloc.budgeting import services as svc
from bloc.budgeting.models import (
    BallotKind,
    Budget,
    Completion,
    Progress,
    Project,
    Rule,
    Satisfaction,
    Source,
)
from bloc.concerns.forms import MultiplePhotoField
from bloc.concerns.photos import MAX_BYTES, MAX_PHOTOS
from bloc.concerns.services import PHOTO_DESCRIPTION_MAX
from bloc.forms import datetime_field

PHASE_FIELDS = ("ideas_open", "review_from", "voting_opens", "voting_closes", "implementation_from")
BALLOT_FIELDS = svc.BALLOT_FIELDS  # shown, not editable, once voting has opened


def money_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    """A whole amount typed as digits; the service says what is wrong with it."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        **kwargs,
    )


def _number(label: Any, *, required: bool = False, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=0, max_value=32767,
                              **kwargs)  # fmt: skip


class BudgetForm(forms.Form):
    """Everything a facilitator sets on a budget, and its review team."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=svc.TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("Description (optional)"),
        required=False,
        max_length=svc.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What the money is for, and what kind of ideas are welcome."),
    )
    source = forms.ChoiceField(label=gettext_lazy("Where the money comes from"),
                               choices=Source.choices)  # fmt: skip
    source_detail = forms.CharField(
        label=gettext_lazy("The source, in a few words (optional)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For example: the 2027 dues, or the city's neighbourhood fund."),
    )
    amount = money_field(
        gettext_lazy("Amount"),
        help_text=gettext_lazy("In whole units of the currency, digits only."),
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        max_length=3,
        initial="USD",
        help_text=gettext_lazy("Its three-letter code, such as USD or EUR."),
    )
    council_id = forms.TypedChoiceField(
        label=gettext_lazy("Whose budget"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy(
            "A council's budget is open to the members of every assembly below the "
            "council: they submit ideas and vote here."
        ),
    )
    ballot_kind = forms.ChoiceField(label=gettext_lazy("Ballot"), choices=BallotKind.choices)
    min_projects = _number(
        gettext_lazy("Fewest projects a voter must choose"),
        initial=0,
        help_text=gettext_lazy("Approval and knapsack ballots. 0: no minimum."),
    )
    max_projects = _number(
        gettext_lazy("Most projects a voter may choose (optional)"),
        help_text=gettext_lazy("Approval and knapsack ballots. Leave empty for no limit."),
    )
    max_points = _number(
        gettext_lazy("Points each voter gives"),
        initial=10,
        help_text=gettext_lazy("Cumulative ballots only."),
    )
    max_per_project = _number(
        gettext_lazy("Most points on one project (optional)"),
        help_text=gettext_lazy("Cumulative ballots only. Leave empty for no limit."),
    )
    min_votes = _number(
        gettext_lazy("Votes a project needs"),
        initial=0,
        help_text=gettext_lazy(
            "A project with fewer votes is not funded, whatever the rule (as Warsaw requires "
            "3,000 votes). 0: no threshold."
        ),
    )
    rule = forms.ChoiceField(
        label=gettext_lazy("Counting rule"),
        choices=Rule.choices,
        initial=Rule.MES,
        help_text=gettext_lazy(
            "Method of Equal Shares: every voter gets an equal share of the money and a "
            "project is funded when its supporters can pay for it together, so each group "
            "of neighbours gets about its fair share. Most votes first (greedy): projects "
            "are funded in order of their votes while money is left, so the largest group "
            "may take it all. Sequential Phragmén: spreads each project's cost over its "
            "supporters so that nobody carries much more than anyone else (approval ballots "
            "only)."
        ),
    )
    sat = forms.ChoiceField(
        label=gettext_lazy("Satisfaction"),
        choices=Satisfaction.choices,
        initial=Satisfaction.COST,
        help_text=gettext_lazy(
            "How the rule measures what a voter gets. Cost favours spending the money on "
            "what voters chose; count favours funding more projects. Sequential Phragmén "
            "ignores it."
        ),
    )
    completion = forms.ChoiceField(
        label=gettext_lazy("Completion"),
        choices=Completion.choices,
        initial=Completion.ADD1_GREEDY,
        required=False,
        help_text=gettext_lazy(
            "Equal Shares can leave money unspent. A completion raises every share a little "
            "and counts again while the result stays within the budget (Add1), as the "
            "cities that use the method do. Ignored by the other rules."
        ),
    )
    ideas_open = datetime_field(gettext_lazy("Ideas from"))
    review_from = datetime_field(
        gettext_lazy("Feasibility review from"),
        help_text=gettext_lazy("Ideas are taken until then."),
    )
    voting_opens = datetime_field(gettext_lazy("Voting opens"))
    voting_closes = datetime_field(
        gettext_lazy("Voting closes"), help_text=gettext_lazy("The votes are counted then.")
    )
    implementation_from = datetime_field(gettext_lazy("Implementation from"))
    reviewers = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Review team"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Members who check each idea, mark it feasible or not with a public reason, "
            "and post the implementation updates. Facilitators can always do this."
        ),
    )

    def __init__(
        self,
        *args: Any,
        members: list[tuple[int, str]] = (),  # type: ignore[assignment]
        councils: list[tuple[int, str]] = (),  # type: ignore[assignment]
        owner: str = "",
        frozen: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].choices = list(members)
        self.fields["council_id"].choices = [("", owner), *councils]
        if not councils:  # the institution sits in no council: nothing to choose
            del self.fields["council_id"]
        for name in frozen:
            # Fixed once voting opens: shown, not editable, and what is posted is ignored.
            if name in self.fields:
                self.fields[name].disabled = True
        if not self.is_bound and "ideas_open" not in self.initial:
            start = timezone.localtime().replace(second=0, microsecond=0)
            week = datetime.timedelta(days=7)
            for weeks, name in zip((0, 3, 5, 7, 8), PHASE_FIELDS, strict=True):
                self.initial[name] = start + weeks * week

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields in the sections the page shows them in."""
        sections = (
            (gettext_lazy("The budget"), ("title", "description", "council_id")),
            (gettext_lazy("The money"), ("amount", "currency", "source", "source_detail")),
            (gettext_lazy("The phases"), PHASE_FIELDS),
            (
                gettext_lazy("The ballot"),
                ("ballot_kind", "min_projects", "max_projects", "max_points", "max_per_project"),
            ),
            (gettext_lazy("The count"), ("rule", "sat", "completion", "min_votes")),
            (gettext_lazy("The review team"), ("reviewers",)),
        )
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in sections
        ]

    @classmethod
    def initial_of(cls, budget: Budget) -> dict[str, Any]:
        names = [n for n in cls.base_fields if n != "reviewers"]
        initial = {name: getattr(budget, name) for name in names}
        initial["reviewers"] = list(budget.reviewers.values_list("pk", flat=True))
        return initial

    def settings(self) -> svc.BudgetSettings:
        data = self.cleaned_data
        rule = data["rule"]
        return svc.BudgetSettings(
            title=data["title"],
            description=data["description"],
            source=data["source"],
            source_detail=data["source_detail"],
            amount=data["amount"],
            currency=data["currency"],
            ballot_kind=data["ballot_kind"],
            min_projects=data["min_projects"] or 0,
            max_projects=data["max_projects"],
            max_points=data["max_points"] or 10,
            max_per_project=data["max_per_project"],
            min_votes=data["min_votes"] or 0,
            rule=rule,
            sat=data["sat"],
            # Only Equal Shares has a completion: the other rules ignore the field.
            completion=(data["completion"] or "") if rule == Rule.MES else "",
            council_id=data.get("council_id"),
            **{name: data[name] for name in PHASE_FIELDS},
        )


class IdeaForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=svc.PROJECT_TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("What would be done"),
        max_length=svc.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What, for whom, and why it matters to the neighbourhood."),
    )
    estimated_cost = money_field(gettext_lazy("Estimated cost"))
    place = forms.CharField(
        label=gettext_lazy("Where (optional)"),
        required=False,
        max_length=svc.PLACE_MAX,
        help_text=gettext_lazy("An address, a park, a corner."),
    )
    category = forms.CharField(
        label=gettext_lazy("Category (optional)"),
        required=False,
        max_length=svc.CATEGORY_MAX,
        help_text=gettext_lazy("For example: streets, green spaces, culture, safety."),
    )

    def __init__(self, *args: Any, currency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estimated_cost"].help_text = _(
            "In whole %(currency)s, digits only. The review team may revise it."
        ) % {"currency": currency}


class ReviewForm(forms.Form):
    feasible = forms.ChoiceField(
        label=gettext_lazy("Can it be done?"),
        choices=[
            ("yes", gettext_lazy("Feasible: put it on the ballot")),
            ("no", gettext_lazy("Not feasible")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason, for everyone to read"),
        max_length=svc.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Shown on the project's page to its author and every resident."),
    )
    cost = money_field(
        gettext_lazy("Revised cost (optional)"),
        required=False,
        help_text=gettext_lazy(
            "What it would really cost, if not the estimate. The ballot and the count use it."
        ),
    )

    @staticmethod
    def initial_of(project: Project) -> dict[str, Any]:
        initial: dict[str, Any] = {"reason": project.review_reason}
        if project.status in ("feasible", "infeasible"):
            initial["feasible"] = "yes" if project.status == "feasible" else "no"
        if project.cost is not None:
            initial["cost"] = project.cost
        return initial


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label=gettext_lazy("The idea to keep"),
        coerce=int,
        widget=forms.RadioSelect,
    )
    others = forms.TypedMultipleChoiceField(
        label=gettext_lazy("The ideas to fold into it"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "They leave the list and show where they went and why. Ideas already merged "
            "into them follow."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why they belong together"),
        max_length=svc.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, ideas: list[Project] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        choices = [(p.pk, p.title) for p in ideas]
        self.fields["into"].choices = choices
        self.fields["others"].choices = choices


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=svc.UPDATE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    progress = forms.ChoiceField(
        label=gettext_lazy("Progress"),
        required=False,
        choices=[("", gettext_lazy("Keep it as it is"))] + list(Progress.choices),
    )
    spent = money_field(
        gettext_lazy("Money spent so far, in all (optional)"),
        required=False,
        help_text=gettext_lazy("The total to date, not only this time. Leave empty to keep it."),
    )
    photos = MultiplePhotoField(label=gettext_lazy("Photos (optional)"), required=False)
    photo_description = forms.CharField(
        label=gettext_lazy("What the photos show (optional)"),
        max_length=PHOTO_DESCRIPTION_MAX,
        required=False,
        help_text=gettext_lazy("Read out to people who cannot see the photos."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _(
            "Up to %(count)s JPEG, PNG or WebP photos of at most %(mb)s MB each. Their "
            "location and camera details are removed. If the form comes back with an "
            "error, choose them again."
        ) % {"count": MAX_PHOTOS, "mb": MAX_BYTES // (1024 * 1024)}

    def clean_photos(self) -> list[Any]:
        files = self.cleaned_data.get("photos") or []
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("Send at most %(most)s photos.") % {"most": MAX_PHOTOS})
        return files
