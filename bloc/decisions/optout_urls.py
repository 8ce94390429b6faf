"""The poll-emails choice, mounted at /accounts/poll-emails/ (see bloc/urls.py)."""

from django.urls import path

from bloc.decisions import optout_views

app_name = "poll_emails"

urlpatterns = [path("", optout_views.optout, name="optout")]
