from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bloc.core.bylaws import BylawsSettings, parse_settings
from bloc.core.errors import NotFound
from bloc.institutions.models import BylawsVersion, Chapter, Institution


def institution_list(
    *, chapter: Chapter | None = None, kind: str | None = None
) -> QuerySet[Institution]:
    """Institutions with their number of current and of verified members, by name."""
    current = Q(memberships__left_at__isnull=True)
    queryset = Institution.objects.select_related("chapter").annotate(
        member_count=Count("memberships", filter=current),
        verified_count=Count(
            "memberships", filter=current & Q(memberships__verified_at__isnull=False)
        ),
    )
    if chapter is not None:
        queryset = queryset.filter(chapter=chapter)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("name")


def institutions_with_member_counts(*, limit: int) -> list[Institution]:
    """The first ``limit`` institutions by name with ``member_count``, as
    ``institution_list`` gives it, counted apart: one pass over their memberships
    instead of a join that carries every institution's columns through the count."""
    from bloc.membership.models import Membership

    institutions = list(Institution.objects.select_related("chapter").order_by("name")[:limit])
    counts = dict(
        Membership.objects.filter(institution__in=institutions, left_at__isnull=True)
        .values("institution")
        .annotate(n=Count("pk"))
        .values_list("institution", "n")
    )
    for institution in institutions:
        institution.member_count = counts.get(institution.pk, 0)  # type: ignore[attr-defined]
    return institutions


def institution_get(*, slug: str, counts: bool = False) -> Institution:
    """The institution; with ``counts``, its numbers of members as ``institution_list``
    gives them (a count over its memberships: only the pages that show them ask)."""
    queryset = institution_list() if counts else Institution.objects.select_related("chapter")
    institution = queryset.filter(slug=slug).first()
    if institution is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("There is no institution with that name."))
    return institution


def chapter_list() -> QuerySet[Chapter]:
    return Chapter.objects.annotate(institution_count=Count("institutions")).order_by("name")


def chapter_get(*, slug: str) -> Chapter:
    chapter = Chapter.objects.filter(slug=slug).first()
    if chapter is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("There is no chapter with that name."))
    return chapter


def bylaws_current(*, institution: Institution) -> BylawsVersion | None:
    return (
        BylawsVersion.objects.filter(institution=institution)
        .select_related("changed_by")
        .order_by("-number")
        .first()
    )


def bylaws_settings(*, institution: Institution) -> BylawsSettings:
    """The settings in force (defaults when the institution has no bylaws yet).

    Read once per page that remembers facts (``bloc.permissions.roles.facts_remembered``).
    """
    from bloc.permissions.roles import remembered

    def read() -> BylawsSettings:
        current = bylaws_current(institution=institution)
        return parse_settings(current.rules if current else {})

    return remembered(("bylaws", institution.pk), read)


def bylaws_history(*, institution: Institution) -> QuerySet[BylawsVersion]:
    return (
        BylawsVersion.objects.filter(institution=institution)
        .select_related("changed_by")
        .order_by("-number")
    )


def area_keys(*, institution: Institution) -> set[str]:
    return set(institution.addresses.values_list("key", flat=True))
