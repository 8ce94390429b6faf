"""The forms that act on councils (action_views.py), under /councils/."""

from django.urls import URLPattern, path

from bloc.confederation import action_views as views

one = "<slug:slug>/"
assembly = f"{one}assemblies/<slug:institution>/"
question = f"{one}questions/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path("new/", views.council_create, name="create"),
    path(f"{assembly}join/", views.join, name="join"),
    path(f"{assembly}leave/", views.leave, name="leave"),
    path(f"{assembly}elect/", views.elect, name="elect"),
    path(f"{one}questions/new/", views.ask, name="ask"),
    path(f"{one}from-proposal/", views.from_proposal, name="from_proposal"),
    path(f"{question}vote/", views.vote, name="vote"),
    path(f"{question}open/", views.open_voting, name="open_voting"),
    path(f"{question}close/", views.close, name="close"),
    path(f"{question}ratify/", views.ratify, name="ratify"),
    path(f"{question}send-up/", views.send_up, name="send_up"),
    path(f"{one}delegates/<int:pk>/recall/", views.recall, name="recall"),
]
