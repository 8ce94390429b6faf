"""Routes of the cycle and candidate pages (candidate_views.py), under /electoral/."""

from django.urls import URLPattern, path

from bloc.electoral import candidate_views as views

cycle = "cycles/<int:pk>/"
candidate = "candidates/<int:pk>/"
answer = "answer/<str:secret>/"

urlpatterns: list[URLPattern] = [
    path("cycles/", views.cycle_list, name="candidate_cycles"),
    path("cycles/new/", views.cycle_create, name="candidate_cycle_create"),
    path(cycle, views.cycle_detail, name="candidate_cycle"),
    path(f"{cycle}edit/", views.cycle_edit, name="candidate_cycle_edit"),
    path(f"{cycle}questions/", views.question_add, name="candidate_question_add"),
    path(
        f"{cycle}questions/<int:question_pk>/remove/",
        views.question_remove,
        name="candidate_question_remove",
    ),
    path(f"{cycle}nominate/", views.nominate, name="candidate_nominate"),
    path(f"{cycle}apply/", views.apply, name="candidate_apply"),
    path(candidate, views.candidate_detail, name="candidate_detail"),
    path(f"{candidate}second/", views.candidate_second, name="candidate_second"),
    path(f"{candidate}link/", views.candidate_link, name="candidate_link"),
    path(answer, views.answer, name="candidate_answer"),
    path(f"{answer}pledges/", views.answer_pledges, name="candidate_answer_pledges"),
    path(f"{answer}profile/", views.answer_profile, name="candidate_answer_profile"),
    path(f"{answer}withdraw/", views.answer_withdraw, name="candidate_answer_withdraw"),
]
