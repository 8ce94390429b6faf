"""The pages under /listening/."""

from django.urls import URLPattern, path

from bloc.listening import opinion_urls, views

app_name = "listening"

survey = "<slug:slug>/surveys/<int:survey_id>/"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("s/<str:secret>/", views.public_survey, name="public_survey"),
    path("<slug:slug>/surveys/", views.surveys, name="surveys"),
    path("<slug:slug>/surveys/new/", views.survey_create, name="survey_create"),
    path(f"{survey}edit/", views.survey_edit, name="survey_edit"),
    path(f"{survey}link/", views.survey_link, name="survey_link"),
    path(survey, views.survey_answer, name="survey_answer"),
    path(f"{survey}results/", views.survey_results, name="survey_results"),
    path(f"{survey}export.csv", views.survey_export, name="survey_export"),
    path("<slug:slug>/needs/", views.needs, name="needs"),
    path("<slug:slug>/needs/new/", views.need_record, name="need_record"),
    path("<slug:slug>/needs/<int:need_id>/concern/", views.need_to_concern, name="need_concern"),
    path("<slug:slug>/needs/<int:need_id>/proposal/", views.need_to_proposal, name="need_proposal"),
    *opinion_urls.urlpatterns,
]
