"""Putting a recall petition to a vote, under /institutions/<slug>/."""

from django.urls import URLPattern, path

from bloc.decisions import recall_views

urlpatterns: list[URLPattern] = [
    path("recalls/<int:petition_id>/vote/", recall_views.recall_vote, name="recall_vote"),
]
