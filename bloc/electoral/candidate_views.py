"""The cycle and candidate pages under /electoral/: cycles, a cycle's races, nominating,
applying, a candidate's public page, and the candidate's private link.

Thin views over the services in ``candidates`` and ``questionnaires``: each form is
parsed, one service is called, and on success the view redirects with a message. A
refusal shows the page again with the service's message and its status (422 bad
input, 409 not now, 403 not allowed); the services check before writing, so a
refusal writes nothing.

The private link (``/electoral/answer/<secret>/``) needs no account. Its pages are
sent with ``Referrer-Policy: strict-origin`` (and the same ``<meta>``): a request from
them carries at most the site's origin, never the path with the secret, to this site
or any other. (``no-referrer`` would hide it too, but then browsers send
``Origin: null`` with the page's forms, which the CSRF check rightly refuses.) They are
also ``Cache-Control: no-store``. A new link
(nominating, applying, or an organizer making a new one) is shown once, in the
response to the form that made it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc.accounts.models import User
from bloc.confederation.models import Council
from bloc.core.errors import DomainError, NotFound
from bloc.electoral import candidate_selectors as sel
from bloc.electoral import candidates as services
from bloc.electoral import questionnaires
from bloc.electoral.candidate_forms import (
    AnswersForm,
    ApplyForm,
    CycleForm,
    NominateForm,
    PledgeForm,
    ProfileForm,
    QuestionForm,
    SecondForm,
    WithdrawForm,
)
from bloc.electoral.models import Candidate, Cycle, Platform, Priority, Question, QuestionKind
from bloc.electoral.platform_selectors import chapter_pick, other_chapters
from bloc.forms import add_domain_error
from bloc.institutions.models import Chapter, Institution
from bloc.institutions.views import may

Bound = dict[str, forms.Form]

# Never the path (with the secret) in a Referer; the origin only (see the docstring).
REFERRER_POLICY = "strict-origin"


def _cycle_or_404(pk: int) -> Cycle:
    try:
        return sel.cycle_get(pk)
    except NotFound:
        raise Http404 from None


def _candidate_or_404(pk: int) -> Candidate:
    try:
        return sel.candidate_get(pk)
    except NotFound:
        raise Http404 from None


def _cycle_url(cycle: Cycle) -> str:
    return reverse("electoral:candidate_cycle", args=[cycle.pk])


def _candidate_url(candidate: Candidate) -> str:
    return reverse("electoral:candidate_detail", args=[candidate.pk])


def _private(response: HttpResponse) -> HttpResponse:
    """A page whose address or body carries a private link's secret."""
    response["Referrer-Policy"] = REFERRER_POLICY
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _act(form: forms.Form, act: Callable[[dict[str, Any]], Any]) -> tuple[Any, int]:
    """Run the service on a valid form: (result, 200), or (None, status) with the
    refusal shown on the form."""
    if not form.is_valid():
        return None, 422
    try:
        return act(form.cleaned_data), 200
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        add_domain_error(form, exc)
        return None, exc.status


def _council_choices(chapter: Chapter) -> list[tuple[int, str]]:
    return list(
        Council.objects.filter(chapter=chapter).order_by("level", "name").values_list("pk", "name")
    )


def _platform_choices(chapter: Chapter) -> list[tuple[int, str]]:
    return list(
        Platform.objects.filter(chapter=chapter)
        .order_by("-created_at", "-pk")
        .values_list("pk", "title")[:50]
    )


def _cycle_form(chapter: Chapter, data: Any = None, **kwargs: Any) -> CycleForm:
    return CycleForm(
        data,
        councils=_council_choices(chapter),
        platforms=_platform_choices(chapter),
        **kwargs,
    )


def _cycle_values(chapter: Chapter, data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values["council"] = Council.objects.filter(chapter=chapter, pk=data["council"]).first()
    values["platform"] = (
        Platform.objects.filter(chapter=chapter, pk=data["platform"]).first()
        if data["platform"]
        else None
    )
    return values


# --- cycles -------------------------------------------------------------------------


@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    try:
        chapter = chapter_pick(request.GET.get("chapter", "")[:80] or None)
    except NotFound:
        raise Http404 from None
    manage = may(request, "cycle.manage", chapter)
    context = {
        "chapter": chapter,
        "other_chapters": other_chapters(chapter),
        "cycles": sel.cycle_list(chapter),
        "may_manage": manage,
    }
    return render(request, "electoral/cycle_list.html", context)


@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    slug = (request.POST.get("chapter") or request.GET.get("chapter") or "")[:80]
    try:
        chapter = chapter_pick(slug or None)
    except NotFound:
        raise Http404 from None
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("electoral:candidate_cycle_create"))
    if not may(request, "cycle.manage", chapter):
        context = {"form": None, "chapter": chapter,
                   "error": _("Only the chapter's organizers can set up a cycle.")}  # fmt: skip
        return render(request, "electoral/cycle_form.html", context, status=403)
    if request.method != "POST":
        context = {"form": _cycle_form(chapter), "chapter": chapter}
        return render(request, "electoral/cycle_form.html", context)
    form = _cycle_form(chapter, request.POST)
    cycle, status = _act(
        form,
        lambda data: services.cycle_create(
            actor=request.user, chapter=chapter, **_cycle_values(chapter, data)
        ),
    )
    if cycle is None:
        context = {"form": form, "chapter": chapter}
        return render(request, "electoral/cycle_form.html", context, status=status)
    messages.success(request, _("The cycle %(title)s is set up.") % {"title": cycle.title})
    return redirect(_cycle_url(cycle))


@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("electoral:candidate_cycle_edit", args=[pk]))
    if not may(request, "cycle.manage", cycle.chapter):
        context = {"form": None, "cycle": cycle, "chapter": cycle.chapter,
                   "error": _("Only the chapter's organizers can change a cycle.")}  # fmt: skip
        return render(request, "electoral/cycle_form.html", context, status=403)
    if request.method != "POST":
        initial = {name: getattr(cycle, name) for name in services.CYCLE_FIELDS}
        initial.update(
            council=cycle.council_id, platform=cycle.platform_id, rubric="\n".join(cycle.rubric)
        )
        context = {
            "form": _cycle_form(cycle.chapter, initial=initial),
            "cycle": cycle,
            "chapter": cycle.chapter,
        }
        return render(request, "electoral/cycle_form.html", context)
    form = _cycle_form(cycle.chapter, request.POST)

    def act(data: dict[str, Any]) -> Cycle:
        values = _cycle_values(cycle.chapter, data)
        # The form shows the time to the minute: the same minute is no change.
        current, sent = cycle.answers_public_at, values["answers_public_at"]
        if current and sent and current.replace(second=0, microsecond=0) == sent:
            values["answers_public_at"] = current
        return services.cycle_update(actor=request.user, cycle=cycle, **values)

    updated, status = _act(form, act)
    if updated is None:
        context = {"form": form, "cycle": cycle, "chapter": cycle.chapter}
        return render(request, "electoral/cycle_form.html", context, status=status)
    messages.success(request, _("The cycle is updated."))
    return redirect(_cycle_url(updated))


def cycle_response(
    request: HttpRequest,
    cycle: Cycle,
    *,
    status: int = 200,
    bound: Bound | None = None,
    error: str = "",
) -> HttpResponse:
    bound = bound or {}
    manage = may(request, "cycle.manage", cycle.chapter)
    priorities = sel.platform_priorities(cycle)
    candidates = sel.cycle_candidates(cycle)
    context = {
        "cycle": cycle,
        "chapter": cycle.chapter,
        "races": sel.races(candidates),
        "candidate_count": len(candidates),
        "questions": sel.cycle_questions(cycle),
        "answers_public": questionnaires.answers_final(cycle),
        "may_manage": manage,
        "may_nominate": bool(sel.nominating_assemblies(request.user, cycle.chapter)),
        "open": cycle.election_date > timezone.localdate(),
        "question_form": bound.get("question") or QuestionForm(priorities=priorities),
        # A refusal of a form the viewer is not shown (they may not use it) is not lost.
        "error": "" if manage else error,
    }
    return render(request, "electoral/cycle_detail.html", context, status=status)


@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return cycle_response(request, _cycle_or_404(pk))


@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_cycle_url(cycle))
    priorities = sel.platform_priorities(cycle)
    form = QuestionForm(request.POST, priorities=priorities)

    def act(data: dict[str, Any]) -> Question:
        priority = next((p for p in priorities if p.pk == data["priority"]), None)
        return questionnaires.question_add(
            actor=request.user, cycle=cycle, text=data["text"], kind=data["kind"],
            priority=priority,
        )  # fmt: skip

    question, status = _act(form, act)
    if question is None:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return cycle_response(request, cycle, status=status, bound={"question": form}, error=error)
    messages.success(request, _("The question is added."))
    return redirect(_cycle_url(cycle) + "#questions-heading")


@require_POST
def question_remove(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    cycle = _cycle_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_cycle_url(cycle))
    question = Question.objects.filter(cycle=cycle, pk=question_pk).first()
    if question is None:
        raise Http404
    question.cycle = cycle
    try:
        questionnaires.question_remove(actor=request.user, question=question)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The question is removed."))
    return redirect(_cycle_url(cycle) + "#questions-heading")


# --- nominating and applying --------------------------------------------------------


def _link_shown_once(request: HttpRequest, candidate: Candidate, secret: str, heading: str) -> Any:
    context = {
        "candidate": candidate,
        # The address this person uses (the email's is from the configured base URL).
        "url": request.build_absolute_uri(reverse("electoral:candidate_answer", args=[secret])),
        "heading": heading,
        "emailed": bool(candidate.email),
    }
    return _private(render(request, "electoral/candidate_link.html", context))


@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("electoral:candidate_nominate", args=[pk]))
    assemblies = sel.nominating_assemblies(request.user, cycle.chapter)
    context: dict[str, Any] = {"cycle": cycle}
    if not assemblies:
        context["error"] = _(
            "Only a facilitator or the secretary of one of the chapter's assemblies can "
            "nominate a candidate."
        )
        return render(request, "electoral/nominate.html", context, status=403)
    members = sel.assembly_members(assemblies)
    choices = [(i.pk, i.name) for i in assemblies]
    grouped = {i.name: members[i.pk] for i in assemblies}
    form = NominateForm(
        request.POST if request.method == "POST" else None,
        institutions=choices,
        members=grouped,
    )
    context["form"] = form
    if request.method != "POST":
        return render(request, "electoral/nominate.html", context)

    def act(data: dict[str, Any]) -> tuple[Candidate, str]:
        institution = next(i for i in assemblies if i.pk == data["institution"])
        member = User.objects.filter(pk=data["member"]).first() if data["member"] else None
        return services.candidate_nominate(
            actor=request.user,
            institution=institution,
            cycle=cycle,
            member=member,
            **{k: data[k] for k in ("name", "office", "district", "level", "profile",
                                    "website", "email", "statement")},
        )  # fmt: skip

    result, status = _act(form, act)
    if result is None:
        return render(request, "electoral/nominate.html", context, status=status)
    candidate, secret = result
    return _link_shown_once(
        request, candidate, secret, _("%(name)s is nominated") % {"name": candidate.name}
    )


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("electoral:candidate_apply", args=[pk]))
    if request.method != "POST":
        user: Any = request.user
        form = ApplyForm(initial={"name": user.full_name, "email": user.email})
        return render(request, "electoral/candidate_apply.html", {"cycle": cycle, "form": form})
    form = ApplyForm(request.POST)

    def act(data: dict[str, Any]) -> tuple[Candidate, str]:
        return services.candidate_apply(actor=request.user, cycle=cycle, **data)

    result, status = _act(form, act)
    if result is None:
        context = {"cycle": cycle, "form": form}
        return render(request, "electoral/candidate_apply.html", context, status=status)
    candidate, secret = result
    return _link_shown_once(request, candidate, secret, _("Your application is in"))


# --- a candidate --------------------------------------------------------------------


def candidate_response(
    request: HttpRequest,
    candidate: Candidate,
    *,
    status: int = 200,
    bound: Bound | None = None,
    error: str = "",
) -> HttpResponse:
    bound = bound or {}
    record = sel.candidate_record(candidate)
    nominated = {n.institution_id for n in record.nominations}
    may_second = [
        i
        for i in sel.nominating_assemblies(request.user, candidate.cycle.chapter)
        if i.pk not in nominated
    ]
    second_form = None
    if may_second and candidate.stage in questionnaires.OPEN_STAGES:
        second_form = bound.get("second") or SecondForm(
            institutions=[(i.pk, i.name) for i in may_second]
        )
    context = {
        "record": record,
        "candidate": candidate,
        "cycle": candidate.cycle,
        "second_form": second_form,
        "may_manage": may(request, "cycle.manage", candidate.cycle.chapter),
        "KINDS": QuestionKind,
        # A refusal of a form the viewer is not shown (they may not use it) is not lost.
        "error": error if second_form is None else "",
    }
    return render(request, "electoral/candidate_detail.html", context, status=status)


@require_GET
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return candidate_response(request, _candidate_or_404(pk))


@require_POST
def candidate_second(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_candidate_url(candidate))
    form = SecondForm(
        request.POST,
        institutions=Institution.objects.filter(chapter=candidate.cycle.chapter).values_list(
            "pk", "name"
        ),
    )

    def act(data: dict[str, Any]) -> Any:
        institution = Institution.objects.get(pk=data["institution"])
        return services.nomination_add(
            actor=request.user,
            candidate=candidate,
            institution=institution,
            statement=data["statement"],
        )

    nomination, status = _act(form, act)
    if nomination is None:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return candidate_response(
            request, candidate, status=status, bound={"second": form}, error=error
        )
    messages.success(
        request,
        _("%(assembly)s nominates %(name)s.")
        % {"assembly": nomination.institution.name, "name": candidate.name},
    )
    return redirect(_candidate_url(candidate))


@require_POST
def candidate_link(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_candidate_url(candidate))
    try:
        secret = questionnaires.candidate_link_rotate(actor=request.user, candidate=candidate)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_candidate_url(candidate))
    return _link_shown_once(
        request,
        candidate,
        secret,
        _("A new private link for %(name)s") % {"name": candidate.name},
    )


# --- the candidate's private link -------------------------------------------------


def _by_secret(secret: str) -> Candidate:
    try:
        return questionnaires.candidate_by_secret(secret)
    except NotFound as exc:
        raise Http404(exc.message) from None


def answer_response(
    request: HttpRequest,
    secret: str,
    candidate: Candidate,
    *,
    status: int = 200,
    bound: Bound | None = None,
    error: str = "",
) -> HttpResponse:
    bound = bound or {}
    view = sel.questionnaire(candidate)
    answers = {aq.question.pk: aq.answer for aq in view.questions}
    unpledged = [p for p in view.priorities if p.pk not in view.pledged]
    context = {
        "secret": secret,
        "candidate": candidate,
        "cycle": candidate.cycle,
        "view": view,
        "running": candidate.stage in questionnaires.OPEN_STAGES,
        "withdrawable": candidate.stage in questionnaires.OPEN_STAGES,
        "answers_form": bound.get("answers")
        or AnswersForm(questions=[aq.question for aq in view.questions], answers=answers),
        "pledge_form": bound.get("pledges") or PledgeForm(priorities=unpledged),
        "unpledged": unpledged,
        "profile_form": bound.get("profile")
        or ProfileForm(initial={"profile": candidate.profile, "website": candidate.website}),
        "withdraw_form": bound.get("withdraw") or WithdrawForm(),
        "error": error,
    }
    return _private(render(request, "electoral/answer.html", context, status=status))


def _answer_url(secret: str) -> str:
    return reverse("electoral:candidate_answer", args=[secret])


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, secret: str) -> HttpResponse:
    candidate = _by_secret(secret)
    if request.method != "POST":
        return answer_response(request, secret, candidate)
    questions = sel.cycle_questions(candidate.cycle)
    form = AnswersForm(request.POST, questions=questions)
    saved, status = _act(
        form, lambda _data: questionnaires.answer_save(secret=secret, answers=form.answers())
    )
    if saved is None:
        return answer_response(request, secret, candidate, status=status, bound={"answers": form})
    messages.success(request, _("Your answers are saved."))
    return _private(redirect(_answer_url(secret) + "#questions-heading"))


@require_POST
def answer_pledges(request: HttpRequest, secret: str) -> HttpResponse:
    candidate = _by_secret(secret)
    priorities = sel.platform_priorities(candidate.cycle)
    form = PledgeForm(request.POST, priorities=priorities)

    def act(data: dict[str, Any]) -> Any:
        chosen: list[Priority] = [p for p in priorities if p.pk in set(data["priorities"])]
        return questionnaires.pledge_sign(
            secret=secret, priorities=chosen, signed_name=data["signed_name"]
        )

    pledges, status = _act(form, act)
    if pledges is None:
        return answer_response(request, secret, candidate, status=status, bound={"pledges": form})
    messages.success(request, _("Your pledges are signed."))
    return _private(redirect(_answer_url(secret) + "#pledges-heading"))


@require_POST
def answer_profile(request: HttpRequest, secret: str) -> HttpResponse:
    candidate = _by_secret(secret)
    form = ProfileForm(request.POST)
    updated, status = _act(
        form,
        lambda data: services.candidate_profile_update(
            secret=secret, profile=data["profile"], website=data["website"]
        ),
    )
    if updated is None:
        return answer_response(request, secret, candidate, status=status, bound={"profile": form})
    messages.success(request, _("Your profile is saved."))
    return _private(redirect(_answer_url(secret) + "#profile-heading"))


@require_POST
def answer_withdraw(request: HttpRequest, secret: str) -> HttpResponse:
    candidate = _by_secret(secret)
    form = WithdrawForm(request.POST)
    done, status = _act(form, lambda _data: questionnaires.candidate_withdraw(secret=secret))
    if done is None:
        return answer_response(request, secret, candidate, status=status, bound={"withdraw": form})
    messages.success(request, _("You have withdrawn from this cycle."))
    return _private(redirect(_answer_url(secret)))
