"""URL patterns mounted under /institutions/<slug>/ (see bloc/institutions/urls.py)."""

from django.urls import URLPattern, path

from bloc.membership import letters_views

urlpatterns: list[URLPattern] = [
    path("letters/", letters_views.letters, name="letters"),
    path("letter-code/", letters_views.letter_code, name="letter_code"),
]
