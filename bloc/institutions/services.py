"""Writes about chapters, institutions, their areas and their bylaws."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bloc import permissions
from bloc.accounts.models import User
from bloc.actors import is_system
from bloc.audit.services import audit_append
from bloc.core import addresses as address_rules
from bloc.core import areas
from bloc.core.bylaws import BOUNDS, BylawsSettings, BylawsSettingsError, parse_settings
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from bloc.institutions.models import (
    AreaAddress,
    BylawsVersion,
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


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed.for_field("name", _("Please enter a name."))
    if len(name) > 160:
        raise ValidationFailed.for_field("name", _("The name can have at most 160 characters."))
    return name


def chapter_create(*, actor: object, name: str, slug: str | None = None, city: str = "") -> Chapter:
    if not is_system(actor) and not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("Only administrators can create a chapter."))
    name = _clean_name(name)
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
    if not is_system(actor) and not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("Only administrators can appoint organizers."))
    with transaction.atomic():
        organizer, created = ChapterOrganizer.objects.get_or_create(
            chapter=chapter, user=user, ended_at=None
        )
        if created:
            audit_append(
                actor=actor,
                action="chapter.organizer_add",
                subject=chapter,
                data={"user": user.pk},
            )
    return organizer


# --- areas ----------------------------------------------------------------

AREA_MESSAGES = {
    "not_geojson": gettext_lazy("The boundary must be a GeoJSON object."),
    "one_feature": gettext_lazy("A FeatureCollection boundary must hold exactly one feature."),
    "not_polygon": gettext_lazy("The boundary must be a Polygon or a MultiPolygon, not %(kind)s."),
    "too_few_positions": gettext_lazy(
        "Ring %(ring)s of polygon %(polygon)s needs at least 4 positions."
    ),
    "bad_position": gettext_lazy(
        "Ring %(ring)s of polygon %(polygon)s: position %(position)s is not [longitude, latitude]."
    ),
    "outside_world": gettext_lazy(
        "Ring %(ring)s of polygon %(polygon)s: position %(position)s is outside the world "
        "(longitude %(lon)s, latitude %(lat)s); is it [longitude, latitude]?"
    ),
    "not_closed": gettext_lazy(
        "Ring %(ring)s of polygon %(polygon)s is not closed: its last position must "
        "repeat its first."
    ),
    "bad_json": gettext_lazy("The boundary is not valid JSON: %(error)s."),
    "no_coordinates": gettext_lazy("The boundary has no coordinates."),
    "no_ring": gettext_lazy("Each polygon needs at least an outer ring."),
    "not_simple": gettext_lazy(
        "The boundary crosses itself or is otherwise not a simple shape: %(detail)s."
    ),
    "no_area": gettext_lazy("The boundary encloses no area."),
}


def clean_boundary(raw: Any) -> dict[str, Any] | None:
    """A validated GeoJSON geometry, or None for "no boundary"; refusals name the problem."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        geometry, _shape = areas.parse_boundary(raw)
    except areas.AreaError as exc:
        template = AREA_MESSAGES.get(exc.code)
        message = template % exc.params if template else str(exc)
        raise ValidationFailed.for_field("boundary", message, code=f"boundary_{exc.code}") from None
    return geometry


def clean_addresses(lines: Iterable[str]) -> dict[str, str]:
    """Addresses keyed by their normalized form, first spelling kept; too long is refused."""
    result: dict[str, str] = {}
    for line in lines:
        address = " ".join(line.split())
        if not address:
            continue
        if len(address) > 255:
            raise ValidationFailed.for_field(
                "addresses", _("Each address can have at most 255 characters.")
            )
        result.setdefault(address_rules.normalize(address), address)
    return result


def _replace_addresses(institution: Institution, addresses: dict[str, str]) -> None:
    AreaAddress.objects.filter(institution=institution).delete()
    AreaAddress.objects.bulk_create(
        AreaAddress(institution=institution, address=address, key=key)
        for key, address in sorted(addresses.items())
    )


# --- institutions ------------------------------------------------------------


def institution_create(
    *,
    actor: object,
    chapter: Chapter,
    name: str,
    kind: str,
    slug: str | None = None,
    description: str = "",
    addresses: Iterable[str] = (),
    boundary: Any = None,
    rules: BylawsSettings | None = None,
    bylaws_text: str = "",
) -> Institution:
    """Create an institution with its area and first bylaws.

    People found institutions through ``bloc.membership.services.institution_found``,
    which also seats them as first member and facilitator.
    """
    permissions.require(actor, "institution.create", chapter)
    name = _clean_name(name)
    if kind not in InstitutionKind.values:
        raise ValidationFailed.for_field("kind", _("Choose one of the kinds of institution."))
    area = clean_addresses(addresses)
    geometry = clean_boundary(boundary)
    rules = rules or BylawsSettings()
    founder = actor if isinstance(actor, User) else None
    try:
        with transaction.atomic():
            institution = Institution.objects.create(
                chapter=chapter,
                name=name,
                slug=_slug(name, slug),
                kind=kind,
                description=description.strip(),
                boundary=geometry,
                founded_by=founder,
            )
            _replace_addresses(institution, area)
            BylawsVersion.objects.create(
                institution=institution,
                number=1,
                text=bylaws_text,
                rules=rules.to_dict(),
                changed_by=founder,
                note=_("First bylaws"),
            )
            audit_append(
                actor=actor,
                action="institution.create",
                subject=institution,
                data={
                    "name": name,
                    "kind": kind,
                    "chapter": chapter.pk,
                    "addresses": len(area),
                    "boundary": geometry is not None,
                },
            )
    except IntegrityError:
        raise Conflict(_("An institution with this short name already exists.")) from None
    return institution


def institution_update(
    *,
    actor: object,
    institution: Institution,
    name: str | None = None,
    kind: str | None = None,
    description: str | None = None,
) -> Institution:
    permissions.require(actor, "institution.update", institution)
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = _clean_name(name)
    if kind is not None:
        if kind not in InstitutionKind.values:
            raise ValidationFailed.for_field("kind", _("Choose one of the kinds of institution."))
        changes["kind"] = kind
    if description is not None:
        changes["description"] = description.strip()
    changed = sorted(f for f, v in changes.items() if getattr(institution, f) != v)
    if not changed:
        return institution
    with transaction.atomic():
        for field in changed:
            setattr(institution, field, changes[field])
        institution.save(update_fields=changed)
        audit_append(
            actor=actor,
            action="institution.update",
            subject=institution,
            data={"fields": changed, **{f: changes[f] for f in changed if f != "description"}},
        )
    return institution


def area_set(
    *,
    actor: object,
    institution: Institution,
    addresses: Iterable[str] | None = None,
    boundary: Any = None,
    clear_boundary: bool = False,
) -> Institution:
    """Replace the area's address list and/or its boundary. Bad geometry changes nothing."""
    permissions.require(actor, "institution.update", institution)
    area = clean_addresses(addresses) if addresses is not None else None
    geometry = clean_boundary(boundary) if boundary is not None else None
    with transaction.atomic():
        if area is not None:
            _replace_addresses(institution, area)
        if geometry is not None or clear_boundary:
            institution.boundary = geometry
            institution.save(update_fields=["boundary"])
        audit_append(
            actor=actor,
            action="institution.area_set",
            subject=institution,
            data={
                "addresses": len(area) if area is not None else None,
                "boundary": institution.boundary is not None,
            },
        )
    return institution


# --- bylaws -----------------------------------------------------------------


def _rule_problem(name: str, code: str) -> str:
    if code == "out_of_range":
        low, high = BOUNDS[name]
        return _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
    return {
        "unknown": _("This is not a bylaws setting."),
        "not_bool": _("Must be true or false."),
        "not_int": _("Must be a whole number."),
        "not_int_or_empty": _("Must be a whole number, or empty."),
        "not_a_choice": _("Choose one of the options offered."),
        "bad_roles": _("Give short lower-case names without accents: letters, digits, - or _."),
    }.get(code, code)


def clean_rules(raw: Mapping[str, Any]) -> BylawsSettings:
    try:
        return parse_settings(raw)
    except BylawsSettingsError as exc:
        raise ValidationFailed(
            _("Some bylaws settings are invalid."),
            fields={name: [_rule_problem(name, code)] for name, code in exc.problems.items()},
        ) from None


def bylaws_amend(
    *,
    actor: object,
    institution: Institution,
    text: str,
    rules: BylawsSettings | Mapping[str, Any] | None = None,
    note: str = "",
    action: str = "bylaws.amend",
) -> BylawsVersion:
    """Record a new version of the bylaws (text and settings); earlier versions stay."""
    permissions.require(actor, "bylaws.amend", institution)
    if rules is not None and not isinstance(rules, BylawsSettings):
        rules = clean_rules(rules)
    if len(note) > 255:
        raise ValidationFailed.for_field("note", _("Keep the note under 255 characters."))
    with transaction.atomic():
        current = (
            BylawsVersion.objects.select_for_update()
            .filter(institution=institution)
            .order_by("-number")
            .first()
        )
        settings = rules if rules is not None else parse_settings(current.rules if current else {})
        version = BylawsVersion.objects.create(
            institution=institution,
            number=(current.number if current else 0) + 1,
            text=text.strip(),
            rules=settings.to_dict(),
            note=note.strip(),
            changed_by=actor if isinstance(actor, User) else None,
        )
        changed = sorted(
            k for k, v in settings.to_dict().items() if current is None or current.rules.get(k) != v
        )
        audit_append(
            actor=actor,
            action=action,
            subject=institution,
            data={
                "version": version.number,
                "settings_changed": changed,
                "text_changed": current is None or current.text != version.text,
            },
        )
    return version
