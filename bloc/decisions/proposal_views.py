"""Proposal pages: the list, drafting, and one proposal with its deliberation.

Every form on a proposal posts to its own URL and, on success, redirects back to the
proposal with a message; on a refusal the proposal page is shown again with the
errors (422 for bad input, 409 when the state does not allow it, 403 for permission).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from bloc import permissions
from bloc.core import polls as poll_rules
from bloc.core.errors import DomainError, NotFound, PermissionDenied
from bloc.decisions import proposal_selectors as sel
from bloc.decisions import proposals as svc
from bloc.decisions.markdown import render as render_markdown
from bloc.decisions.models import Comment, Poll, Proposal, ProposalState, Stance
from bloc.decisions.poll_selectors import rule_choices
from bloc.decisions.polls import poll_sync
from bloc.forms import DateInput, add_domain_error, datetime_field
from bloc.institutions.models import Institution
from bloc.institutions.selectors import bylaws_settings
from bloc.institutions.views import get_institution, may, viewable
from bloc.membership.models import Membership
from bloc.permissions.roles import remembering_facts

# --- forms -------------------------------------------------------------------


class ProposalForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=svc.TITLE_MAX)
    body = forms.CharField(
        label=gettext_lazy("What do you propose?"),
        max_length=svc.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "Markdown: *emphasis*, **strong**, lists starting with -, [links](https://…)."
        ),
    )
    rule = forms.ChoiceField(label=gettext_lazy("How the vote is counted"))
    options = forms.CharField(
        label=gettext_lazy("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Only for a choice between options. A yes/no proposal (majority, two-thirds, "
            "consensus) needs none."
        ),
    )
    seats = forms.IntegerField(
        label=gettext_lazy("How many options win"), min_value=1, max_value=50, initial=1
    )
    secret = forms.BooleanField(label=gettext_lazy("Secret ballot"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = rule_choices()

    def service_args(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "rule": data["rule"],
            "options": [line for line in data["options"].splitlines() if line.strip()],
            "seats": data["seats"],
            "secret": data["secret"],
        }


class CommentForm(forms.Form):
    stance = forms.ChoiceField(label=gettext_lazy("Your stance"), choices=Stance.choices)
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=svc.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput())


class HideForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why hide it"), max_length=svc.REASON_MAX)


class AmendmentForm(forms.Form):
    passage = forms.CharField(
        label=gettext_lazy("Passage to change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Copy the words to replace exactly as they are in the text. "
            "Leave it empty to add a paragraph at the end."
        ),
    )
    replacement = forms.CharField(
        label=gettext_lazy("New wording"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Leave it empty to strike the passage."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    closes_at = datetime_field(gettext_lazy("Voting closes at"))


class TaskForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Task"), max_length=svc.TITLE_MAX)
    owner = forms.TypedChoiceField(label=gettext_lazy("Who does it"), coerce=int)
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DateInput())

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(institution=institution, left_at__isnull=True)
        self.fields["owner"].choices = list(members.values_list("user_id", "user__full_name"))


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label=gettext_lazy("How it was done"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("A link, where the receipt or photo is kept, the minutes…"),
    )


# --- helpers -------------------------------------------------------------------


def _proposal(institution: Institution, proposal_id: int) -> Proposal:
    try:
        return sel.proposal_get(institution=institution, proposal_id=proposal_id)
    except NotFound:
        raise Http404 from None


def _week_ahead() -> str:
    moment = timezone.localtime() + datetime.timedelta(days=7)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _page(
    request: HttpRequest,
    institution: Institution,
    proposal: Proposal,
    *,
    error: str = "",
    status: int = 200,
    **bound: forms.Form,
) -> HttpResponse:
    polls = list(Poll.objects.filter(proposal=proposal).order_by("created_at", "pk"))
    for poll in polls:
        poll_sync(poll)  # a vote that ended is counted before we show the proposal
    proposal.refresh_from_db()
    if proposal.institution_id == institution.pk:
        proposal.institution = institution  # refresh_from_db forgot it: no query to load it again
    state = proposal.state
    in_discussion = state == ProposalState.DISCUSSION
    may_edit = may(request, "proposal.edit", proposal)
    may_comment = state != ProposalState.WITHDRAWN and may(request, "comment.create", institution)
    may_manage = may(request, "task.manage", proposal)
    may_add_task = may_manage and state == ProposalState.ADOPTED
    ends_at = svc.discussion_ends_at(proposal)
    closes = {"closes_at": _week_ahead()}
    context = {
        "institution": institution,
        "proposal": proposal,
        "body_html": render_markdown(proposal.body),
        "evidence_html": render_markdown(proposal.evidence) if proposal.evidence else "",
        "motion": poll_rules.is_motion(proposal.rule),
        "rule_label": dict(rule_choices()).get(proposal.rule, proposal.rule),
        "threads": sel.comment_threads(proposal=proposal),
        "amendments": sel.amendment_views(proposal=proposal),
        "tasks": list(proposal.tasks.select_related("owner")),
        "polls": [p for p in polls if p.amendment_id is None],
        "timeline": sel.proposal_timeline(proposal=proposal, polls=polls),
        "discussion_ends_at": ends_at,
        "discussion_over": ends_at is not None and ends_at <= timezone.now(),
        "min_discussion_hours": bylaws_settings(institution=institution).min_discussion_hours,
        "undecided_amendments": svc.undecided_amendments(proposal),
        "may_edit": may_edit and state == ProposalState.DRAFT,
        "may_open": may_edit and state == ProposalState.DRAFT,
        "may_withdraw": may_edit and state in (ProposalState.DRAFT, ProposalState.DISCUSSION),
        "may_accept": may_edit and in_discussion,
        "may_call_vote": in_discussion and may(request, "proposal.move_to_vote", proposal),
        "may_comment": may_comment,
        "may_moderate": may(request, "comment.moderate", institution),
        "may_amend": in_discussion and may(request, "amendment.create", institution),
        "may_decide_amendment": in_discussion and may(request, "amendment.decide", proposal),
        "may_add_task": may_add_task,
        "may_carry_out": may_manage and state == ProposalState.ADOPTED,
        "comment_form": bound.get("comment_form") or CommentForm(initial={"stance": "for"}),
        "amendment_form": bound.get("amendment_form") or AmendmentForm(),
        "vote_form": bound.get("vote_form") or CloseForm(initial=closes, prefix="vote"),
        "amendment_close_default": closes["closes_at"],
        # Made only when shown: its choices are every member of the institution.
        "task_form": bound.get("task_form")
        or (TaskForm(institution=institution) if may_add_task else None),
        "carry_out_form": bound.get("carry_out_form") or EvidenceForm(prefix="carry"),
        "stances": Stance.choices,
        "error": error,
        "user_id": request.user.pk,
    }
    return render(request, "decisions/proposal_detail.html", context, status=status)


def _back(proposal: Proposal) -> HttpResponse:
    return redirect(
        "institutions:proposal_detail", slug=proposal.institution.slug, proposal_id=proposal.pk
    )


def _refused(
    request: HttpRequest, institution: Institution, proposal: Proposal, exc: DomainError
) -> HttpResponse:
    """A refusal of a button or a small form: the page again, the reason on top."""
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied(exc.message)
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    return _page(request, institution, proposal, error=exc.message, status=exc.status)


def _form_refused(
    request: HttpRequest,
    institution: Institution,
    proposal: Proposal,
    name: str,
    form: forms.Form,
    exc: DomainError | None = None,
) -> HttpResponse:
    """A form of the page refused: shown again with its errors where they belong."""
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied(exc.message)
    status = 422
    if exc is not None:
        add_domain_error(form, exc)
        status = exc.status
    return _page(request, institution, proposal, status=status, **{name: form})


def _posting(request: HttpRequest, slug: str, proposal_id: int) -> tuple[Institution, Proposal]:
    if not request.user.is_authenticated:
        raise DjangoPermissionDenied(_("You need to log in first."))
    institution = get_institution(slug)
    if not permissions.check(request.user, "decisions.view", institution):
        raise DjangoPermissionDenied(_("Only members of this institution can do this."))
    return institution, _proposal(institution, proposal_id)


Act = Callable[[Proposal], object]


def _button(
    request: HttpRequest, slug: str, proposal_id: int, act: Act, success: str
) -> HttpResponse:
    """A button of the page: do it, or show the page again with the refusal."""
    institution, proposal = _posting(request, slug, proposal_id)
    try:
        act(proposal)
    except DomainError as exc:
        return _refused(request, institution, proposal, exc)
    messages.success(request, success)
    return _back(proposal)


def _submit(
    request: HttpRequest,
    slug: str,
    proposal_id: int,
    form: forms.Form,
    name: str,
    act: Callable[[Proposal, dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """A form of the page: do it, or show the page again with the form and its errors."""
    institution, proposal = _posting(request, slug, proposal_id)
    if not form.is_valid():
        return _form_refused(request, institution, proposal, name, form)
    try:
        act(proposal, form.cleaned_data)
    except DomainError as exc:
        return _form_refused(request, institution, proposal, name, form, exc)
    messages.success(request, success)
    return _back(proposal)


# --- pages ---------------------------------------------------------------------


@require_http_methods(["GET"])
def proposals(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "decisions.view")
    if isinstance(found, HttpResponse):
        return found
    context = {
        "institution": found,
        "groups": sel.proposals_by_state(institution=found),
        "may_create": may(request, "proposal.create", found),
    }
    return render(request, "decisions/proposal_list.html", context)


@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "proposal.create")
    if isinstance(found, HttpResponse):
        return found
    institution = found
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                proposal = svc.proposal_create(
                    actor=request.user, institution=institution, **form.service_args()
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Your draft is saved. Open it for discussion when it is ready."),
                )
                return _back(proposal)
    else:
        default = bylaws_settings(institution=institution).default_rule
        form = ProposalForm(initial={"rule": default, "seats": 1, "secret": True})
    context = {"institution": institution, "form": form, "editing": None}
    return render(request, "decisions/proposal_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    institution = get_institution(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    proposal = _proposal(institution, proposal_id)
    decision = permissions.check(request.user, "proposal.edit", proposal)
    if not decision:
        raise DjangoPermissionDenied(decision.reason)
    if proposal.state != ProposalState.DRAFT:
        messages.error(request, _("Only a draft can be edited; propose an amendment instead."))
        return _back(proposal)
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                svc.proposal_update(actor=request.user, proposal=proposal, **form.service_args())
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The draft is saved."))
                return _back(proposal)
    else:
        form = ProposalForm(
            initial={
                "title": proposal.title,
                "body": proposal.body,
                "rule": proposal.rule,
                "options": "\n".join(proposal.options),
                "seats": proposal.seats,
                "secret": proposal.secret,
            }
        )
    context = {"institution": institution, "form": form, "editing": proposal}
    return render(request, "decisions/proposal_form.html", context, status=status)


@require_http_methods(["GET"])
@remembering_facts
def proposal_detail(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    found = viewable(request, slug, "decisions.view")
    if isinstance(found, HttpResponse):
        return found
    return _page(request, found, _proposal(found, proposal_id))


@require_POST
def proposal_open(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    return _button(
        request,
        slug,
        proposal_id,
        lambda p: svc.proposal_open_discussion(actor=request.user, proposal=p),
        _("The proposal is open for discussion."),
    )


@require_POST
def proposal_withdraw(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    return _button(
        request,
        slug,
        proposal_id,
        lambda p: svc.proposal_withdraw(actor=request.user, proposal=p),
        _("The proposal is withdrawn."),
    )


@require_POST
def proposal_vote(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    return _submit(
        request,
        slug,
        proposal_id,
        CloseForm(request.POST, prefix="vote"),
        "vote_form",
        lambda p, data: svc.proposal_move_to_vote(
            actor=request.user, proposal=p, closes_at=data["closes_at"]
        ),
        _("The vote is open."),
    )


@require_POST
def proposal_carry_out(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    return _submit(
        request,
        slug,
        proposal_id,
        EvidenceForm(request.POST, prefix="carry"),
        "carry_out_form",
        lambda p, data: svc.proposal_carry_out(
            actor=request.user, proposal=p, evidence=data["evidence"]
        ),
        _("The proposal is recorded as carried out."),
    )


@require_POST
def comment_add(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    institution, proposal = _posting(request, slug, proposal_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        if form.data.get("parent"):  # a reply: its small form is not kept, say why on top
            message = _("A reply needs a stance and some words.")
            return _page(request, institution, proposal, error=message, status=422)
        return _form_refused(request, institution, proposal, "comment_form", form)
    parent: Comment | None = None
    try:
        if form.cleaned_data["parent"]:
            parent = sel.comment_get(proposal=proposal, comment_id=form.cleaned_data["parent"])
        svc.comment_add(
            actor=request.user,
            proposal=proposal,
            stance=form.cleaned_data["stance"],
            body=form.cleaned_data["body"],
            parent=parent,
        )
    except DomainError as exc:
        if parent is not None:
            return _refused(request, institution, proposal, exc)
        return _form_refused(request, institution, proposal, "comment_form", form, exc)
    messages.success(
        request, _("Your reply is posted.") if parent else _("Your comment is posted.")
    )
    return _back(proposal)


@require_POST
def comment_hide(
    request: HttpRequest, slug: str, proposal_id: int, comment_id: int
) -> HttpResponse:
    institution, proposal = _posting(request, slug, proposal_id)
    form = HideForm(request.POST)
    if not form.is_valid():
        return _page(
            request, institution, proposal, error=_("Say why the comment is hidden."), status=422
        )
    try:
        comment = sel.comment_get(proposal=proposal, comment_id=comment_id)
        svc.comment_hide(actor=request.user, comment=comment, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _refused(request, institution, proposal, exc)
    messages.success(request, _("The comment is hidden; the reason is shown in its place."))
    return _back(proposal)


@require_POST
def comment_unhide(
    request: HttpRequest, slug: str, proposal_id: int, comment_id: int
) -> HttpResponse:
    return _button(
        request,
        slug,
        proposal_id,
        lambda p: svc.comment_unhide(
            actor=request.user, comment=sel.comment_get(proposal=p, comment_id=comment_id)
        ),
        _("The comment is shown again."),
    )


@require_POST
def amendment_propose(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    return _submit(
        request,
        slug,
        proposal_id,
        AmendmentForm(request.POST),
        "amendment_form",
        lambda p, data: svc.amendment_propose(actor=request.user, proposal=p, **data),
        _("Your amendment is proposed."),
    )


@require_POST
def amendment_accept(
    request: HttpRequest, slug: str, proposal_id: int, amendment_id: int
) -> HttpResponse:
    return _button(
        request,
        slug,
        proposal_id,
        lambda p: svc.amendment_accept(
            actor=request.user, amendment=sel.amendment_get(proposal=p, amendment_id=amendment_id)
        ),
        _("The amendment is accepted; the text now reads as amended."),
    )


@require_POST
def amendment_vote(
    request: HttpRequest, slug: str, proposal_id: int, amendment_id: int
) -> HttpResponse:
    institution, proposal = _posting(request, slug, proposal_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        message = _("Give the date and time the vote on the amendment closes.")
        return _page(request, institution, proposal, error=message, status=422)
    try:
        amendment = sel.amendment_get(proposal=proposal, amendment_id=amendment_id)
        svc.amendment_to_vote(
            actor=request.user, amendment=amendment, closes_at=form.cleaned_data["closes_at"]
        )
    except DomainError as exc:
        return _refused(request, institution, proposal, exc)
    messages.success(request, _("The members now vote on the amendment."))
    return _back(proposal)


@require_POST
def amendment_withdraw(
    request: HttpRequest, slug: str, proposal_id: int, amendment_id: int
) -> HttpResponse:
    return _button(
        request,
        slug,
        proposal_id,
        lambda p: svc.amendment_withdraw(
            actor=request.user, amendment=sel.amendment_get(proposal=p, amendment_id=amendment_id)
        ),
        _("Your amendment is withdrawn."),
    )


@require_POST
def task_add(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    institution, proposal = _posting(request, slug, proposal_id)
    form = TaskForm(request.POST, institution=institution)
    if not form.is_valid():
        return _form_refused(request, institution, proposal, "task_form", form)
    owner = Membership.objects.get(
        institution=institution, user_id=form.cleaned_data["owner"], left_at__isnull=True
    ).user
    try:
        svc.task_add(
            actor=request.user,
            proposal=proposal,
            title=form.cleaned_data["title"],
            owner=owner,
            due_on=form.cleaned_data["due_on"],
        )
    except DomainError as exc:
        return _form_refused(request, institution, proposal, "task_form", form, exc)
    messages.success(request, _("The task is added."))
    return _back(proposal)


@require_POST
def task_complete(request: HttpRequest, slug: str, proposal_id: int, task_id: int) -> HttpResponse:
    institution, proposal = _posting(request, slug, proposal_id)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        message = _("Say how the task was done.")
        return _page(request, institution, proposal, error=message, status=422)
    try:
        task = sel.task_get(proposal=proposal, task_id=task_id)
        svc.task_complete(actor=request.user, task=task, evidence=form.cleaned_data["evidence"])
    except DomainError as exc:
        return _refused(request, institution, proposal, exc)
    messages.success(request, _("The task is recorded as done."))
    return _back(proposal)
