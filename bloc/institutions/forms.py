from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from bloc.institutions.models import Chapter, InstitutionKind


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=InstitutionKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class InstitutionCreateForm(InstitutionForm):
    chapter = forms.ModelChoiceField(label=_("Chapter"), queryset=Chapter.objects.order_by("name"))
    addresses = forms.CharField(
        label=_("Addresses in the area"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One address per line: a house, a building, or a flat."),
    )

    field_order = ["chapter", "name", "kind", "description", "addresses"]


class AreaForm(forms.Form):
    addresses = forms.CharField(
        label=_("Addresses in the area"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One address per line. A building's address covers every flat in it."),
    )
    boundary = forms.CharField(
        label=_("Boundary (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "Optional: a GeoJSON Polygon or MultiPolygon in longitude and latitude, e.g. drawn "
            "on geojson.io. Residents who share their location are matched against it."
        ),
    )
    clear_boundary = forms.BooleanField(label=_("Remove the boundary"), required=False)


class BylawsForm(forms.Form):
    text = forms.CharField(
        label=_("Bylaws text"), required=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    note = forms.CharField(
        label=_("What changed, and when the members decided it"), max_length=255, required=False
    )
    open_membership = forms.BooleanField(
        label=_("Every resident of the area may join"), required=False
    )
    one_member_one_vote = forms.BooleanField(label=_("One member, one vote"), required=False)
    member_decisions = forms.BooleanField(
        label=_("Decisions are made by the members, not a board"), required=False
    )
    quorum_percent = forms.IntegerField(
        label=_("Quorum (percent of verified members)"),
        min_value=1,
        max_value=100,
        required=False,
    )
    term_months = forms.IntegerField(
        label=_("Length of a term in a role (months)"),
        min_value=1,
        max_value=120,
        required=False,
    )
    term_limit = forms.IntegerField(
        label=_("Most terms in a row in one role"), min_value=1, max_value=20, required=False
    )
    recall = forms.BooleanField(label=_("Members can recall any role-holder"), required=False)
    public_records = forms.BooleanField(label=_("Agendas and minutes are public"), required=False)
    vouches_required = forms.IntegerField(
        label=_("Vouches needed to verify a resident"), min_value=1, max_value=10
    )
    vouches_per_month = forms.IntegerField(
        label=_("Most vouches one member may give in 30 days"), min_value=1, max_value=50
    )
    letter_code_days = forms.IntegerField(
        label=_("Days a letter's code stays valid"), min_value=1, max_value=365
    )
    min_discussion_hours = forms.IntegerField(
        label=_("Hours a proposal is discussed before it can go to a vote"),
        min_value=0,
        max_value=720,
    )
    who_moves_to_vote = forms.ChoiceField(
        label=_("Who may move a proposal to a vote"),
        choices=[
            ("author", _("Its author")),
            ("facilitator", _("The facilitator")),
            ("any_member", _("Any verified member")),
        ],
    )
    default_rule = forms.ChoiceField(
        label=_("How votes are counted unless a poll says otherwise"),
        choices=[
            ("majority", _("Simple majority")),
            ("supermajority", _("Two-thirds majority")),
            ("consensus", _("Consensus (one block stops it)")),
            ("approval", _("Approval")),
            ("score", _("Score")),
            ("irv", _("Instant runoff")),
            ("stv", _("Single transferable vote")),
            ("schulze", _("Schulze (Condorcet)")),
        ],
    )
    vote_change_allowed = forms.BooleanField(
        label=_("Members may change an open vote until the poll closes"), required=False
    )
    custom_roles = forms.CharField(
        label=_("Other roles"),
        required=False,
        help_text=_("Short names separated by commas, e.g. garden-keeper, newsletter."),
    )

    RULE_FIELDS = (
        "open_membership",
        "one_member_one_vote",
        "member_decisions",
        "quorum_percent",
        "term_months",
        "term_limit",
        "recall",
        "public_records",
        "vouches_required",
        "vouches_per_month",
        "letter_code_days",
        "min_discussion_hours",
        "who_moves_to_vote",
        "default_rule",
        "vote_change_allowed",
    )

    @classmethod
    def choice_labels(cls, rules: Any) -> dict[str, str]:
        """The words shown for the settings that are a choice (``who_moves_to_vote`` ...)."""
        labels: dict[str, str] = {}
        for name in ("who_moves_to_vote", "default_rule"):
            field = cast(forms.ChoiceField, cls.base_fields[name])
            choices = cast(list[tuple[str, str]], field.choices)
            labels[name] = str(dict(choices)[getattr(rules, name)])
        return labels

    def rules(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.RULE_FIELDS}
        data["custom_roles"] = [
            r.strip().lower() for r in self.cleaned_data["custom_roles"].split(",") if r.strip()
        ]
        return data
