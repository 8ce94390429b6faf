"""The forms that act on councils: thin views over the services.

Each parses its form, calls one service and, on success, redirects with a message.
A refusal (``DomainError``) shows the page again with the service's message and its
status (422 bad input, 409 not now, 403 not allowed); the services check before
writing, so a refusal writes nothing. A visitor who is not logged in is sent to log
in and then back to the page.
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
from django.views.decorators.http import require_http_methods, require_POST

from bloc.confederation import councils as council_services
from bloc.confederation import questions as question_services
from bloc.confederation import selectors as sel
from bloc.confederation.forms import (
    ClosesForm,
    CouncilForm,
    DelegateVoteForm,
    ElectionForm,
    FromProposalForm,
    QuestionForm,
    RankedVoteForm,
    RatifyForm,
    RecallForm,
    SendUpForm,
)
from bloc.confederation.models import AssemblyVote, Council, Delegate, Question
from bloc.confederation.views import (
    council_or_404,
    council_response,
    delegate_or_404,
    delegate_response,
    effect_form_for,
    question_or_404,
    question_response,
)
from bloc.core.errors import DomainError, NotFound
from bloc.decisions.models import Proposal
from bloc.forms import add_domain_error
from bloc.institutions.models import Chapter
from bloc.institutions.views import get_institution

Done = Callable[[Any], tuple[str, str]]  # the result -> (message, where to go)


def _login_first(request: HttpRequest, page: str) -> HttpResponse | None:
    """Send a visitor who is not logged in to log in, then back to ``page``."""
    if request.user.is_authenticated:
        return None
    return redirect_to_login(page)


def _submit(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    done: Done,
    again: Callable[[int], HttpResponse],
) -> HttpResponse:
    status = 422
    if form.is_valid():
        try:
            result = act(form.cleaned_data)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            message, url = done(result)
            messages.success(request, message)
            return redirect(url)
    return again(status)


def _press(
    request: HttpRequest,
    act: Callable[[], Any],
    done: Done,
    again: Callable[[int, str], HttpResponse],
) -> HttpResponse:
    """A button without fields."""
    try:
        result = act()
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        return again(exc.status, exc.message)
    message, url = done(result)
    messages.success(request, message)
    return redirect(url)


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _council_url(council: Council) -> str:
    return reverse("councils:detail", args=[council.slug])


def _question_url(question: Question) -> str:
    return reverse("councils:question", args=[question.council.slug, question.pk])


# --- set up a council --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def council_create(request: HttpRequest) -> HttpResponse:
    refused = _login_first(request, reverse("councils:create"))
    if refused:
        return refused
    chapters = sel.creatable_chapters(request.user)
    if not chapters:
        context = {
            "form": None,
            "error": _(
                "Only a facilitator of one of a chapter's institutions or an organizer can "
                "set up a council."
            ),
        }
        return render(request, "confederation/council_form.html", context, status=403)
    if request.method != "POST":
        form = CouncilForm(chapters=chapters, initial={"chapter": chapters[0][0]})
        return render(request, "confederation/council_form.html", {"form": form})
    form = CouncilForm(request.POST, chapters=chapters)

    def act(data: dict[str, Any]) -> Council:
        return council_services.council_create(
            actor=request.user,
            chapter=Chapter.objects.get(pk=data["chapter"]),
            name=data["name"],
            level=data["level"],
            rule=data["rule"],
            quorum_percent=data["quorum_percent"],
            delegates_per_member=data["delegates_per_member"],
            term_months=data["term_months"],
            description=data["description"],
        )

    def done(council: Council) -> tuple[str, str]:
        return _("The council %(name)s is set up.") % {"name": council.name}, _council_url(council)

    def again(status: int) -> HttpResponse:
        return render(request, "confederation/council_form.html", {"form": form}, status=status)

    return _submit(request, form, act, done, again)


# --- an assembly's votes about a council -------------------------------------------


def _assembly_form(
    request: HttpRequest,
    slug: str,
    institution_slug: str,
    kind: str,
    make_form: Callable[..., forms.Form],
    act: Callable[[Council, Any, dict[str, Any]], AssemblyVote],
    message: str,
) -> HttpResponse:
    council = council_or_404(slug)
    refused = _login_first(request, _council_url(council))
    if refused:
        return refused
    institution = get_institution(institution_slug)
    key = f"{kind}-{institution.slug}"
    form = make_form(request.POST, prefix=key, institution=institution)

    def done(vote: AssemblyVote) -> tuple[str, str]:
        text = message % {
            "name": institution.name,
            "council": council.name,
            "when": _when(vote.poll.closes_at),
        }
        return text, _council_url(council)

    return _submit(
        request,
        form,
        lambda data: act(council, institution, data),
        done,
        lambda status: council_response(request, council, status=status, bound={key: form}),
    )


def _closes_form(data: Any, *, prefix: str, institution: Any) -> forms.Form:
    return ClosesForm(data, prefix=prefix)


@require_POST
def join(request: HttpRequest, slug: str, institution: str) -> HttpResponse:
    return _assembly_form(
        request,
        slug,
        institution,
        "join",
        _closes_form,
        lambda council, inst, data: council_services.join_vote(
            actor=request.user, institution=inst, council=council, closes_at=data["closes_at"]
        ),
        _("The members of %(name)s vote on joining %(council)s until %(when)s."),
    )


@require_POST
def leave(request: HttpRequest, slug: str, institution: str) -> HttpResponse:
    return _assembly_form(
        request,
        slug,
        institution,
        "leave",
        _closes_form,
        lambda council, inst, data: council_services.leave_vote(
            actor=request.user, institution=inst, council=council, closes_at=data["closes_at"]
        ),
        _("The members of %(name)s vote on leaving %(council)s until %(when)s."),
    )


@require_POST
def elect(request: HttpRequest, slug: str, institution: str) -> HttpResponse:
    def make_form(data: Any, *, prefix: str, institution: Any) -> forms.Form:
        return ElectionForm(data, prefix=prefix, people=sel.candidates(institution))

    return _assembly_form(
        request,
        slug,
        institution,
        "elect",
        make_form,
        lambda council, inst, data: council_services.election_vote(
            actor=request.user,
            institution=inst,
            council=council,
            candidates=data["candidates"],
            closes_at=data["closes_at"],
        ),
        _("The members of %(name)s elect their delegates to %(council)s until %(when)s."),
    )


# --- questions ---------------------------------------------------------------------


@require_POST
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    """Put a question to the council: an ordinary or a ranked one, or (the form named
    ``effect``) one whose carrying changes the council itself."""
    council = council_or_404(slug)
    refused = _login_first(request, _council_url(council))
    if refused:
        return refused
    if "effect-action" in request.POST:
        return _ask_effect(request, council)
    form = QuestionForm(request.POST, prefix="ask")

    def act(data: dict[str, Any]) -> Question:
        return question_services.question_create(
            actor=request.user,
            council=council,
            title=data["title"],
            body=data["body"],
            options=data["options"],
            mandates_close_at=data["mandates_close_at"],
        )

    return _submit(
        request,
        form,
        act,
        lambda question: (_("The question is put to the council."), _question_url(question)),
        lambda status: council_response(request, council, status=status, bound={"ask": form}),
    )


def _ask_effect(request: HttpRequest, council: Council) -> HttpResponse:
    form = effect_form_for(council, data=request.POST)

    def act(data: dict[str, Any]) -> Question:
        kind, value = data["action"]
        return question_services.question_create(
            actor=request.user,
            council=council,
            title=sel.effect_label(council, kind, value)[:200],
            body=data["body"],
            mandates_close_at=data["mandates_close_at"],
            effect={kind: value},
        )

    return _submit(
        request,
        form,
        act,
        lambda question: (_("The question is put to the council."), _question_url(question)),
        lambda status: council_response(request, council, status=status, bound={"effect": form}),
    )


@require_POST
def from_proposal(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_or_404(slug)
    form = FromProposalForm(request.POST)
    proposal = None
    if form.is_valid():
        proposal = (
            Proposal.objects.select_related("institution")
            .filter(pk=form.cleaned_data["proposal"])
            .first()
        )
        if proposal is None:
            raise Http404
    refused = _login_first(
        request,
        reverse("institutions:proposal_detail", args=[proposal.institution.slug, proposal.pk])
        if proposal
        else _council_url(council),
    )
    if refused:
        return refused

    def act(data: dict[str, Any]) -> Question:
        return question_services.question_from_proposal(
            actor=request.user,
            proposal=proposal,  # type: ignore[arg-type]
            council=council,
            mandates_close_at=data["mandates_close_at"],
        )

    def again(status: int) -> HttpResponse:
        context = {"council": council, "proposal": proposal, "form": form}
        return render(request, "confederation/from_proposal.html", context, status=status)

    return _submit(
        request,
        form,
        act,
        lambda question: (
            _("The proposal is before %(council)s.") % {"council": council.name},
            _question_url(question),
        ),
        again,
    )


def _question(request: HttpRequest, slug: str, pk: int) -> tuple[Question, HttpResponse | None]:
    question = question_or_404(council_or_404(slug), pk)
    return question, _login_first(request, _question_url(question))


@require_POST
def vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, refused = _question(request, slug, pk)
    if refused:
        return refused
    if question.options:
        ranks = RankedVoteForm(request.POST, prefix="vote", options=question.options)
        return _submit(
            request,
            ranks,
            lambda data: question_services.delegate_vote(
                actor=request.user, question=question, ranking=ranks.ranking()
            ),
            lambda cast: (
                _("Your ranking is recorded: %(ranking)s.")
                % {"ranking": sel.ranking_text(cast.ranking, question.options)},
                _question_url(question),
            ),
            lambda status: question_response(
                request, question, status=status, bound={"vote": ranks}
            ),
        )
    form = DelegateVoteForm(request.POST, prefix="vote")
    return _submit(
        request,
        form,
        lambda data: question_services.delegate_vote(
            actor=request.user, question=question, position=data["position"]
        ),
        lambda cast: (
            _("Your vote is recorded: %(position)s.") % {"position": cast.get_position_display()},
            _question_url(question),
        ),
        lambda status: question_response(request, question, status=status, bound={"vote": form}),
    )


@require_POST
def open_voting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, refused = _question(request, slug, pk)
    if refused:
        return refused
    return _press(
        request,
        lambda: question_services.voting_open(actor=request.user, question=question),
        lambda q: (_("The mandates are fixed; the delegates vote now."), _question_url(question)),
        lambda status, error: question_response(request, question, status=status, error=error),
    )


@require_POST
def close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, refused = _question(request, slug, pk)
    if refused:
        return refused

    def done(decided: Question) -> tuple[str, str]:
        if decided.options:
            winner = question_services.winner_name(decided)
            if winner is not None:
                return (
                    _("The vote is closed: the council put %(option)s first.") % {"option": winner},
                    _question_url(question),
                )
            return (
                _("The vote is closed: no option came first alone, so nothing is carried."),
                _question_url(question),
            )
        if decided.state == "carried":
            return _("The vote is closed: the council carried it."), _question_url(question)
        return _("The vote is closed: the council did not carry it."), _question_url(question)

    return _press(
        request,
        lambda: question_services.question_close(actor=request.user, question=question),
        done,
        lambda status, error: question_response(request, question, status=status, error=error),
    )


@require_POST
def ratify(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, refused = _question(request, slug, pk)
    if refused:
        return refused
    form = RatifyForm(request.POST, prefix="ratify")
    return _submit(
        request,
        form,
        lambda data: question_services.ratification_send(
            actor=request.user, question=question, closes_at=data["closes_at"]
        ),
        lambda sent: (
            _("Every assembly below the council ratifies until %(when)s.")
            % {"when": _when(sent.ratify_closes_at)},
            _question_url(question),
        ),
        lambda status: question_response(request, question, status=status, bound={"ratify": form}),
    )


@require_POST
def send_up(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, refused = _question(request, slug, pk)
    if refused:
        return refused
    form = SendUpForm(request.POST, prefix="up")
    return _submit(
        request,
        form,
        lambda data: question_services.question_send_up(
            actor=request.user, question=question, mandates_close_at=data["mandates_close_at"]
        ),
        lambda above: (
            _("The question is before %(council)s.") % {"council": above.council.name},
            _question_url(above),
        ),
        lambda status: question_response(request, question, status=status, bound={"up": form}),
    )


# --- a delegate --------------------------------------------------------------------


@require_POST
def recall(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    delegate: Delegate = delegate_or_404(council_or_404(slug), pk)
    page = reverse("councils:delegate", args=[slug, delegate.pk])
    refused = _login_first(request, page)
    if refused:
        return refused
    form = RecallForm(request.POST, prefix="recall")
    return _submit(
        request,
        form,
        lambda data: council_services.recall_vote(
            actor=request.user,
            delegate=delegate,
            reason=data["reason"],
            closes_at=data["closes_at"],
        ),
        lambda vote: (
            _("The members of %(name)s vote on recalling %(person)s until %(when)s.")
            % {
                "name": vote.institution.name,
                "person": delegate.user.full_name,
                "when": _when(vote.poll.closes_at),
            },
            page,
        ),
        lambda status: delegate_response(request, delegate, status=status, bound={"recall": form}),
    )
