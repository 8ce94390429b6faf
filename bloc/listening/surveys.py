"""Every write about surveys: create one, add a question, answer it, export it.

Each checks permission, validates, writes and appends to the audit log in one
transaction; a refusal writes nothing.

A public survey is opened by a link carrying a secret, of which only the SHA-256 is
stored (``Survey.link_hash``), so the link is shown once (a new one can be made).
Whoever holds the link answers once: the page gives each visitor a random token in a
cookie, and the response keeps only its hash; the database refuses a second
response under the same token, as it refuses a member's second response.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.core.errors import Conflict, NotFound, ValidationFailed
from bloc.institutions.models import Institution
from bloc.listening.models import (
    Audience,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from bloc.validation import clean_text

TITLE_MAX = 200
DESCRIPTION_MAX = 5_000
QUESTION_MAX = 500
OPTION_MAX = 200
OPTIONS_MOST = 20
QUESTIONS_MOST = 50
ANSWER_TEXT_MAX = 2_000
SCALE_LOW, SCALE_HIGH = 1, 5
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token() -> str:
    """A random token: a public link's secret, or a link holder's cookie."""
    return secrets.token_urlsafe(32)


def survey_by_link(secret: str) -> Survey:
    """The public survey whose link carries ``secret``, or ``NotFound``."""
    if not secret or len(secret) > 100:
        raise NotFound(_("This survey link is not valid."))
    survey = (
        Survey.objects.select_related("institution")
        .filter(link_hash=secret_hash(secret), audience=Audience.PUBLIC)
        .first()
    )
    if survey is None:
        raise NotFound(_("This survey link is not valid."))
    return survey


def _clean_window(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationFailed.for_field(
            "closes_at", _("The survey must close after it opens."), code="bad_window"
        )


def survey_create(
    *,
    actor: Any,
    institution: Institution,
    title: str,
    description: str = "",
    audience: str = Audience.MEMBERS,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> tuple[Survey, str]:
    """A new survey with no questions yet, and its public link's secret ("" for a
    members-only survey): shown once, never stored."""
    permissions.require(actor, "survey.manage", institution)
    title = clean_text("title", title, TITLE_MAX, required=_("Give the survey a title."))
    description = clean_text("description", description, DESCRIPTION_MAX)
    if audience not in Audience.values:
        raise ValidationFailed.for_field("audience", _("Choose who answers the survey."))
    _clean_window(opens_at, closes_at)
    secret = new_token() if audience == Audience.PUBLIC else ""
    with transaction.atomic():
        survey = Survey.objects.create(
            institution=institution,
            title=title,
            description=description,
            audience=audience,
            link_hash=secret_hash(secret) if secret else "",
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor,
        )
        audit_append(
            actor=actor,
            action="survey.create",
            subject=survey,
            data={"institution": institution.slug, "title": title, "audience": audience},
        )
    return survey, secret


def survey_link_renew(*, actor: Any, survey: Survey) -> str:
    """A new public link; the old one stops working."""
    permissions.require(actor, "survey.manage", survey.institution)
    if survey.audience != Audience.PUBLIC:
        raise Conflict(_("Only a public survey has a link."), code="not_public")
    secret = new_token()
    with transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(link_hash=secret_hash(secret))
        survey.link_hash = secret_hash(secret)
        audit_append(actor=actor, action="survey.link_renew", subject=survey)
    return secret


def _clean_options(kind: str, options: Sequence[Any]) -> list[dict[str, str]]:
    if kind not in CHOICE_KINDS:
        return []
    cleaned: list[dict[str, str]] = []
    for option in options:
        if isinstance(option, str):
            en, es = option, ""
        elif isinstance(option, Mapping):
            en, es = str(option.get("en") or ""), str(option.get("es") or "")
        else:
            raise ValidationFailed.for_field("options", _("Give each choice as text."))
        en = clean_text("options", en, OPTION_MAX)
        es = clean_text("options", es, OPTION_MAX)
        if not en:
            if es:
                raise ValidationFailed.for_field("options", _("Give each choice in English too."))
            continue
        cleaned.append({"en": en, "es": es})
    if len(cleaned) < 2:
        raise ValidationFailed.for_field(
            "options", _("Give at least two choices."), code="too_few_options"
        )
    if len(cleaned) > OPTIONS_MOST:
        raise ValidationFailed.for_field(
            "options", _("Give at most %(most)s choices.") % {"most": OPTIONS_MOST}
        )
    if len({o["en"].casefold() for o in cleaned}) < len(cleaned):
        raise ValidationFailed.for_field("options", _("Two choices are the same."))
    return cleaned


def survey_question_add(
    *,
    actor: Any,
    survey: Survey,
    kind: str,
    text_en: str,
    text_es: str = "",
    required: bool = False,
    options: Sequence[Any] = (),
) -> SurveyQuestion:
    """A question at the end of the survey; not once anyone has answered it."""
    permissions.require(actor, "survey.manage", survey.institution)
    if kind not in QuestionKind.values:
        raise ValidationFailed.for_field("kind", _("Choose the kind of question."))
    text_en = clean_text("text_en", text_en, QUESTION_MAX, required=_("Write the question."))
    text_es = clean_text("text_es", text_es, QUESTION_MAX)
    cleaned = _clean_options(kind, options)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.responses.exists():
            raise Conflict(
                _("People have answered this survey already: its questions stay as they are."),
                code="survey_answered",
            )
        count = survey.questions.count()
        if count >= QUESTIONS_MOST:
            raise Conflict(
                _("A survey has at most %(most)s questions.") % {"most": QUESTIONS_MOST},
                code="too_many_questions",
            )
        question = SurveyQuestion.objects.create(
            survey=survey,
            position=count,
            kind=kind,
            required=required,
            text_en=text_en,
            text_es=text_es,
            options=cleaned,
        )
        audit_append(
            actor=actor,
            action="survey.question_add",
            subject=survey,
            data={"question": question.pk, "kind": kind, "required": required},
        )
    return question


def is_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if survey.opens_at and now < survey.opens_at:
        return False
    return not (survey.closes_at and now >= survey.closes_at)


def _index(value: Any, count: int, field: str) -> int:
    try:
        index = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed.for_field(field, _("Choose one of the choices.")) from None
    if not 0 <= index < count:
        raise ValidationFailed.for_field(
            field, _("Choose one of the choices."), code="unknown_option"
        )
    return index


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def clean_answer(question: SurveyQuestion, value: Any) -> SurveyAnswer | None:
    """The answer to ``question`` (not saved), None when left blank, or
    ``ValidationFailed`` on the field ``q<id>``."""
    field = f"q{question.pk}"
    if _is_blank(value):
        if question.required:
            raise ValidationFailed.for_field(field, _("Answer this question."), code="required")
        return None
    answer = SurveyAnswer(question=question)
    if question.kind == QuestionKind.SINGLE:
        if isinstance(value, list | tuple):
            if len(value) != 1:
                raise ValidationFailed.for_field(field, _("Choose only one."))
            value = value[0]
        answer.choices = [_index(value, len(question.options), field)]
    elif question.kind == QuestionKind.MULTIPLE:
        values = value if isinstance(value, list | tuple) else [value]
        answer.choices = sorted({_index(v, len(question.options), field) for v in values})
    elif question.kind == QuestionKind.SCALE:
        try:
            scale = int(value)
        except (TypeError, ValueError):
            scale = 0
        if not SCALE_LOW <= scale <= SCALE_HIGH:
            raise ValidationFailed.for_field(
                field,
                _("Choose a number from %(low)s to %(high)s.")
                % {"low": SCALE_LOW, "high": SCALE_HIGH},
                code="bad_scale",
            )
        answer.scale = scale
    else:
        if not isinstance(value, str):
            raise ValidationFailed.for_field(field, _("Write your answer as text."))
        text = clean_text(field, value, ANSWER_TEXT_MAX)
        if not text:
            if question.required:
                raise ValidationFailed.for_field(field, _("Answer this question."), code="required")
            return None
        answer.text = text
    return answer


def _already_answered() -> Conflict:
    return Conflict(_("You have answered this survey already."), code="already_answered")


def survey_respond(
    *,
    actor: Any,
    survey: Survey,
    answers: Mapping[int, Any],
    respondent_token: str = "",
) -> SurveyResponse:
    """One response: ``answers`` maps a question's id to its answer (an option's index
    or a list of them, a number on the scale, a text).

    A members-only survey: the actor must be a member, who answers once. A public
    survey (the caller has checked the link): once per ``respondent_token``.
    """
    permissions.require(actor, "survey.answer", survey)
    if not is_open(survey):
        raise Conflict(_("This survey is not open."), code="survey_closed")
    public = survey.audience == Audience.PUBLIC
    if public and (not respondent_token or len(respondent_token) > 200):
        raise ValidationFailed(
            _("Your browser must accept cookies to answer this survey."), code="no_token"
        )
    questions = list(survey.questions.all())
    if not questions:
        raise Conflict(_("This survey has no questions yet."), code="survey_empty")
    known = {q.pk for q in questions}
    unknown = [key for key in answers if key not in known]
    if unknown:
        raise ValidationFailed(_("An answer is to a question this survey does not ask."))
    problems: dict[str, list[str]] = {}
    cleaned: list[SurveyAnswer] = []
    for question in questions:
        try:
            answer = clean_answer(question, answers.get(question.pk))
        except ValidationFailed as failed:
            for field, messages in failed.fields.items():
                problems.setdefault(field, []).extend(messages)
            continue
        if answer is not None:
            cleaned.append(answer)
    if problems:
        raise ValidationFailed(_("Some answers need another look."), fields=problems)
    token_hash = secret_hash(respondent_token) if public else ""
    member = None if public else actor
    duplicate = SurveyResponse.objects.filter(survey=survey)
    duplicate = (
        duplicate.filter(respondent_token=token_hash)
        if public
        else duplicate.filter(member_id=actor.pk)
    )
    if duplicate.exists():
        raise _already_answered()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, member=member, respondent_token=token_hash
            )
            for answer in cleaned:
                answer.response = response
            SurveyAnswer.objects.bulk_create(cleaned)
            audit_append(
                # The log says that someone answered, not what, nor (for a public
                # survey) who.
                actor=actor if not public else None,
                action="survey.respond",
                subject=survey,
                data={"answers": len(cleaned)},
            )
    except IntegrityError:
        # Two submits at once: the database kept the first.
        raise _already_answered() from None
    return response


def has_answered(*, survey: Survey, actor: Any = None, respondent_token: str = "") -> bool:
    responses = SurveyResponse.objects.filter(survey=survey)
    if survey.audience == Audience.PUBLIC:
        if not respondent_token:
            return False
        return responses.filter(respondent_token=secret_hash(respondent_token)).exists()
    if not getattr(actor, "is_authenticated", False):
        return False
    return responses.filter(member_id=actor.pk).exists()


def survey_export_csv(*, actor: Any, survey: Survey) -> str:
    """The responses as CSV (one row per response, one column per question, in
    English); the download is audit-logged."""
    permissions.require(actor, "survey.manage", survey.institution)
    questions = list(survey.questions.all())
    responses = list(
        SurveyResponse.objects.filter(survey=survey).prefetch_related("answers").order_by("pk")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["response", "submitted_at", *[f"{q.position + 1}. {q.text_en}" for q in questions]]
    )
    for number, response in enumerate(responses, start=1):
        by_question = {a.question_id: a for a in response.answers.all()}
        row: list[str] = [str(number), response.submitted_at.isoformat()]
        for question in questions:
            answer = by_question.get(question.pk)
            row.append("" if answer is None else export_value(question, answer))
        writer.writerow([_safe_cell(cell) for cell in row])
    with transaction.atomic():
        audit_append(
            actor=actor,
            action="survey.export",
            subject=survey,
            data={"responses": len(responses)},
        )
    return out.getvalue()


def export_value(question: SurveyQuestion, answer: SurveyAnswer) -> str:
    if question.kind in CHOICE_KINDS:
        return "; ".join(
            question.options[i]["en"] for i in answer.choices if i < len(question.options)
        )
    if question.kind == QuestionKind.SCALE:
        return "" if answer.scale is None else str(answer.scale)
    return answer.text


def _safe_cell(cell: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell
