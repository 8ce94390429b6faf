"""Forms of the in-room desk: a stack of paper ballots, a show of hands, a discard.

A stack is typed in as lines, each a ballot (the same fields as voting online) and
how many papers read exactly like it. The number of lines grows five at a time with
a plain submit button, so no JavaScript is needed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bloc.core.ballot_entry import APPROVAL, CHOICE, RANKED, BallotForm
from bloc.decisions.in_person import LABEL_MAX_LENGTH, MAX_PAPERS_PER_LINE

LINES_STEP = 5
MAX_LINES = 200


class PaperLine:
    """The fields of one line, for the template."""

    def __init__(self, form: PaperEntryForm, index: int) -> None:
        self.number = index + 1
        self.count = form[f"l{index}-count"]
        kind = form.ballot.kind
        if kind in (CHOICE, APPROVAL):
            self.ballot = [form[f"l{index}-{kind}"]]
        else:
            self.ballot = [form[f"l{index}-{kind}-{p}"] for p in range(len(form.labels))]
        self.grouped = kind == APPROVAL  # checkboxes render their own labels


class PaperEntryForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Name of the stack"),
        max_length=LABEL_MAX_LENGTH,
        help_text=gettext_lazy('For example "box 1". The second entry uses the same name.'),
    )
    lines = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_LINES)

    def __init__(
        self, *args: Any, ballot: BallotForm, labels: list[str], lines: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ballot, self.labels, self.line_count = ballot, labels, lines
        self.fields["lines"].initial = lines
        n = len(labels)
        for i in range(lines):
            line = _("ballot %(n)s") % {"n": i + 1}
            if ballot.kind == CHOICE:
                self.fields[f"l{i}-choice"] = forms.ChoiceField(
                    label=_("Option marked on %(line)s") % {"line": line},
                    choices=[("", _("(blank line)"))] + [(str(p), o) for p, o in enumerate(labels)],
                    required=False,
                )
            elif ballot.kind == APPROVAL:
                self.fields[f"l{i}-approval"] = forms.MultipleChoiceField(
                    label=_("Options approved on %(line)s") % {"line": line},
                    choices=[(str(p), o) for p, o in enumerate(labels)],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            elif ballot.kind == RANKED:
                for p, option in enumerate(labels):
                    self.fields[f"l{i}-ranked-{p}"] = forms.ChoiceField(
                        label=_("Rank of %(option)s on %(line)s")
                        % {"option": option, "line": line},
                        choices=[("", "–")] + [(str(r), str(r)) for r in range(1, n + 1)],
                        required=False,
                    )
            else:
                for p, option in enumerate(labels):
                    self.fields[f"l{i}-score-{p}"] = forms.IntegerField(
                        label=_("Score of %(option)s on %(line)s")
                        % {"option": option, "line": line},
                        min_value=ballot.low,
                        max_value=ballot.high,
                        required=False,
                    )
            self.fields[f"l{i}-count"] = forms.IntegerField(
                label=_("How many papers read exactly like %(line)s") % {"line": line},
                min_value=1,
                max_value=MAX_PAPERS_PER_LINE,
                initial=1,
                required=False,
            )

    def line_fields(self) -> list[PaperLine]:
        return [PaperLine(self, i) for i in range(self.line_count)]

    def entered_lines(self) -> list[tuple[Any, Any]]:
        """``(ballot data, count)`` of every line with something marked, as
        ``paper_enter`` takes them; call after ``is_valid``."""
        data = self.cleaned_data
        out: list[tuple[Any, Any]] = []
        for i in range(self.line_count):
            kind = self.ballot.kind
            ballot: Any
            if kind == CHOICE:
                ballot = data.get(f"l{i}-choice") or None
                marked = ballot is not None
            elif kind == APPROVAL:
                ballot = list(data.get(f"l{i}-approval") or [])
                marked = bool(ballot)
            else:
                ballot = {p: data.get(f"l{i}-{kind}-{p}") for p in range(len(self.labels))}
                ballot = {p: (None if v in ("", None) else v) for p, v in ballot.items()}
                marked = any(v is not None for v in ballot.values())
            if marked:
                count = data.get(f"l{i}-count")
                out.append((ballot, 1 if count is None else count))
        return out


def lines_wanted(raw: Any, *, more: bool) -> int:
    """How many lines to show: as many as before, five more when asked."""
    try:
        lines = int(raw)
    except (TypeError, ValueError):
        lines = LINES_STEP
    lines = max(LINES_STEP, min(lines, MAX_LINES))
    return min(lines + LINES_STEP, MAX_LINES) if more else lines


class HandsForm(forms.Form):
    def __init__(self, *args: Any, labels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for p, option in enumerate(labels):
            self.fields[f"hands-{p}"] = forms.IntegerField(
                label=_("Hands raised for %(option)s") % {"option": option},
                min_value=0,
                initial=0,
            )

    def counts(self) -> list[int]:
        return [self.cleaned_data[f"hands-{p}"] for p in range(len(self.fields))]


class DiscardForm(forms.Form):
    batch = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Why discard this stack?"), max_length=500)
