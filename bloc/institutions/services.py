"""Writes about chapters and institutions."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.accounts.models import User
from bloc.audit.services import audit_append
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from bloc.institutions.models import (
    AreaAddress,
    Chapter,
    ChapterOrganizer,
    Institution,
    InstitutionKind,
)


def _slug(name: str, given: str | None) -> str:
    slug = slugify(given or name)[:80]
    if not slug:
        raise ValidationFailed.for_field(
            "slug", _("Choose a short name made of letters or digits.")
        )
    return slug


def chapter_create(*, actor: object, name: str, slug: str | None = None, city: str = "") -> Chapter:
    if not permissions.is_system(actor) and not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("Only administrators can create a chapter."))
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed.for_field("name", _("Please enter a name."))
    try:
        with transaction.atomic():
            chapter = Chapter.objects.create(name=name, slug=_slug(name, slug), city=city)
            audit_append(
                actor=actor,
                action="chapter.create",
                subject=chapter,
                data={"name": chapter.name, "slug": chapter.slug},
            )
    except IntegrityError:
        raise Conflict(_("A chapter with this short name already exists.")) from None
    return chapter


def chapter_organizer_add(*, actor: object, chapter: Chapter, user: User) -> ChapterOrganizer:
    if not permissions.is_system(actor) and not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("Only administrators can appoint organizers."))
    with transaction.atomic():
        organizer, created = ChapterOrganizer.objects.get_or_create(
            chapter=chapter, user=user, ended_at=None
        )
        if created:
            audit_append(
                actor=actor, action="chapter.organizer_add", subject=chapter, data={"user": user.pk}
            )
    return organizer


def institution_create(
    *,
    actor: object,
    chapter: Chapter,
    name: str,
    kind: str,
    slug: str | None = None,
    description: str = "",
    addresses: Iterable[str] = (),
) -> Institution:
    """Found an institution in a chapter, with the addresses of its area."""
    permissions.require(actor, "institution.create", chapter)
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed.for_field("name", _("Please enter a name."))
    if kind not in InstitutionKind.values:
        raise ValidationFailed.for_field("kind", _("Choose one of the kinds of institution."))
    clean_addresses = sorted({" ".join(a.split()) for a in addresses if a.strip()})
    try:
        with transaction.atomic():
            institution = Institution.objects.create(
                chapter=chapter,
                name=name,
                slug=_slug(name, slug),
                kind=kind,
                description=description.strip(),
            )
            AreaAddress.objects.bulk_create(
                AreaAddress(institution=institution, address=a) for a in clean_addresses
            )
            audit_append(
                actor=actor,
                action="institution.create",
                subject=institution,
                data={
                    "name": name,
                    "kind": kind,
                    "chapter": chapter.pk,
                    "addresses": len(clean_addresses),
                },
            )
    except IntegrityError:
        raise Conflict(_("An institution with this short name already exists.")) from None
    return institution
