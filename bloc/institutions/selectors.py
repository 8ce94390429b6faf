from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bloc.institutions.models import Chapter, Institution


def institution_list(*, chapter: Chapter | None = None) -> QuerySet[Institution]:
    """Institutions with their number of (current) members, by name."""
    queryset = Institution.objects.select_related("chapter").annotate(
        member_count=Count("memberships", filter=Q(memberships__left_at__isnull=True)),
    )
    if chapter is not None:
        queryset = queryset.filter(chapter=chapter)
    return queryset.order_by("name")


def chapter_list() -> QuerySet[Chapter]:
    return Chapter.objects.annotate(institution_count=Count("institutions")).order_by("name")
