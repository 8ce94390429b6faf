"""The democratic charter of an institution: its assessment, its adoption, and its words.

The rule lives in ``bloc.core.charter``; this module gathers the facts it
needs from the database (``charter_practice``), records an adoption
(``charter_adopt``: settings and bylaws text in English and Spanish), and
holds, in one place, the sentences that say each point, status, reason and
next step in the reader's language.

It lives in the membership app because practice is about members and
role-holders; the bylaws it reads and amends belong to institutions, which
this app builds on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from bloc import permissions
from bloc.core import terms
from bloc.core.bylaws import STANDARD_ROLES, BylawsSettings
from bloc.core.charter import (
    Assessment,
    NextStep,
    Point,
    Practice,
    Reason,
    Status,
    assess,
    charter_settings,
)
from bloc.institutions import selectors
from bloc.institutions.models import BylawsVersion, Institution
from bloc.institutions.services import bylaws_amend
from bloc.membership.models import Membership, RecallPetition, RoleTerm

# A resident who joined this many days ago and is still unverified is "waiting".
WAITING_DAYS = 30
# A role whose last term ended this many days ago with no one after it is "unfilled":
# a short gap between a term's end and the next election is normal.
VACANCY_GRACE_DAYS = 30
# A recall petition open this long without a vote has "stalled".
RECALL_DAYS = 60

BYLAWS_LANGUAGES = ("en", "es")
BYLAWS_TEMPLATE = "institutions/bylaws/charter_{language}.txt"
LANGUAGE_SEPARATOR = "\n\n" + "=" * 40 + "\n\n"


# --- words ---------------------------------------------------------------------------

POINT_NAMES: dict[Point, Promise] = {
    Point.OPEN_MEMBERSHIP: gettext_lazy("Open membership for every resident of the area"),
    Point.ONE_MEMBER_ONE_VOTE: gettext_lazy("One member, one vote"),
    Point.QUORUM: gettext_lazy("A quorum rule"),
    Point.ROTATION: gettext_lazy("Rotation of roles with term limits"),
    Point.RECALL: gettext_lazy("Recall of any role-holder"),
    Point.PUBLIC_RECORDS: gettext_lazy("Public agendas and minutes"),
    Point.MEMBER_DECISIONS: gettext_lazy("Decisions by the members, not a board"),
}

STATUS_LABELS: dict[Status, Promise] = {
    Status.MET: gettext_lazy("Met"),
    Status.PARTLY: gettext_lazy("Partly met"),
    Status.MISSING: gettext_lazy("Missing"),
}

# Each reason is one or more whole sentences; plurals are chosen by the named count.
REASON_SENTENCES: dict[str, tuple[Promise, ...]] = {
    "membership_open": (gettext_lazy("The bylaws open membership to every resident of the area."),),
    "membership_restricted": (
        gettext_lazy("The bylaws do not open membership to every resident of the area."),
    ),
    "residents_waiting": (
        ngettext_lazy(
            "One member has waited more than %(days)s days for their residency to be verified.",
            "%(count)s members have waited more than %(days)s days for their residency to be "
            "verified.",
            "count",
        ),
    ),
    "votes_equal": (gettext_lazy("The bylaws give each member one vote."),),
    "votes_weighted": (
        gettext_lazy(
            "The bylaws weigh votes by something other than membership, such as units, "
            "shares or dues."
        ),
    ),
    "weighted_votes_held": (
        ngettext_lazy(
            "One poll counted some members' votes more than others.",
            "%(count)s polls counted some members' votes more than others.",
            "count",
        ),
    ),
    "quorum_set": (
        gettext_lazy("The bylaws require a quorum of %(percent)s%% of the verified members."),
    ),
    "no_quorum": (
        gettext_lazy("The bylaws set no quorum, so a handful of people can decide for everyone."),
    ),
    "quorum_too_low": (
        gettext_lazy(
            "The bylaws' quorum of %(percent)s%% of the verified members is below the "
            "charter's minimum of %(floor)s%%."
        ),
    ),
    "decisions_without_quorum": (
        ngettext_lazy(
            "One decision was taken without a quorum.",
            "%(count)s decisions were taken without a quorum.",
            "count",
        ),
    ),
    "terms_limited": (
        ngettext_lazy("A term lasts one month.", "A term lasts %(months)s months.", "months"),
        ngettext_lazy(
            "No one may hold the same role for more than one term in a row.",
            "No one may hold the same role for more than %(limit)s terms in a row.",
            "limit",
        ),
    ),
    "no_terms": (
        gettext_lazy(
            "The bylaws set neither a term length nor a term limit, so roles need never rotate."
        ),
    ),
    "no_term_limit": (
        ngettext_lazy("A term lasts one month.", "A term lasts %(months)s months.", "months"),
        gettext_lazy(
            "The bylaws set no term limit, so one person can hold a role term after term."
        ),
    ),
    "no_term_length": (
        ngettext_lazy(
            "No one may hold the same role for more than one term in a row.",
            "No one may hold the same role for more than %(limit)s terms in a row.",
            "limit",
        ),
        gettext_lazy("The bylaws do not say how long a term lasts."),
    ),
    "tenure_too_long": (
        ngettext_lazy(
            "One person may hold a role for one month in a row.",
            "One person may hold a role for %(tenure)s months in a row.",
            "tenure",
        ),
        ngettext_lazy(
            "The charter asks for at most one month, so that roles rotate.",
            "The charter asks for at most %(most)s months, so that roles rotate.",
            "most",
        ),
    ),
    "roles_past_limit": (
        ngettext_lazy(
            "One role-holder has served more terms in a row than the limit of %(limit)s.",
            "%(count)s role-holders have served more terms in a row than the limit of %(limit)s.",
            "count",
        ),
    ),
    "terms_too_long": (
        ngettext_lazy(
            "One current term lasts longer than the term length the bylaws set.",
            "%(count)s current terms last longer than the term length the bylaws set.",
            "count",
        ),
    ),
    "roles_unfilled": (
        ngettext_lazy(
            "One role has stayed empty since its last term ended.",
            "%(count)s roles have stayed empty since their last terms ended.",
            "count",
        ),
    ),
    "recall_allowed": (gettext_lazy("The bylaws let the members recall any role-holder."),),
    "no_recall": (gettext_lazy("The bylaws give the members no way to recall a role-holder."),),
    "recalls_stalled": (
        ngettext_lazy(
            "One recall petition has waited more than %(days)s days for a vote.",
            "%(count)s recall petitions have waited more than %(days)s days for a vote.",
            "count",
        ),
    ),
    "records_public": (gettext_lazy("The bylaws make agendas and minutes public."),),
    "records_private": (gettext_lazy("The bylaws do not make agendas and minutes public."),),
    "meetings_without_agenda": (
        ngettext_lazy(
            "One meeting was held without a published agenda.",
            "%(count)s meetings were held without a published agenda.",
            "count",
        ),
    ),
    "meetings_without_minutes": (
        ngettext_lazy(
            "One meeting has no published minutes.",
            "%(count)s meetings have no published minutes.",
            "count",
        ),
    ),
    "members_decide": (gettext_lazy("The bylaws leave decisions to the members."),),
    "board_decides": (
        gettext_lazy("The bylaws let a board or a few officers decide for the members."),
    ),
    "no_verified_members": (
        gettext_lazy("No member's residency is verified yet, so no one can vote."),
    ),
    "decisions_by_board": (
        ngettext_lazy(
            "One decision was taken without a vote of the members.",
            "%(count)s decisions were taken without a vote of the members.",
            "count",
        ),
    ),
}

STEP_SENTENCES: dict[str, Promise] = {
    "adopt_charter": ngettext_lazy(
        "Adopt the charter: the bylaws fall short on one point, and adopting the charter fixes it.",
        "Adopt the charter: the bylaws fall short on %(count)s points, and adopting the "
        "charter fixes them all at once.",
        "count",
    ),
    "amend_bylaws": gettext_lazy("Amend the bylaws so that they hold this point: %(point)s."),
    "verify_residents": gettext_lazy(
        "Verify the residency of the members who are waiting: in person, by vouching or "
        "with a letter."
    ),
    "decide_in_assembly": gettext_lazy(
        "Bring decisions back to the members: put each one to a vote of the members."
    ),
    "count_votes_equally": gettext_lazy(
        "Count every member's vote equally, whatever they own, rent or pay."
    ),
    "respect_quorum": gettext_lazy("Take decisions only at meetings that reach the quorum."),
    "rotate_roles": gettext_lazy(
        "Elect new role-holders where someone has served past the term limit."
    ),
    "shorten_terms": gettext_lazy(
        "End the terms that run longer than the bylaws allow, and hold elections."
    ),
    "elect_role_holders": gettext_lazy("Elect members to the roles that are empty."),
    "vote_on_recalls": gettext_lazy("Put the waiting recall petitions to a vote of the members."),
    "publish_agendas": gettext_lazy("Publish the agenda of every meeting before it is held."),
    "publish_minutes": gettext_lazy("Publish the minutes of every meeting."),
    "keep_practising": gettext_lazy(
        "Every point of the charter is met. Keep it that way: hold elections on time, "
        "publish agendas and minutes, and verify new neighbors."
    ),
}


def reason_text(reason: Reason) -> str:
    """The reason in the active language: its sentences, joined by a space."""
    params: dict[str, Any] = reason.params
    # A lazy plural picks its form from ``params`` only when formatted: format, then str().
    return " ".join(str(sentence % params) for sentence in REASON_SENTENCES[reason.code])


def step_text(step: NextStep) -> str:
    params: dict[str, Any] = step.params
    if step.point is not None:
        params["point"] = str(POINT_NAMES[step.point])
    return str(STEP_SENTENCES[step.code] % params)


@dataclass(frozen=True)
class PointView:
    """One point of an assessment in words, for pages and the API."""

    code: str
    name: str
    status: str
    status_label: str
    reasons: tuple[str, ...]


def charter_points_in_words(assessment: Assessment) -> list[PointView]:
    return [
        PointView(
            code=p.point.value,
            name=str(POINT_NAMES[p.point]),
            status=p.status.value,
            status_label=str(STATUS_LABELS[p.status]),
            reasons=tuple(reason_text(r) for r in p.reasons),
        )
        for p in assessment.points
    ]


# --- reading practice ---------------------------------------------------------------


def charter_practice(
    *, institution: Institution, settings: BylawsSettings, today: date | None = None
) -> Practice:
    """What the institution does, measured against its ``settings``.

    Meetings, polls and decisions come with later issues: their counts stay 0.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    current = Membership.objects.filter(institution=institution, left_at__isnull=True)
    verified = current.filter(verified_at__isnull=False).count()
    waiting = current.filter(
        verified_at__isnull=True, joined_at__lt=now - timedelta(days=WAITING_DAYS)
    ).count()
    stalled = RecallPetition.objects.filter(
        role_term__membership__institution=institution,
        closed_at__isnull=True,
        opened_at__lt=now - timedelta(days=RECALL_DAYS),
    ).count()

    rows = list(
        RoleTerm.objects.filter(membership__institution=institution).values(
            "membership__user_id",
            "membership__left_at",
            "role",
            "starts_on",
            "ends_on",
            "ended_on",
        )
    )
    return practice_of(
        settings=settings,
        term_rows=rows,
        verified=verified,
        waiting=waiting,
        stalled=stalled,
        today=today,
    )


def practice_of(
    *,
    settings: BylawsSettings,
    term_rows: list[dict[str, Any]],
    verified: int,
    waiting: int,
    stalled: int,
    today: date,
) -> Practice:
    """The ``Practice`` from facts already read: the institution's role terms (rows of
    membership__user_id, membership__left_at, role, starts_on, ends_on, ended_on) and
    its counts. The hub reads these facts for every institution at once and calls this,
    so both count practice by the same rule."""
    rows = [dict(row) for row in term_rows]
    for row in rows:
        # A term's last day: cut short, or its planned end, or the day its holder left.
        row["last_day"] = row["ended_on"] or row["ends_on"]
        if row["membership__left_at"] is not None:
            row["last_day"] = min(row["last_day"], timezone.localdate(row["membership__left_at"]))
        row["term"] = terms.Term(starts_on=row["starts_on"], last_day=row["last_day"])
    # Terms cancelled before they began were never served and count for nothing.
    rows = [row for row in rows if row["term"].served]
    held: dict[tuple[int, str], list[terms.Term]] = {}
    for row in rows:
        held.setdefault((row["membership__user_id"], row["role"]), []).append(row["term"])

    past_limit = too_long = 0
    for row in rows:
        # Held today, as bloc.membership.roles counts it: [starts_on, last_day).
        if not row["starts_on"] <= today < row["last_day"]:
            continue
        if settings.term_limit is not None:
            others = [
                t for t in held[(row["membership__user_id"], row["role"])] if t != row["term"]
            ]
            run = terms.consecutive_terms(others, row["starts_on"]) + 1
            past_limit += run > settings.term_limit
        if settings.term_months is not None:
            too_long += row["ends_on"] > terms.add_months(row["starts_on"], settings.term_months)

    unfilled = 0
    vacancy_since = today - timedelta(days=VACANCY_GRACE_DAYS)
    for role in settings.roles:
        role_rows = [r for r in rows if r["role"] == role]
        if not role_rows:
            continue  # never held: nothing has failed to rotate
        # Someone holds it now, or has been elected to a term that has not started yet.
        taken = any(r["last_day"] > today for r in role_rows)
        last = max(r["last_day"] for r in role_rows)
        unfilled += not taken and last < vacancy_since

    return Practice(
        verified_members=verified,
        residents_waiting=waiting,
        waiting_days=WAITING_DAYS,
        roles_past_limit=past_limit,
        terms_too_long=too_long,
        roles_unfilled=unfilled,
        recalls_stalled=stalled,
        recall_days=RECALL_DAYS,
    )


def charter_assess(*, institution: Institution) -> Assessment:
    """How far the institution is from the charter, from its bylaws in force and its practice.

    Reads only; whoever shows it checks "charter.view".
    """
    settings = selectors.bylaws_settings(institution=institution)
    return assess(settings, charter_practice(institution=institution, settings=settings))


# --- adopting -------------------------------------------------------------------------


def bylaws_language(language: str | None) -> str:
    """The bylaws language closest to ``language`` ("es-mx" → "es"); English otherwise."""
    base = (language or "").split("-")[0].lower()
    return base if base in BYLAWS_LANGUAGES else BYLAWS_LANGUAGES[0]


def _render_bylaws(
    institution: Institution, settings: BylawsSettings, language: str, adopted_on: date
) -> str:
    addresses = list(institution.addresses.values_list("address", flat=True))
    with translation.override(language):
        context = {
            "name": institution.name,
            "kind": str(institution.get_kind_display()),
            "chapter": institution.chapter.name,
            "addresses": addresses,
            "has_boundary": institution.boundary is not None,
            "settings": settings,
            "custom_roles": [r for r in settings.roles if r not in STANDARD_ROLES],
            "gap_days": terms.GAP_DAYS,
            "adopted_on": adopted_on,
        }
        text = render_to_string(BYLAWS_TEMPLATE.format(language=language), context)
    # Template tags leave blank lines behind; paragraphs are one blank line apart.
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def charter_text(
    *,
    institution: Institution,
    settings: BylawsSettings,
    language: str,
    adopted_on: date | None = None,
) -> str:
    """Bylaws prose for ``settings`` in English and in Spanish, ``language``'s version first.

    Both versions are stored together so that every member can read the
    bylaws in force; the one who recorded the adoption reads theirs first.
    Each version is headed by its own title and says that both have the
    same force.
    """
    first = bylaws_language(language)
    order = [first, *(lang for lang in BYLAWS_LANGUAGES if lang != first)]
    adopted_on = adopted_on or timezone.localdate()
    return LANGUAGE_SEPARATOR.join(
        _render_bylaws(institution, settings, lang, adopted_on) for lang in order
    )


def charter_adopt(*, actor: object, institution: Institution, language: str) -> BylawsVersion:
    """Record that the members adopted the charter: its settings and its bylaws text.

    The settings become the charter's (``bloc.core.charter.charter_settings``:
    nothing stricter is loosened; vouching, letters and custom roles stay);
    the text becomes the charter's bylaws in English and Spanish. It is a new
    bylaws version (audited as "charter.adopt"); earlier versions stay.
    Adopting again records the decision again as another version.
    """
    permissions.require(actor, "charter.adopt", institution)
    with transaction.atomic():
        # One adoption at a time per institution: the second reads the first's settings.
        locked = Institution.objects.select_for_update().get(pk=institution.pk)
        settings = charter_settings(selectors.bylaws_settings(institution=locked))
        version = bylaws_amend(
            actor=actor,
            institution=locked,
            text=charter_text(institution=locked, settings=settings, language=language),
            rules=settings,
            note=_("The members adopted the democratic charter."),
            action="charter.adopt",
        )
        locked.charter_adopted_at = version.changed_at
        locked.save(update_fields=["charter_adopted_at"])
    institution.charter_adopted_at = locked.charter_adopted_at
    return version
