"""Rules about the platform (issue 10, started).

The platform is public. An assembly's facilitators or secretary propose its
priorities (as they set up its votes); the chapter's organizers put the platform to
the assemblies and publish it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, check, is_person, login_required_decision, rule
from bloc.permissions.roles import is_chapter_organizer


@rule("platform.view")
def _platform_view(actor: Any, chapter: Any) -> Decision:
    return ALLOW


@rule("priority.propose")
def _priority_propose(actor: Any, institution: Any) -> Decision:
    return check(actor, "poll.create", institution)


@rule("platform.manage")
def _platform_manage(actor: Any, chapter: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if is_chapter_organizer(actor, chapter):
        return ALLOW
    return Decision(False, "organizers_only", _("Only the chapter's organizers can do this."))
