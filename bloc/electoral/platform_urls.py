"""Routes of the platform pages, and the electoral index."""

from django.urls import path

from bloc.electoral import platform_views as views

urlpatterns: list = [
    path("", views.index, name="index"),
    path("priorities/", views.priorities, name="platform_priorities"),
    path("platforms/new/", views.platform_create, name="platform_create"),
    path("platforms/<int:pk>/", views.platform_detail, name="platform_detail"),
    path("platforms/<int:pk>/send/", views.platform_send, name="platform_send"),
    path("platforms/<int:pk>/platform.pdf", views.platform_pdf, name="platform_pdf"),
]
