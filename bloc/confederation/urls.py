"""The pages under /councils/: the tree, each council, its questions and delegates."""

from django.urls import include, path

from bloc.confederation import views

app_name = "councils"

one = "<slug:slug>/"

urlpatterns: list = [
    path("", views.tree, name="tree"),
    # The forms that act (set up a council first: "new" is not a council's slug).
    path("", include("bloc.confederation.action_urls")),
    path(one, views.council_detail, name="detail"),
    path(f"{one}questions/<int:pk>/", views.question_detail, name="question"),
    path(f"{one}delegates/<int:pk>/", views.delegate_detail, name="delegate"),
]
