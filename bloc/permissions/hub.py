"""Rules about the hub: the chapter's view across all its institutions.

The chapter's public page (counts, the map by members, recent public decisions, the
public calendar) is for everyone. The organizers' part (the map by every measure,
growth, participation equity, who needs help, the full calendar, refreshing the
figures, the chapter's self-description questions) is for the chapter's organizers.
Every person may describe themselves (privately); an institution's facilitators and
the chapter's organizers enter its population baseline.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision, rule
from bloc.permissions.roles import is_chapter_organizer, leads


@rule("hub.view")
def _hub_view(actor: Any, chapter: Any) -> Decision:
    return ALLOW


@rule("hub.organize")
def _hub_organize(actor: Any, chapter: Any) -> Decision:
    """The organizers' hub of ``chapter``: every measure, equity, who needs help."""
    if not is_person(actor):
        return login_required_decision()
    if is_chapter_organizer(actor, chapter):
        return ALLOW
    return Decision(
        False, "organizers_only", _("Only the chapter's organizers can see the organizers' hub.")
    )


@rule("hub.describe_self")
def _hub_describe_self(actor: Any, obj: Any = None) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    return ALLOW


@rule("hub.population")
def _hub_population(actor: Any, institution: Any) -> Decision:
    """Enter the population figures of ``institution``'s area."""
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution):
        return ALLOW
    return Decision(
        False,
        "leaders_only",
        _("Only a facilitator or the chapter's organizers can enter the population figures."),
    )
