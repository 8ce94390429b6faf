"""Forms of the petition pages: they parse; the services in ``petitions`` decide (and
say why not)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bloc.electoral.models import PetitionKind
from bloc.electoral.petitions import MAX_PER_SHEET, MAX_TARGET
from bloc.forms import DateInput


class PetitionForm(forms.Form):
    chapter = forms.TypedChoiceField(label=_("Chapter"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("What it asks"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    jurisdiction = forms.TypedMultipleChoiceField(
        label=_("Jurisdiction"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A signature counts when the signer's address is on one of these institutions' "
            "address lists."
        ),
    )
    target = forms.IntegerField(
        label=_("Valid signatures needed"), min_value=1, max_value=MAX_TARGET
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        chapters: Sequence[tuple[int, str]] = (),
        institutions: Iterable[tuple[int, str]] = (),
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = list(institutions)
        if editing:
            # A petition keeps its chapter and kind.
            del self.fields["chapter"]
            del self.fields["kind"]
        else:
            self.fields["chapter"].choices = list(chapters)
            if len(chapters) == 1:
                self.fields["chapter"].initial = chapters[0][0]


class SheetForm(forms.Form):
    label = forms.CharField(
        label=_("Sheet label or number"),
        max_length=50,
        help_text=_("As written on the sheet; each sheet of the petition has its own."),
    )
    signatures = forms.IntegerField(
        label=_("Signatures on the sheet"), min_value=1, max_value=MAX_PER_SHEET
    )
    collected_on = forms.DateField(label=_("Collected on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"collected_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class SignaturesForm(forms.Form):
    """One name and one address field per line of the sheet (and a few spare lines),
    or a CSV file of name,address rows instead."""

    SPARE = 3

    csv = forms.FileField(
        label=_("A CSV file of the sheet (name,address)"),
        required=False,
        help_text=_(
            "Two columns, one signer a row, in the sheet's order. Or type the lines below instead."
        ),
    )
    fix_count = forms.BooleanField(
        label=_("The sheet holds the number of signatures entered here"),
        required=False,
        help_text=_("Tick when the count handed in was wrong: it is corrected."),
    )

    def __init__(self, *args: Any, lines: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_count = min(lines + self.SPARE, MAX_PER_SHEET)
        for n in range(1, self.line_count + 1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Line %(n)s: name") % {"n": n}, max_length=200, required=False
            )
            self.fields[f"address_{n}"] = forms.CharField(
                label=_("Line %(n)s: address") % {"n": n}, max_length=255, required=False
            )

    @staticmethod
    def initial_for(entries: Iterable[Any]) -> dict[str, str]:
        initial: dict[str, str] = {}
        for entry in entries:
            initial[f"name_{entry.line}"] = entry.name
            initial[f"address_{entry.line}"] = entry.address
        return initial

    def line_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"name_{n}"], self[f"address_{n}"]) for n in range(1, self.line_count + 1)]

    def typed_lines(self) -> list[tuple[str, str]]:
        """The lines typed, in order; a line left wholly blank is skipped."""
        lines = []
        for n in range(1, self.line_count + 1):
            name = self.cleaned_data.get(f"name_{n}", "")
            address = self.cleaned_data.get(f"address_{n}", "")
            if name or address:
                lines.append((name, address))
        return lines
