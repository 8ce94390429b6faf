"""Reads about participation equity, for the pages and the API.

The figures come from the stored snapshot (``InstitutionFigures.equity``,
``ChapterFigures.equity``, see ``bloc.hub.equity``), already suppressed; these
functions only pick, label and order them, in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, FloatField, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bloc.core.equity import MINIMUM as MINIMUM  # the pages say it
from bloc.hub.equity import ACTIVITIES, BUILTIN_DIMENSIONS, CENSUS, WINDOW_DAYS
from bloc.hub.models import (
    ChapterFigures,
    DescriptionCategory,
    InstitutionFigures,
    PopulationFigure,
    SelfDescription,
)
from bloc.institutions.models import Chapter, Institution

ACTIVITY_LABELS = {
    "any": gettext_lazy("Took part in any way"),
    "voted": gettext_lazy("Voted"),
    "attended": gettext_lazy("Attended a meeting"),
    "spoke": gettext_lazy("Spoke at a meeting"),
    "proposed": gettext_lazy("Made a proposal"),
}
DIMENSION_LABELS = {
    "tenure": gettext_lazy("Tenure (renter or owner)"),
    "age_band": gettext_lazy("Age"),
    "language": gettext_lazy("Language spoken at home"),
}


# --- questions and self-descriptions --------------------------------------------------


def categories_of(*, chapter: Chapter, retired: bool = False) -> list[DescriptionCategory]:
    """The chapter's questions: the active ones, or with ``retired`` all of them."""
    found = DescriptionCategory.objects.filter(chapter=chapter)
    if not retired:
        found = found.filter(retired_at__isnull=True)
    return list(found.order_by("pk"))


def category_get(*, chapter: Chapter, category_id: int) -> DescriptionCategory:
    category = DescriptionCategory.objects.filter(chapter=chapter, pk=category_id).first()
    if category is None:
        raise Http404("No such question.")
    return category


def questions_for(user: Any) -> list[DescriptionCategory]:
    """The active questions of the chapters of the person's current institutions."""
    if not getattr(user, "pk", None):
        return []
    return list(
        DescriptionCategory.objects.filter(
            retired_at__isnull=True,
            chapter__institutions__memberships__user_id=user.pk,
            chapter__institutions__memberships__left_at__isnull=True,
        )
        .select_related("chapter")
        .distinct()
        .order_by("chapter__name", "pk")
    )


def self_description_of(user: Any) -> SelfDescription | None:
    """The person's own self-description (only ever shown to them)."""
    if not getattr(user, "pk", None):
        return None
    return SelfDescription.objects.filter(user_id=user.pk).first()


# --- dimensions and their groups ------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str  # "tenure", "age_band", "language" or "category:<pk>"
    label: str
    groups: tuple[tuple[str, str], ...]  # (value, label)

    def group_label(self, value: str) -> str:
        if value == "other":
            return _("Other groups")
        return dict(self.groups).get(value, value)


def dimensions(*, categories: list[DescriptionCategory]) -> list[Dimension]:
    """The built-in dimensions, then one per (active) question in ``categories``."""
    found = [
        Dimension(
            key,
            str(DIMENSION_LABELS[key]),
            tuple((str(v), str(label)) for v, label in choices.choices),
        )
        for key, choices in BUILTIN_DIMENSIONS.items()
    ]
    for category in categories:
        found.append(
            Dimension(
                f"category:{category.pk}",
                category.name,
                tuple((str(i), str(o)) for i, o in enumerate(category.options)),
            )
        )
    return found


def pick(
    found: list[Dimension], dimension: str | None, activity: str | None
) -> tuple[Dimension, str]:
    """The dimension and activity asked for, or the first ones when unknown."""
    chosen = next((d for d in found if d.key == dimension), found[0])
    return chosen, activity if activity in ACTIVITIES else "any"


def activity_choices() -> list[tuple[str, str]]:
    return [(a, str(ACTIVITY_LABELS[a])) for a in ACTIVITIES]


# --- the figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    group: str
    label: str
    merged: bool
    participants: int
    residents: int
    participant_share: float | None
    resident_share: float | None
    ratio: float | None

    @property
    def participant_percent(self) -> float | None:
        return None if self.participant_share is None else 100 * self.participant_share

    @property
    def resident_percent(self) -> float | None:
        return None if self.resident_share is None else 100 * self.resident_share


@dataclass(frozen=True)
class Comparison:
    """One comparison of participants with residents, ready to show."""

    source: str  # "census" or "members"
    source_text: str
    institutions: int | None  # overall: how many institutions use this baseline
    groups: tuple[GroupRow, ...]
    index: float | None
    not_described: int | None  # None: 1 to 4 people ("fewer than 5")
    computed: bool  # False: no figures for this yet (before a refresh)

    @property
    def reported(self) -> bool:
        return bool(self.groups)


def comparison(
    entry: dict[str, Any] | None,
    dimension: Dimension,
    *,
    source: str,
    source_text: str = "",
    institutions: int | None = None,
) -> Comparison:
    """Label one stored entry (``{"groups", "index", "not_described"}``)."""
    if not entry:
        return Comparison(source, source_text, institutions, (), None, 0, False)
    rows = tuple(
        GroupRow(
            group=g["group"],
            label=dimension.group_label(g["group"]),
            merged=bool(g.get("merged")),
            participants=g["participants"],
            residents=g["residents"],
            participant_share=g["participant_share"],
            resident_share=g["resident_share"],
            ratio=g["ratio"],
        )
        for g in entry.get("groups", [])
    )
    return Comparison(
        source,
        source_text,
        institutions,
        rows,
        entry.get("index"),
        entry.get("not_described"),
        True,
    )


def institution_comparison(
    figures: InstitutionFigures | None, dimension: Dimension, activity: str
) -> Comparison:
    stored = ((figures.equity if figures else None) or {}).get("dimensions", {})
    one = stored.get(dimension.key)
    if not one:
        return comparison(None, dimension, source="")
    return comparison(
        one.get("activities", {}).get(activity),
        dimension,
        source=one.get("source", ""),
        source_text=one.get("source_text", ""),
    )


def overall_comparisons(
    equity: dict[str, Any] | None, dimension: Dimension, activity: str
) -> list[Comparison]:
    """The chapter's comparisons: one per baseline source (census first)."""
    stored = (equity or {}).get("dimensions", {}).get(dimension.key, {}).get("sources", {})
    found = []
    for source in sorted(stored, key=lambda s: s != CENSUS):
        one = stored[source]
        found.append(
            comparison(
                one.get("activities", {}).get(activity),
                dimension,
                source=source,
                institutions=one.get("institutions"),
            )
        )
    return found


def chapter_figures(*, chapter: Chapter, equity: bool = True) -> ChapterFigures | None:
    """The chapter's last figures with only what the equity pages read (its other JSON,
    such as the councils' areas, can be large)."""
    fields = ["pk", "chapter_id", "computed_at"] + (["equity"] if equity else [])
    return ChapterFigures.objects.filter(chapter=chapter).only(*fields).first()


def _index_of(dimension: str, activity: str) -> Cast:
    return Cast(
        KeyTextTransform(
            activity, KeyTextTransform(dimension, KeyTextTransform("index", "equity"))
        ),
        FloatField(),
    )


def institution_ranking(*, chapter: Chapter, dimension: str, activity: str) -> QuerySet[Any]:
    """Every institution of the chapter with its equity index for ``dimension`` and
    ``activity``: lowest first, those without an index last. Rows are dicts
    (name, slug, participants, index); the stored JSON itself is not loaded."""
    return (
        InstitutionFigures.objects.filter(institution__chapter=chapter)
        .annotate(index=_index_of(dimension, activity))
        .order_by(F("index").asc(nulls_last=True), "institution__name", "pk")
        .values("institution__name", "institution__slug", "participants", "index")
    )


def institution_figures_get(*, chapter: Chapter, slug: str) -> tuple[Institution, Any]:
    """The chapter's institution ``slug`` and its stored figures (None before a refresh)."""
    institution = Institution.objects.filter(chapter=chapter, slug=slug[:80]).first()
    if institution is None:
        raise Http404("No such institution in this chapter.")
    return institution, InstitutionFigures.objects.filter(institution=institution).first()


def population_of(*, institution: Institution) -> dict[str, tuple[dict[str, int], str]]:
    """``{dimension: ({group: residents}, source text)}`` entered for the institution."""
    found: dict[str, tuple[dict[str, int], str]] = {}
    for dimension, group, residents, source in PopulationFigure.objects.filter(
        institution=institution
    ).values_list("dimension", "group", "residents", "source"):
        figures, text = found.get(dimension, ({}, ""))
        figures[group] = residents
        found[dimension] = (figures, text or source)
    return found


def window_days() -> int:
    return WINDOW_DAYS
