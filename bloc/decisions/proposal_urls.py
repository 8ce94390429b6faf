"""Proposal pages, mounted under /institutions/<slug>/ (see bloc/membership/urls.py)."""

from django.urls import URLPattern, path

from bloc.decisions import proposal_views as views

one = "proposals/<int:proposal_id>/"

urlpatterns: list[URLPattern] = [
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path(one, views.proposal_detail, name="proposal_detail"),
    path(f"{one}edit/", views.proposal_edit, name="proposal_edit"),
    path(f"{one}open/", views.proposal_open, name="proposal_open"),
    path(f"{one}withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path(f"{one}vote/", views.proposal_vote, name="proposal_vote"),
    path(f"{one}carried-out/", views.proposal_carry_out, name="proposal_carry_out"),
    path(f"{one}comments/", views.comment_add, name="proposal_comment"),
    path(f"{one}comments/<int:comment_id>/hide/", views.comment_hide, name="proposal_comment_hide"),
    path(
        f"{one}comments/<int:comment_id>/unhide/",
        views.comment_unhide,
        name="proposal_comment_unhide",
    ),
    path(f"{one}amendments/", views.amendment_propose, name="proposal_amend"),
    path(
        f"{one}amendments/<int:amendment_id>/accept/",
        views.amendment_accept,
        name="proposal_amendment_accept",
    ),
    path(
        f"{one}amendments/<int:amendment_id>/vote/",
        views.amendment_vote,
        name="proposal_amendment_vote",
    ),
    path(
        f"{one}amendments/<int:amendment_id>/withdraw/",
        views.amendment_withdraw,
        name="proposal_amendment_withdraw",
    ),
    path(f"{one}tasks/", views.task_add, name="proposal_task_add"),
    path(f"{one}tasks/<int:task_id>/complete/", views.task_complete, name="proposal_task_complete"),
]
