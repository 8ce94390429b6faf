"""Meetings pages, mounted under /institutions/<slug>/ (see bloc/membership/urls.py)."""

from django.urls import URLPattern, path

from bloc.meetings import views

M = "meetings/<int:meeting_id>/"

urlpatterns: list[URLPattern] = [
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path(M, views.meeting_detail, name="meeting_detail"),
    path(M + "edit/", views.meeting_edit, name="meeting_edit"),
    path(M + "end/", views.meeting_end, name="meeting_end"),
    path(M + "agenda/", views.agenda_add, name="agenda_add"),
    path(M + "agenda/<int:item_id>/move/", views.agenda_move, name="agenda_move"),
    path(M + "agenda/<int:item_id>/remove/", views.agenda_remove, name="agenda_remove"),
    path(M + "agenda.pdf", views.agenda_pdf, name="meeting_agenda_pdf"),
    path(M + "sign-in.pdf", views.signin_pdf, name="meeting_signin_pdf"),
    path(M + "door-code/", views.door_code, name="meeting_door_code"),
    path(M + "check-in/", views.check_in, name="meeting_check_in"),
    path(M + "attendance/", views.attendance, name="meeting_attendance"),
    path(
        M + "attendance/<int:user_id>/undo/",
        views.attendance_undo,
        name="meeting_attendance_undo",
    ),
    path(M + "queue/", views.queue, name="meeting_queue"),
    path(M + "queue/live/", views.queue_fragment, name="meeting_queue_fragment"),
    path(M + "queue/join/", views.queue_join, name="meeting_queue_join"),
    path(M + "queue/leave/", views.queue_leave, name="meeting_queue_leave"),
    path(M + "queue/next/", views.queue_next, name="meeting_queue_next"),
    path(M + "queue/finish/", views.queue_finish, name="meeting_queue_finish"),
    path(M + "minutes/", views.minutes_edit, name="meeting_minutes"),
    path(
        M + "minutes/<int:earlier_id>/approve/",
        views.minutes_approve,
        name="meeting_minutes_approve",
    ),
]
