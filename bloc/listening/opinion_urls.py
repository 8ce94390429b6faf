"""The opinion conversation pages, under /listening/<institution>/opinions/ (mounted in
``bloc.listening.urls``, in its namespace)."""

from django.urls import URLPattern, path

from bloc.listening import opinion_views as views

one = "<slug:slug>/opinions/<int:conversation_id>/"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/opinions/", views.opinions, name="opinions"),
    path("<slug:slug>/opinions/new/", views.opinion_create, name="opinion_create"),
    path(one, views.opinion, name="opinion"),
    path(f"{one}statements/", views.opinion_statement, name="opinion_statement"),
    path(
        f"{one}statements/<int:statement_id>/moderate/",
        views.opinion_moderate,
        name="opinion_moderate",
    ),
    path(f"{one}close/", views.opinion_close, name="opinion_close"),
    path(f"{one}vote/", views.opinion_vote, name="opinion_vote"),
    path(f"{one}map/", views.opinion_map, name="opinion_map"),
]
