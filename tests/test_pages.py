"""Site-wide pages: the home page, error pages in the visitor's language, the layout."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from bloc.actors import SYSTEM
from bloc.institutions import services

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_institutions(client):
    chapter = services.chapter_create(actor=SYSTEM, name="Riverside")
    services.institution_create(
        actor=SYSTEM, chapter=chapter, name="Oak Avenue Block Association", kind="block_association"
    )
    page = client.get("/").content.decode()
    assert "Oak Avenue Block Association" in page
    assert "Block association" in page


def test_the_layout_is_accessible_by_construction(client):
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert 'name="viewport"' in page
    assert page.count("<h1") == 1
    assert 'href="#main"' in page and 'id="main"' in page  # skip link to the main landmark
    assert "<header" in page and "<nav" in page and "<footer" in page
    assert "<script" not in page  # nothing needs JavaScript


def test_a_missing_page_is_a_real_404_in_the_visitors_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert '<html lang="es">' in response.content.decode()
    assert "Page not found" not in response.content.decode()


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_a_server_error_shows_a_plain_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_the_500_page_is_translated():
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="es")
    response = client.get("/broken/")
    assert response.status_code == 500
    assert '<html lang="es">' in response.content.decode()
    assert "Something went wrong" not in response.content.decode()


def test_a_forged_form_gets_the_translated_csrf_page(alice):
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")
    response = strict.post("/accounts/login/", {"username": alice.email, "password": "x"})
    assert response.status_code == 403
    assert '<html lang="es">' in response.content.decode()


def test_static_files_are_served_without_collectstatic(client):
    response = client.get("/static/bloc/bloc.css")
    assert response.status_code == 200


def test_the_home_page_costs_the_same_few_queries_however_many_institutions(
    client, django_assert_max_num_queries
):
    chapter = services.chapter_create(actor=SYSTEM, name="Riverside")
    for n in range(12):
        services.institution_create(
            actor=SYSTEM, chapter=chapter, name=f"Block {n}", kind="block_association"
        )
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200
