"""Refreshing the hub's figures: by the command, by an organizer, never by others."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bloc.actors import SYSTEM
from bloc.core.errors import PermissionDenied
from bloc.hub import services
from bloc.hub.models import ChapterFigures, InstitutionFigures
from bloc.institutions.models import ChapterOrganizer
from tests.conftest import make_person, member


@pytest.fixture
def organizer(chapter):  # type: ignore[no-untyped-def]
    person = make_person("org@example.org", "Olga Organizer")
    ChapterOrganizer.objects.create(chapter=chapter, user=person)
    return person


def test_refresh_writes_one_row_per_institution_and_replaces_them(maple, alice):  # type: ignore[no-untyped-def]
    member(maple, alice, verified=True)
    member(maple, make_person("carol@example.org", "Carol", address="114 Maple Street"))
    services.refresh(SYSTEM, chapter=maple.chapter)
    services.refresh(SYSTEM, chapter=maple.chapter)
    rows = list(InstitutionFigures.objects.all())
    assert [(r.institution_id, r.members, r.verified) for r in rows] == [(maple.pk, 2, 1)]
    assert ChapterFigures.objects.filter(chapter=maple.chapter).count() == 1


def test_only_the_chapters_organizers_refresh(maple, alice, organizer):  # type: ignore[no-untyped-def]
    member(maple, alice, verified=True)
    with pytest.raises(PermissionDenied):
        services.refresh(alice, chapter=maple.chapter)
    assert not ChapterFigures.objects.exists()
    services.refresh(organizer, chapter=maple.chapter)
    assert ChapterFigures.objects.filter(chapter=maple.chapter).exists()


def test_the_refresh_button(client, maple, alice, organizer):  # type: ignore[no-untyped-def]
    url = f"/hub/{maple.chapter.slug}/refresh/"
    assert client.get(url).status_code == 405
    client.force_login(alice)
    assert client.post(url).status_code == 403
    assert not ChapterFigures.objects.exists()
    client.force_login(organizer)
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == f"/hub/{maple.chapter.slug}/"
    assert ChapterFigures.objects.filter(chapter=maple.chapter).exists()
    response = client.post(url, {"next": f"/hub/{maple.chapter.slug}/map/"})
    assert response["Location"] == f"/hub/{maple.chapter.slug}/map/"


def test_the_command(maple):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("hub", "refresh", stdout=out)
    assert out.getvalue().startswith(f"{maple.chapter.slug}: 1 institution(s) in ")
    assert InstitutionFigures.objects.filter(institution=maple).exists()
    with pytest.raises(CommandError, match="No chapter with the short name 'nowhere'"):
        call_command("hub", "refresh", "--chapter", "nowhere")
