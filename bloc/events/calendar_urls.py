"""A person's own calendar, mounted at /calendar/ (see bloc/urls.py)."""

from django.urls import URLPattern, path

from bloc.events import calendar_views

app_name = "calendar"

urlpatterns: list[URLPattern] = [
    path("", calendar_views.page, name="page"),
    path("reset/", calendar_views.reset, name="reset"),
    path("emails/", calendar_views.emails, name="emails"),
    path("<str:token>.ics", calendar_views.feed, name="feed"),
]
