"""Forms of the cycle and candidate pages: they parse; the services in ``candidates``
and ``questionnaires`` decide (and say why not)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bloc.electoral.models import DEFAULT_RUBRIC, Level, Priority, Question, QuestionKind
from bloc.forms import DateInput, datetime_field

Choices = Iterable[tuple[Any, Any]]


class CycleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    election_date = forms.DateField(label=_("Election date"), widget=DateInput())
    council = forms.TypedChoiceField(
        label=_("Council for the chapter vote"),
        coerce=int,
        help_text=_("Its delegates hold the chapter's vote on each endorsement."),
    )
    platform = forms.TypedChoiceField(
        label=_("Platform candidates pledge to"), coerce=int, required=False, empty_value=None
    )
    nominations_needed = forms.IntegerField(
        label=_("Assemblies' nominations needed"), min_value=1, max_value=50, initial=1
    )
    questionnaire = forms.BooleanField(label=_("Questionnaire stage"), required=False, initial=True)
    answered_percent = forms.IntegerField(
        label=_("Questions answered (%)"), min_value=0, max_value=100, initial=100
    )
    answers_public_at = datetime_field(
        _("The answers become public at (optional)"),
        required=False,
        help_text=_("Until then only the candidate sees their answers."),
    )
    assembly_votes = forms.BooleanField(
        label=_("Assembly votes stage"), required=False, initial=True
    )
    assembly_percent = forms.IntegerField(
        label=_("Assemblies for (%)"), min_value=1, max_value=100, initial=50
    )
    chapter_percent = forms.IntegerField(
        label=_("Delegates for in the chapter vote (%)"), min_value=1, max_value=100, initial=60
    )
    pledges_needed = forms.IntegerField(
        label=_("Pledges needed"),
        min_value=0,
        max_value=100,
        initial=3,
        help_text=_("Endorsement requires signed pledges to this many platform priorities."),
    )
    rubric = forms.CharField(
        label=_("Rubric for state and national races"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        initial="\n".join(DEFAULT_RUBRIC),
        help_text=_("One criterion per line; organizers score each campaign from 0 to 5."),
    )

    def __init__(
        self,
        *args: Any,
        councils: Choices = (),
        platforms: Choices = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = list(councils)  # type: ignore[attr-defined]
        self.fields["platform"].choices = [  # type: ignore[attr-defined]
            ("", _("None")),
            *platforms,
        ]

    def clean_rubric(self) -> list[str]:
        lines = (self.cleaned_data.get("rubric") or "").splitlines()
        return [line.strip() for line in lines if line.strip()]


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(
        label=_("Kind of answer"),
        choices=QuestionKind.choices,
        initial=QuestionKind.TEXT,
        widget=forms.RadioSelect,
    )
    priority = forms.TypedChoiceField(
        label=_("Platform priority it is about (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, priorities: Iterable[Priority] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = [  # type: ignore[attr-defined]
            ("", _("None")),
            *((p.pk, p.title) for p in priorities),
        ]


class CandidacyFields(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    office = forms.CharField(
        label=_("Office"), max_length=200, help_text=_("Say, City council or State senate.")
    )
    district = forms.CharField(label=_("District (optional)"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.LOCAL)
    profile = forms.CharField(
        label=_("Profile (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who they are and why they run: shown on their public page."),
    )
    website = forms.CharField(
        label=_("Website (optional)"),
        max_length=200,
        required=False,
        widget=forms.URLInput,
    )
    email = forms.CharField(
        label=_("Email (optional)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput,
        help_text=_("The private link to the questionnaire is sent there; never shown."),
    )


class NominateForm(CandidacyFields):
    institution = forms.TypedChoiceField(label=_("Nominating assembly"), coerce=int)
    member = forms.TypedChoiceField(
        label=_("Their account, if a member (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "A member of the nominating assembly running from the base. Leave the name "
            "and email empty to use theirs."
        ),
    )
    statement = forms.CharField(
        label=_("Why the assembly nominates them (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = ["institution", "member", "name", "office", "district", "level"]

    def __init__(
        self,
        *args: Any,
        institutions: Choices = (),
        members: Mapping[str, list[tuple[int, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = list(institutions)  # type: ignore[attr-defined]
        self.fields["member"].choices = [  # type: ignore[attr-defined]
            ("", _("Not a member (or no account)")),
            *((group, people) for group, people in (members or {}).items() if people),
        ]
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Leave it empty to use the member's name.")


class ApplyForm(CandidacyFields):
    pass


class SecondForm(forms.Form):
    institution = forms.TypedChoiceField(label=_("Assembly"), coerce=int)
    statement = forms.CharField(
        label=_("Why the assembly nominates them (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, institutions: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = list(institutions)  # type: ignore[attr-defined]


# --- by the candidate's private link ------------------------------------------------

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
SCALE = [(str(n), str(n)) for n in range(1, 6)]


class AnswersForm(forms.Form):
    """One field per question of the cycle (``q<id>``), plus a comment for yes/no and
    scale questions (``q<id>_comment``). A question left blank is left as it was."""

    def __init__(
        self,
        *args: Any,
        questions: Iterable[Question] = (),
        answers: Mapping[int, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        answers = answers or {}
        for number, question in enumerate(self.questions, start=1):
            key = f"q{question.pk}"
            label = f"{number}. {question.text}"
            answer = answers.get(question.pk)
            about = (
                gettext("About the platform's priority “%(title)s”.")
                % {"title": question.priority.title}
                if question.priority_id is not None and question.priority is not None
                else ""
            )
            if question.kind == QuestionKind.TEXT:
                self.fields[key] = forms.CharField(
                    label=label,
                    max_length=5000,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    initial=answer.text if answer else "",
                    help_text=about,
                )
                continue
            if question.kind == QuestionKind.YES_NO:
                initial = "" if answer is None or answer.yes is None else YES_NO[not answer.yes][0]
                self.fields[key] = forms.ChoiceField(
                    label=label,
                    choices=YES_NO,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=initial,
                    help_text=about,
                )
            else:
                self.fields[key] = forms.ChoiceField(
                    label=label,
                    choices=SCALE,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=str(answer.scale) if answer and answer.scale else "",
                    help_text=" ".join(
                        filter(None, [about, gettext("1: strongly disagree, 5: strongly agree.")])
                    ),
                )
            self.fields[f"{key}_comment"] = forms.CharField(
                label=_("Comment (optional)"),
                max_length=5000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.text if answer else "",
            )

    def entries(self) -> list[tuple[Question, Any, Any]]:
        """(question, answer field, comment field) for the template."""
        return [
            (q, self[f"q{q.pk}"], self[f"q{q.pk}_comment"] if q.kind != QuestionKind.TEXT else None)
            for q in self.questions
        ]

    def answers(self) -> dict[int, dict[str, Any]]:
        """What the service takes: only the questions given an answer."""
        out: dict[int, dict[str, Any]] = {}
        data = self.cleaned_data
        for question in self.questions:
            key = f"q{question.pk}"
            value = data.get(key) or ""
            if question.kind == QuestionKind.TEXT:
                if value.strip():
                    out[question.pk] = {"text": value}
                continue
            comment = data.get(f"{key}_comment") or ""
            if not value:
                continue
            if question.kind == QuestionKind.YES_NO:
                out[question.pk] = {"yes": value == "yes", "text": comment}
            else:
                out[question.pk] = {"scale": int(value), "text": comment}
        return out


class PledgeForm(forms.Form):
    priorities = forms.TypedMultipleChoiceField(
        label=_("Priorities you pledge to carry"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    signed_name = forms.CharField(
        label=_("Sign by typing your name"),
        max_length=200,
        help_text=_("Signed pledges are public and cannot be withdrawn."),
    )

    def __init__(self, *args: Any, priorities: Iterable[Priority] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priorities"].choices = [  # type: ignore[attr-defined]
            (p.pk, p.title) for p in priorities
        ]


class ProfileForm(forms.Form):
    profile = forms.CharField(
        label=_("Profile"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who you are and why you run: shown on your public page."),
    )
    website = forms.CharField(
        label=_("Website (optional)"), max_length=200, required=False, widget=forms.URLInput
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I withdraw from this cycle"),
        help_text=_("Your candidacy ends; this cannot be undone."),
    )
