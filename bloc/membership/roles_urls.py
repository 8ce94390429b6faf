"""URL patterns mounted under /institutions/<slug>/ (see bloc/institutions/urls.py)."""

from django.urls import URLPattern, path

from bloc.membership import roles_views

urlpatterns: list[URLPattern] = [
    path("roles/", roles_views.rotation, name="roles"),
    path("roles/terms/", roles_views.term_assign, name="role_assign"),
    path("roles/terms/<int:term_id>/end/", roles_views.term_end, name="role_end"),
    path("recalls/", roles_views.recall_open, name="recall_open"),
    path("recalls/<int:petition_id>/sign/", roles_views.recall_sign, name="recall_sign"),
    path("recalls/<int:petition_id>/close/", roles_views.recall_close, name="recall_close"),
]
