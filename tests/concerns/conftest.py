"""Fixtures for concerns: images made with Pillow, a working group on Maple Street."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import make_person, member


def image_bytes(size=(40, 30), *, fmt="JPEG", mode="RGB", color=(200, 30, 30), **save) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **save)
    return out.getvalue()


def photo(content: bytes, name="photo.jpg", content_type="image/jpeg"):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def walter(maple):  # type: ignore[no-untyped-def]
    """A verified member of Maple Street in the Streets working group."""
    person = make_person("walter@example.org", "Walter Group", address="114 Maple Street")
    member(maple, person, verified=True)
    return person


@pytest.fixture
def streets(maple, fiona, walter):  # type: ignore[no-untyped-def]
    from bloc.concerns.services import working_group_create, working_group_join

    group = working_group_create(
        actor=fiona, institution=maple, name="Streets and safety", description="Lights, holes"
    )
    working_group_join(actor=walter, group=group)
    return group
