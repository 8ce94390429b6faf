"""Forms of the opinion pages; the services do the real checking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bloc.listening import opinions as svc
from bloc.listening.models import STATEMENT_MAX


class ConversationForm(forms.Form):
    topic = forms.CharField(label=_("Question"), max_length=svc.TOPIC_MAX)
    description = forms.CharField(
        label=_("What it is for (optional)"),
        required=False,
        max_length=svc.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seeds = forms.CharField(
        label=_("Seed statements, one a line"),
        help_text=_("Short statements people agree or disagree with, to start the conversation."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    participants_submit = forms.BooleanField(
        label=_("Members may submit statements (held for moderation)"),
        required=False,
        initial=True,
    )

    def clean_seeds(self) -> list[str]:
        return [line for line in self.cleaned_data["seeds"].splitlines() if line.strip()]


class StatementForm(forms.Form):
    # No max_length here: the service says how long a statement may be, and writes nothing.
    text = forms.CharField(
        label=_("Your statement"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seed = forms.BooleanField(
        label=_("A seed statement: accept it at once (organisers)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = gettext(
            "One short, clear idea; at most %(most)s characters."
        ) % {"most": STATEMENT_MAX}
