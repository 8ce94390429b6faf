"""Routes of the endorsement pages: a candidate's endorsement and its forms, and the
chapter's endorsements and recalls."""

from django.urls import path

from bloc.electoral import endorsement_views as views

one = "candidates/<int:pk>/endorsement/"

urlpatterns: list = [
    path("endorsements/", views.endorsements, name="endorsements"),
    path(one, views.endorsement, name="endorsement"),
    path(f"{one}advance/", views.advance, name="endorsement_advance"),
    path(f"{one}decline/", views.decline, name="endorsement_decline"),
    path(f"{one}send/", views.send, name="endorsement_send"),
    path(f"{one}chapter-vote/", views.chapter_vote, name="endorsement_chapter_vote"),
    path(f"{one}rubric/", views.rubric, name="endorsement_rubric"),
    path(f"{one}recall/", views.recall, name="endorsement_recall"),
]
