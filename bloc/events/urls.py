"""Events pages, mounted under /institutions/<slug>/ (see bloc/membership/urls.py)."""

from django.urls import URLPattern, path

from bloc.events import views

_shift = "events/<int:event_id>/shifts/<int:shift_id>/"

urlpatterns: list[URLPattern] = [
    path("events/", views.events, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:event_id>/rsvp/", views.event_rsvp, name="event_rsvp"),
    path("events/<int:event_id>/shifts/", views.shift_create, name="shift_create"),
    path(_shift + "sign-up/", views.shift_sign_up, name="shift_sign_up"),
    path(_shift + "withdraw/", views.shift_withdraw, name="shift_withdraw"),
    path(_shift + "delete/", views.shift_delete, name="shift_delete"),
    path("calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/meeting-<int:meeting_id>.ics", views.meeting_ics, name="meeting_ics"),
    path("calendar/event-<int:event_id>.ics", views.event_ics, name="event_ics"),
]
