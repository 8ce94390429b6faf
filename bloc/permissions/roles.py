"""Facts the rules are made of: who is a member, who holds which role today.

Every function answers for one person and one institution with one query;
none of them decides anything by itself.

A page that only reads asks the same facts many times (a dozen rules on one
page, each asking whether the viewer is a member or leads). Inside
``facts_remembered()`` (or a view decorated with ``remembering_facts``, for
GET and HEAD requests) each fact is read once and kept until the block ends;
any save or delete through the ORM forgets them all, so a write in the block
is never answered with what was true before it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision

T = TypeVar("T")

_facts: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar(
    "bloc_permission_facts", default=None
)


@contextmanager
def facts_remembered() -> Iterator[None]:
    """Within this block, each fact about a person is read from the database once."""
    token = _facts.set({})
    try:
        yield
    finally:
        _facts.reset(token)


def remembering_facts(view: Callable[..., T]) -> Callable[..., T]:
    """A view whose GET and HEAD requests read each fact once (see the module's docstring)."""

    @functools.wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> T:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with facts_remembered():
            return view(request, *args, **kwargs)

    return wrapped


def remembered(key: tuple[Any, ...], read: Callable[[], T]) -> T:
    """``read()``, or what it answered before for ``key`` inside ``facts_remembered()``."""
    memo = _facts.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _forget(**_: Any) -> None:
    memo = _facts.get()
    if memo:
        memo.clear()


post_save.connect(_forget, dispatch_uid="bloc.permissions.roles.forget_saved")
post_delete.connect(_forget, dispatch_uid="bloc.permissions.roles.forget_deleted")


def _pk(obj: Any) -> Any:
    return getattr(obj, "pk", obj)


def membership_of(actor: Any, institution: Any) -> Any:
    """The actor's current membership of ``institution``, or None."""
    from bloc.membership.models import Membership

    if not is_person(actor):
        return None
    return remembered(
        ("membership", actor.pk, _pk(institution)),
        lambda: Membership.objects.filter(
            institution=institution, user_id=actor.pk, left_at__isnull=True
        ).first(),
    )


def is_member(actor: Any, institution: Any) -> bool:
    return membership_of(actor, institution) is not None


def is_verified_member(actor: Any, institution: Any) -> bool:
    membership = membership_of(actor, institution)
    return membership is not None and membership.verified_at is not None


def holds_role(actor: Any, institution: Any, role: str) -> bool:
    """Whether the actor holds ``role`` in ``institution`` today."""
    from bloc.membership.models import RoleTerm

    if not is_person(actor):
        return False
    today = timezone.localdate()
    current = RoleTerm.objects.filter(
        membership__institution=institution,
        membership__user_id=actor.pk,
        membership__left_at__isnull=True,
        starts_on__lte=today,
        ends_on__gt=today,
        ended_on__isnull=True,
    )
    if _facts.get() is None:
        return current.filter(role=role).exists()
    # Remembering: every role held today, in one query, answers every later question.
    roles = remembered(
        ("roles", actor.pk, _pk(institution), today),
        lambda: set(current.values_list("role", flat=True)),
    )
    return role in roles


def is_chapter_organizer(actor: Any, chapter: Any) -> bool:
    from bloc.institutions.models import ChapterOrganizer

    if not is_person(actor):
        return False
    return remembered(
        ("organizer", actor.pk, _pk(chapter)),
        lambda: ChapterOrganizer.objects.filter(
            chapter=chapter, user_id=actor.pk, ended_at__isnull=True
        ).exists(),
    )


def leads(actor: Any, institution: Any) -> bool:
    """A facilitator of the institution, or an organizer of its chapter."""
    # The chapter's id is enough to ask: no query to load the chapter itself.
    return holds_role(actor, institution, "facilitator") or is_chapter_organizer(
        actor, institution.chapter_id
    )


def members_and_organizers(actor: Any, institution: Any) -> Decision:
    """The decision for what members of the institution and the chapter's organizers may see."""
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, institution) or is_chapter_organizer(actor, institution.chapter_id):
        return ALLOW
    return Decision(False, "members_only", _("Only members of this institution can see this."))
