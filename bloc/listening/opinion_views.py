"""Opinion conversation pages: open one, submit and moderate statements, vote one
statement at a time, and see the opinion map.

Everything works without JavaScript: the vote page is one form per statement whose
three submit buttons are agree, disagree and pass; after each vote the next statement
comes. The map is an SVG drawn on the server with a table saying the same.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bloc.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from bloc.forms import add_domain_error
from bloc.institutions.models import Institution
from bloc.institutions.views import get_institution, may, page_refusal, viewable
from bloc.listening import opinion_selectors as sel
from bloc.listening import opinions as svc
from bloc.listening.models import OpinionConversation
from bloc.listening.opinion_forms import ConversationForm, StatementForm
from bloc.listening.opinion_svg import opinion_map_svg


def _conversation(
    request: HttpRequest, slug: str, conversation_id: int
) -> OpinionConversation | HttpResponse:
    """The conversation if the viewer may see it (the institution's members)."""
    institution = get_institution(slug)
    refusal = page_refusal(request, "opinion.view", institution)
    if refusal:
        return refusal
    try:
        return sel.conversation_get(institution=institution, conversation_id=conversation_id)
    except NotFound:
        raise Http404 from None


def opinions(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "opinion.view")
    if isinstance(found, HttpResponse):
        return found
    return render(
        request,
        "listening/opinions.html",
        {
            "institution": found,
            "conversations": list(sel.conversations_of(found)[:200]),
            "manage": may(request, "opinion.manage", found),
        },
    )


@require_http_methods(["GET", "POST"])
def opinion_create(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "opinion.manage")
    if isinstance(found, HttpResponse):
        return found
    institution: Institution = found
    form = ConversationForm(request.POST or None, initial={"participants_submit": True})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                made = svc.conversation_open(
                    actor=request.user, institution=institution, **form.cleaned_data
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The conversation is open."))
                return redirect("listening:opinion", slug=slug, conversation_id=made.pk)
    return render(
        request,
        "listening/opinion_form.html",
        {"institution": institution, "form": form},
        status=status,
    )


def _detail(
    request: HttpRequest,
    conversation: OpinionConversation,
    form: StatementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    institution = conversation.institution
    manage = may(request, "opinion.manage", institution)
    participate = may(request, "opinion.participate", institution)
    statements = list(sel.accepted_statements(conversation))
    voted = sel.votes_of(conversation, request.user)
    names = {1: _("Agree"), -1: _("Disagree"), 0: _("Pass")}
    rows = [(s, names.get(voted[s.pk], "") if s.pk in voted else "") for s in statements]
    return render(
        request,
        "listening/opinion.html",
        {
            "institution": institution,
            "conversation": conversation,
            "rows": rows,
            "pending": list(sel.pending_statements(conversation)) if manage else [],
            "rejected": list(sel.rejected_statements(conversation)) if manage else [],
            "manage": manage,
            "participate": participate,
            "may_submit": conversation.is_open
            and (manage or (participate and conversation.participants_submit)),
            "form": form or StatementForm(),
            "left": sum(1 for s in statements if s.pk not in voted),
        },
        status=status,
    )


def opinion(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    found = _conversation(request, slug, conversation_id)
    if isinstance(found, HttpResponse):
        return found
    return _detail(request, found)


@require_POST
def opinion_statement(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    found = _conversation(request, slug, conversation_id)
    if isinstance(found, HttpResponse):
        return found
    form = StatementForm(request.POST)
    form.is_valid()
    try:
        made = svc.statement_submit(
            actor=request.user,
            conversation=found,
            text=form.cleaned_data.get("text", ""),
            seed=bool(form.cleaned_data.get("seed")),
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except DomainError as exc:
        add_domain_error(form, exc)
        return _detail(request, found, form, exc.status)
    if made.is_seed:
        messages.success(request, _("The statement is added."))
    else:
        messages.success(
            request, _("Thank you. Your statement will be shown once a moderator accepts it.")
        )
    return redirect("listening:opinion", slug=slug, conversation_id=found.pk)


@require_POST
def opinion_moderate(
    request: HttpRequest, slug: str, conversation_id: int, statement_id: int
) -> HttpResponse:
    found = _conversation(request, slug, conversation_id)
    if isinstance(found, HttpResponse):
        return found
    try:
        statement = sel.statement_get(conversation=found, statement_id=statement_id)
    except NotFound:
        raise Http404 from None
    accept = request.POST.get("decision") == "accept"
    try:
        svc.statement_moderate(actor=request.user, statement=statement, accept=accept)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    messages.success(request, _("Statement accepted.") if accept else _("Statement rejected."))
    return redirect("listening:opinion", slug=slug, conversation_id=found.pk)


@require_POST
def opinion_close(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    found = _conversation(request, slug, conversation_id)
    if isinstance(found, HttpResponse):
        return found
    try:
        svc.conversation_close(actor=request.user, conversation=found)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The conversation is closed."))
    return redirect("listening:opinion", slug=slug, conversation_id=found.pk)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_http_methods(["GET", "POST"])
def opinion_vote(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    found = _conversation(request, slug, conversation_id)
    if isinstance(found, HttpResponse):
        return found
    refusal = page_refusal(request, "opinion.participate", found.institution)
    if refusal:
        return refusal
    error = ""
    status = 200
    if request.method == "POST":
        try:
            statement = sel.statement_get(
                conversation=found, statement_id=_int(request.POST.get("statement")) or 0
            )
            svc.vote_cast(
                actor=request.user, statement=statement, vote=request.POST.get("vote", "")
            )
        except NotFound:
            error, status = _("There is no such statement in this conversation."), 404
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except ValidationFailed as exc:
            error, status = exc.message, exc.status
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return redirect("listening:opinion_vote", slug=slug, conversation_id=found.pk)
    chosen = _int(request.GET.get("statement"))
    upcoming = sel.next_statement(found, request.user, chosen=chosen)
    current = None
    if upcoming.statement is not None:
        current = sel.votes_of(found, request.user).get(upcoming.statement.pk)
    return render(
        request,
        "listening/opinion_vote.html",
        {
            "institution": found.institution,
            "conversation": found,
            "next": upcoming,
            "current": current,
            "error": error,
        },
        status=status,
    )


def opinion_map(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    found = _conversation(request, slug, conversation_id)
    if isinstance(found, HttpResponse):
        return found
    analysis = svc.analysis_current(found)
    view = sel.map_view(found, analysis)
    svg = None
    if analysis is not None:
        description = _(
            "%(participants)s participants placed by how they voted: those who vote alike "
            "are close together. %(groups)s opinion groups, each with its own colour and shape."
        ) % {"participants": view.participants, "groups": len(view.groups)}
        svg = opinion_map_svg(
            view.points,
            groups=len(view.groups),
            title=_("Opinion map: %(topic)s") % {"topic": found.topic},
            description=description,
        )
    return render(
        request,
        "listening/opinion_map.html",
        {
            "institution": found.institution,
            "conversation": found,
            "map": view,
            "svg": svg,
        },
    )
