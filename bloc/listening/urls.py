"""The pages under /listening/."""

from django.urls import URLPattern, path

from bloc.listening import views

app_name = "listening"

urlpatterns: list[URLPattern] = []
