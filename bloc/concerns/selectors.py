"""Reads of concerns and working groups, for the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from bloc.concerns.models import Category, Concern, ConcernPhoto, ConcernState, WorkingGroup
from bloc.core.errors import NotFound
from bloc.institutions.models import Institution


@dataclass(frozen=True)
class Tally:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class ConcernList:
    concerns: list[Concern]
    by_state: list[Tally]
    by_category: list[Tally]
    total: int


def _counted(qs: QuerySet[Concern]) -> QuerySet[Concern]:
    return qs.annotate(me_too_count=Count("me_toos", distinct=True))


def concern_list(*, institution: Institution, state: str = "", category: str = "") -> ConcernList:
    """The institution's concerns, newest first, filtered; counts are of all its concerns."""
    everything = Concern.objects.filter(institution=institution)
    qs = everything
    if state in ConcernState.values:
        qs = qs.filter(state=state)
    if category in Category.values:
        qs = qs.filter(category=category)
    states = dict(everything.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    categories = dict(
        everything.values_list("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    concerns = list(
        _counted(qs)
        .select_related("working_group")
        .annotate(photo_count=Count("photos", distinct=True))
        .order_by("-created_at", "-pk")
    )
    return ConcernList(
        concerns=concerns,
        by_state=[Tally(v, str(label), states.get(v, 0)) for v, label in ConcernState.choices],
        by_category=[Tally(v, str(label), categories.get(v, 0)) for v, label in Category.choices],
        total=sum(states.values()),
    )


def concern_get(*, institution: Institution, concern_id: int) -> Concern:
    concern = (
        _counted(Concern.objects.filter(institution=institution, pk=concern_id))
        .select_related("working_group", "reported_by", "proposal", "institution")
        .first()
    )
    if concern is None:
        raise NotFound(_("There is no such concern here."))
    return concern


def concern_photos(*, concern: Concern) -> list[ConcernPhoto]:
    # The bytes stay in the database until the photo itself is asked for.
    return list(concern.photos.defer("data").order_by("pk"))


def photo_get(*, institution: Institution, concern_id: int, photo_id: int) -> ConcernPhoto:
    photo = ConcernPhoto.objects.filter(
        pk=photo_id, concern_id=concern_id, concern__institution=institution
    ).first()
    if photo is None:
        raise NotFound(_("There is no such photo."))
    return photo


def concern_updates(*, concern: Concern) -> list[Any]:
    return list(concern.updates.select_related("author"))


def has_me_too(*, concern: Concern, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return concern.me_toos.filter(user_id=user.pk).exists()


def working_group_list(*, institution: Institution) -> list[WorkingGroup]:
    return list(
        WorkingGroup.objects.filter(institution=institution)
        .annotate(
            member_count=Count("members", distinct=True),
            concern_count=Count("concerns", distinct=True),
        )
        .prefetch_related("members")
        .order_by("name")
    )


def working_group_get(*, institution: Institution, group_id: int) -> WorkingGroup:
    group = WorkingGroup.objects.filter(institution=institution, pk=group_id).first()
    if group is None:
        raise NotFound(_("There is no such working group here."))
    return group


def groups_of(*, institution: Institution, user: Any) -> list[WorkingGroup]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(WorkingGroup.objects.filter(institution=institution, members__pk=user.pk))
