"""Listening pages: surveys (build, answer, results, export) and door-to-door needs.

Every page works without JavaScript: the survey builder adds one question per form
submit; the answer page is one plain form; the needs form fits a phone.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bloc import charts
from bloc.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from bloc.forms import add_domain_error
from bloc.institutions.models import AreaAddress, Institution
from bloc.institutions.views import get_institution, may, page_refusal, viewable
from bloc.listening import needs as needs_svc
from bloc.listening import selectors as sel
from bloc.listening import surveys as svc
from bloc.listening.forms import NeedForm, QuestionForm, SurveyForm
from bloc.listening.models import Audience, NeedCategory, QuestionKind, Survey

COOKIE = "bloc_survey_token"
COOKIE_AGE = 365 * 24 * 3600


def _refused(exc: PermissionDenied) -> DjangoPermissionDenied:
    return DjangoPermissionDenied(exc.message)


def _survey(institution: Institution, survey_id: int) -> Survey:
    try:
        return sel.survey_get(institution=institution, survey_id=survey_id)
    except NotFound:
        raise Http404 from None


def index(request: HttpRequest) -> HttpResponse:
    from bloc.membership.models import Membership

    institutions: list[Institution] = []
    if request.user.is_authenticated:
        institutions = [
            m.institution
            for m in Membership.objects.filter(user_id=request.user.pk, left_at__isnull=True)
            .select_related("institution")
            .order_by("institution__name")
        ]
    return render(request, "listening/index.html", {"institutions": institutions})


# --- surveys -----------------------------------------------------------------------


def surveys(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    manage = may(request, "survey.manage", institution)
    if not manage:
        refusal = page_refusal(request, "needs.view", institution)  # the members
        if refusal:
            return refusal
    listed = sel.surveys_of(institution)
    if not manage:
        listed = listed.filter(audience=Audience.MEMBERS)
    return render(
        request,
        "listening/surveys.html",
        {"institution": institution, "surveys": list(listed[:200]), "manage": manage},
    )


@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "survey.manage")
    if isinstance(found, HttpResponse):
        return found
    institution = found
    status = 200
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                survey, secret = svc.survey_create(
                    actor=request.user, institution=institution, **form.cleaned_data
                )
            except PermissionDenied as exc:
                raise _refused(exc) from None
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                if secret:
                    request.session[f"survey_link_{survey.pk}"] = secret
                messages.success(request, _("The survey is made. Now add its questions."))
                return redirect("listening:survey_edit", slug=slug, survey_id=survey.pk)
    return render(
        request,
        "listening/survey_form.html",
        {"institution": institution, "form": form},
        status=status,
    )


def _public_link(request: HttpRequest, survey: Survey) -> str:
    secret = request.session.get(f"survey_link_{survey.pk}", "")
    if not secret:
        return ""
    from django.urls import reverse

    return request.build_absolute_uri(reverse("listening:public_survey", args=[secret]))


@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """The builder: the questions so far, and a form for one more."""
    found = viewable(request, slug, "survey.manage")
    if isinstance(found, HttpResponse):
        return found
    survey = _survey(found, survey_id)
    status = 200
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                svc.survey_question_add(
                    actor=request.user,
                    survey=survey,
                    kind=data["kind"],
                    text_en=data["text_en"],
                    text_es=data["text_es"],
                    required=data["required"],
                    options=form.option_list(),
                )
            except PermissionDenied as exc:
                raise _refused(exc) from None
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The question is added."))
                return redirect("listening:survey_edit", slug=slug, survey_id=survey.pk)
        survey = _survey(found, survey_id)
    return render(
        request,
        "listening/survey_edit.html",
        {
            "institution": survey.institution,
            "survey": survey,
            "questions": _shown_questions(survey),
            "answered": survey.responses.exists(),
            "form": form,
            "link": _public_link(request, survey),
        },
        status=status,
    )


@require_POST
def survey_link(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = _survey(get_institution(slug), survey_id)
    try:
        secret = svc.survey_link_renew(actor=request.user, survey=survey)
    except PermissionDenied as exc:
        raise _refused(exc) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        request.session[f"survey_link_{survey.pk}"] = secret
        messages.success(request, _("A new link is made; the old one no longer works."))
    return redirect("listening:survey_edit", slug=slug, survey_id=survey.pk)


def _shown_questions(survey: Survey) -> list[dict[str, Any]]:
    return [
        {
            "question": q,
            "name": f"q{q.pk}",
            "text": sel.question_text(q),
            "options": list(enumerate(sel.option_labels(q))),
            "scale": list(range(svc.SCALE_LOW, svc.SCALE_HIGH + 1)),
        }
        for q in survey.questions.all()
    ]


def _answers_from(request: HttpRequest, survey: Survey) -> dict[int, Any]:
    given: dict[int, Any] = {}
    for question in survey.questions.all():
        name = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            given[question.pk] = request.POST.getlist(name)
        else:
            given[question.pk] = request.POST.get(name, "")
    return given


def _answer_page(
    request: HttpRequest,
    survey: Survey,
    *,
    action: str,
    token: str = "",
) -> HttpResponse:
    status = 200
    errors: dict[str, list[str]] = {}
    error = ""
    given: dict[int, Any] = {}
    done = svc.has_answered(survey=survey, actor=request.user, respondent_token=token)
    if request.method == "POST" and not done:
        given = _answers_from(request, survey)
        try:
            svc.survey_respond(
                actor=request.user, survey=survey, answers=given, respondent_token=token
            )
        except PermissionDenied as exc:
            raise _refused(exc) from None
        except ValidationFailed as exc:
            errors, error, status = exc.fields, exc.message, exc.status
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Thank you: your answers are in."))
            response = redirect(request.path)
            return response
    elif request.method == "POST":
        error, status = _("You have answered this survey already."), 409
    shown = _shown_questions(survey)
    for item in shown:
        item["errors"] = errors.get(item["name"], [])
        value = given.get(item["question"].pk, "")
        item["value"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return render(
        request,
        "listening/survey_answer.html",
        {
            "institution": survey.institution,
            "survey": survey,
            "questions": shown,
            "error": error,
            "done": done,
            "is_open": svc.is_open(survey),
            "action": action,
            "manage": may(request, "survey.manage", survey.institution),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = _survey(get_institution(slug), survey_id)
    if survey.audience == Audience.PUBLIC:
        # Answered by its link only, whose secret is not in this address.
        raise Http404
    refusal = page_refusal(request, "survey.answer", survey)
    if refusal:
        return refusal
    return _answer_page(request, survey, action=request.path)


@require_http_methods(["GET", "POST"])
def public_survey(request: HttpRequest, secret: str) -> HttpResponse:
    try:
        survey = svc.survey_by_link(secret)
    except NotFound:
        raise Http404 from None
    survey = sel.survey_get(survey_id=survey.pk)
    token = request.COOKIES.get(COOKIE, "")
    fresh = not token or len(token) > 100
    if fresh:
        token = svc.new_token()
    response = _answer_page(request, survey, action=request.path, token=token)
    if fresh:
        response.set_cookie(
            COOKIE,
            token,
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def survey_results(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    found = viewable(request, slug, "survey.manage")
    if isinstance(found, HttpResponse):
        return found
    survey = _survey(found, survey_id)
    results = sel.survey_results(survey)
    shown = []
    for result in results.questions:
        chart = None
        if result.rows:
            chart = charts.bar_chart(
                result.text,
                _("How many people chose each answer; the table below gives the same figures."),
                result.rows,
            )
        shown.append({"result": result, "chart": chart})
    return render(
        request,
        "listening/survey_results.html",
        {"institution": survey.institution, "survey": survey, "results": results, "shown": shown},
    )


def survey_export(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = _survey(get_institution(slug), survey_id)
    try:
        data = svc.survey_export_csv(actor=request.user, survey=survey)
    except PermissionDenied as exc:
        raise _refused(exc) from None
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response


# --- needs ---------------------------------------------------------------------------


def needs(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "needs.view")
    if isinstance(found, HttpResponse):
        return found
    institution = found
    contacts = may(request, "needs.contacts", institution)
    rollup = sel.needs_rollup(institution)
    labels = dict(NeedCategory.choices)
    listed = list(sel.needs_of(institution)[:200])
    for need in listed:
        need.where = sel.need_where(need)  # type: ignore[attr-defined]
        need.category_labels = [labels[c] for c in need.categories if c in labels]  # type: ignore[attr-defined]
    chart = None
    if rollup["conversations"]:
        chart = charts.bar_chart(
            _("Needs by category"),
            _("How many conversations raised each category; the table gives the same figures."),
            [(str(label), count) for _code, label, count in rollup["categories"]],
        )
    return render(
        request,
        "listening/needs.html",
        {
            "institution": institution,
            "rollup": rollup,
            "categories": rollup["categories"],
            "needs": listed,
            "contacts": contacts,
            "chart": chart,
            "canvass": may(request, "needs.record", institution),
        },
    )


def _addresses(institution: Institution) -> list[tuple[int, str]]:
    return list(
        AreaAddress.objects.filter(institution=institution)
        .order_by("address")
        .values_list("pk", "address")
    )


@require_http_methods(["GET", "POST"])
def need_record(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "needs.record")
    if isinstance(found, HttpResponse):
        return found
    institution = found
    status = 200
    form = NeedForm(request.POST or None, addresses=_addresses(institution))
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                needs_svc.need_record(actor=request.user, institution=institution, **data)
            except PermissionDenied as exc:
                raise _refused(exc) from None
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Recorded. On to the next door."))
                return redirect("listening:need_record", slug=slug)
    return render(
        request,
        "listening/need_form.html",
        {"institution": institution, "form": form},
        status=status,
    )


def _need_follow_through(request: HttpRequest, slug: str, need_id: int, to: str) -> HttpResponse:
    institution = get_institution(slug)
    try:
        need = sel.need_get(institution=institution, need_id=need_id)
    except NotFound:
        raise Http404 from None
    try:
        if to == "concern":
            concern = needs_svc.need_to_concern(actor=request.user, conversation=need)
            messages.success(request, _("The need is now a concern."))
            return redirect("institutions:concern_detail", slug=slug, concern_id=concern.pk)
        proposal = needs_svc.need_to_proposal(actor=request.user, conversation=need)
        messages.success(request, _("The need is now a draft proposal."))
        return redirect("institutions:proposal_detail", slug=slug, proposal_id=proposal.pk)
    except PermissionDenied as exc:
        raise _refused(exc) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("listening:needs", slug=slug)


@require_POST
def need_to_concern(request: HttpRequest, slug: str, need_id: int) -> HttpResponse:
    return _need_follow_through(request, slug, need_id, "concern")


@require_POST
def need_to_proposal(request: HttpRequest, slug: str, need_id: int) -> HttpResponse:
    return _need_follow_through(request, slug, need_id, "proposal")
