"""Poll pages, mounted under /institutions/<slug>/ (see bloc/membership/urls.py)."""

from django.urls import URLPattern, path

from bloc.decisions import poll_views

urlpatterns: list[URLPattern] = [
    path("polls/", poll_views.polls, name="polls"),
    path("polls/new/", poll_views.poll_create, name="poll_create"),
    path("polls/<int:poll_id>/", poll_views.poll_detail, name="poll_detail"),
    path("polls/<int:poll_id>/vote/", poll_views.poll_vote, name="poll_vote"),
    path("polls/<int:poll_id>/results/", poll_views.poll_results, name="poll_results"),
    path("polls/<int:poll_id>/ballots/", poll_views.poll_ballots, name="poll_ballots"),
    path(
        "polls/<int:poll_id>/ballots.json", poll_views.poll_ballots_file, name="poll_ballots_file"
    ),
]
