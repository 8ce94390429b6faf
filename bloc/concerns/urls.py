"""Concerns pages, mounted under /institutions/<slug>/ (see bloc/membership/urls.py)."""

from django.urls import URLPattern, path

from bloc.concerns import views

one = "concerns/<int:concern_id>/"

urlpatterns: list[URLPattern] = [
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/new/", views.concern_report, name="concern_report"),
    path(one, views.concern_detail, name="concern_detail"),
    path(f"{one}photos/<int:photo_id>/", views.concern_photo, name="concern_photo"),
    path(f"{one}me-too/", views.me_too, name="concern_me_too"),
    path(f"{one}me-too/withdraw/", views.me_too_withdraw, name="concern_me_too_withdraw"),
    path(f"{one}assign/", views.concern_assign, name="concern_assign"),
    path(f"{one}update/", views.concern_update, name="concern_update"),
    path(f"{one}raise/", views.concern_raise, name="concern_raise"),
    path("working-groups/", views.working_groups, name="working_groups"),
    path("working-groups/new/", views.working_group_create, name="working_group_create"),
    path(
        "working-groups/<int:group_id>/join/", views.working_group_join, name="working_group_join"
    ),
    path(
        "working-groups/<int:group_id>/leave/",
        views.working_group_leave,
        name="working_group_leave",
    ),
]
