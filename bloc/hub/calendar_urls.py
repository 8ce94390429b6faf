"""The calendar pages of the hub (included by bloc/hub/urls.py)."""

from django.urls import URLPattern, path

from bloc.hub import calendar_views

urlpatterns: list[URLPattern] = [
    path("<slug:chapter>/calendar/", calendar_views.calendar_page, name="calendar"),
    path("<slug:chapter>/calendar.ics", calendar_views.calendar_ics, name="calendar_ics"),
    path(
        "<slug:chapter>/calendar/<str:token>.ics",
        calendar_views.calendar_feed,
        name="calendar_feed",
    ),
]
