"""Forms of the endorsement page: they parse; ``bloc.electoral.endorsements`` decides
(and says why not)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bloc.electoral.endorsements import MAX_NOTE, MAX_REASON
from bloc.forms import DATETIME_FORMAT, datetime_field


def week_ahead() -> str:
    moment = timezone.localtime() + datetime.timedelta(days=7)
    return moment.strftime(DATETIME_FORMAT)


class SendForm(forms.Form):
    """Send the candidate to every assembly's vote."""

    closes_at = datetime_field(_("The assemblies' votes close at"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"closes_at": week_ahead()})
        super().__init__(*args, **kwargs)


def mandates_field() -> forms.DateTimeField:
    return datetime_field(
        _("Assemblies decide their mandates until (optional)"),
        required=False,
        help_text=_(
            "Leave empty for the delegates to vote at once; with a time, every assembly "
            "of the council first decides its delegates' mandate by its own vote."
        ),
    )


class ChapterVoteForm(forms.Form):
    """Put the endorsement to the cycle's council."""

    mandates_close_at = mandates_field()


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the candidacy ends here (public)"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RubricForm(forms.Form):
    """An organizer's scores, 0 to 5, one per criterion of the cycle's rubric."""

    def __init__(
        self, *args: Any, criteria: Iterable[str] = (), mine: dict[int, int] | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        mine = mine or {}
        choices = [("", _("— not scored —")), *((str(n), str(n)) for n in range(6))]
        for index, criterion in enumerate(criteria):
            self.fields[f"criterion_{index}"] = forms.TypedChoiceField(
                label=criterion,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=mine.get(index),
            )

    def scores(self) -> dict[int, int]:
        return {
            int(name.removeprefix("criterion_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("criterion_") and value is not None
        }


class RecallForm(forms.Form):
    """A member assembly's officers start the recall of an endorsement."""

    institution = forms.TypedChoiceField(label=_("For the assembly"), coerce=int)
    reason = forms.CharField(
        label=_("Why the endorsement should be recalled (public)"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    mandates_close_at = mandates_field()

    def __init__(
        self, *args: Any, institutions: Iterable[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = list(institutions)  # type: ignore[attr-defined]
