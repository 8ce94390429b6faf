"""In-room voting pages, mounted under /institutions/<slug>/ (see bloc/membership/urls.py)."""

from django.urls import path

from bloc.decisions import room_views as views

urlpatterns = [
    path("polls/<int:poll_id>/room/", views.poll_room, name="poll_room"),
    path("polls/<int:poll_id>/room/roster/", views.poll_roster, name="poll_roster"),
    path("polls/<int:poll_id>/room/roster/undo/", views.poll_roster_undo, name="poll_roster_undo"),
    path("polls/<int:poll_id>/room/paper/", views.poll_paper, name="poll_paper"),
    path(
        "polls/<int:poll_id>/room/paper/discard/",
        views.poll_paper_discard,
        name="poll_paper_discard",
    ),
    path("polls/<int:poll_id>/room/hands/", views.poll_hands, name="poll_hands"),
    path(
        "polls/<int:poll_id>/room/ballots.pdf",
        views.poll_paper_ballots_pdf,
        name="poll_paper_ballots_pdf",
    ),
    path("polls/<int:poll_id>/room/roster.pdf", views.poll_roster_pdf, name="poll_roster_pdf"),
]
