"""Budgeting pages, mounted under /institutions/<slug>/ (see bloc/membership/urls.py)."""

from django.urls import URLPattern, path

from bloc.budgeting import ballot_views, import_views, views, vote_views

one = "budgets/<int:budget_id>/"
project = f"{one}projects/<int:project_id>/"

urlpatterns: list[URLPattern] = [
    # views.py: the budget, its ideas, their review, the projects and their making
    path("budgets/", views.budget_list, name="budget_list"),
    path("budgets/new/", views.budget_create, name="budget_create"),
    path("budgets/import/", import_views.budget_import_page, name="budget_import"),
    path(one, views.budget_detail, name="budget_detail"),
    path(f"{one}edit/", views.budget_edit, name="budget_edit"),
    path(f"{one}ideas/new/", views.idea_submit, name="budget_idea_submit"),
    path(f"{one}merge/", views.ideas_merge, name="budget_merge"),
    path(project, views.project_detail, name="budget_project"),
    path(f"{project}review/", views.project_review, name="budget_project_review"),
    path(f"{project}updates/new/", views.project_update, name="budget_project_update"),
    path(f"{project}photos/<int:photo_id>/", views.project_photo, name="budget_photo"),
    # vote_views.py: voting online and on paper, the results, open data
    path(f"{one}vote/", vote_views.vote, name="budget_vote"),
    path(f"{one}paper/", vote_views.paper_ballot, name="budget_paper"),
    path(f"{one}results/", vote_views.results, name="budget_results"),
    path(f"{one}export.pb", vote_views.export_pb, name="budget_export"),
    path(f"{one}ballots/", ballot_views.ballots, name="budget_ballots"),
]
