"""Routes of the scorecard pages: the officeholders, each one's scorecard, and the
organizers' forms on it."""

from django.urls import path

from bloc.electoral import scorecard_views as views

one = "scorecards/<int:pk>/"
action = f"{one}actions/<int:action_pk>/"

urlpatterns: list = [
    path("scorecards/", views.scorecard_list, name="scorecards"),
    path(one, views.scorecard_detail, name="scorecard"),
    path(f"{one}actions/", views.action_add, name="scorecard_action_add"),
    path(f"{action}edit/", views.action_update, name="scorecard_action_update"),
    path(f"{action}verdicts/", views.verdict_set, name="scorecard_verdict_set"),
    path(
        f"{action}verdicts/<int:pledge_pk>/remove/",
        views.verdict_remove,
        name="scorecard_verdict_remove",
    ),
    path(f"{action}remove/", views.action_remove, name="scorecard_action_remove"),
    path(f"{one}outcome/", views.outcome, name="scorecard_outcome"),
]
