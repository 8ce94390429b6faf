"""Routes of the petition pages: the list and each petition's progress (public), the
circulators' sheet form, the organizers' pages to enter and check signatures."""

from django.urls import path

from bloc.electoral import petition_views as views

one = "petitions/<int:pk>/"

urlpatterns: list = [
    path("petitions/", views.petition_list, name="petition_list"),
    path("petitions/new/", views.petition_new, name="petition_new"),
    path(one, views.petition_detail, name="petition_detail"),
    path(f"{one}edit/", views.petition_edit, name="petition_edit"),
    path(f"{one}sheets/new/", views.petition_sheet_new, name="petition_sheet_new"),
    path(f"{one}signatures/", views.petition_signatures, name="petition_signatures"),
    path(
        f"{one}sheets/<int:sheet_id>/signatures/",
        views.petition_sheet_signatures,
        name="petition_sheet_signatures",
    ),
    path(f"{one}check/", views.petition_check, name="petition_check"),
]
