"""The health score's reasons in words: what is wrong, what to do, and where.

``bloc.core.health`` gives each reason a stable code and integer parameters; the
refresh stores them (``InstitutionFigures.reasons``). Here each code becomes a whole
translated sentence in the reader's language, a suggested next step, and the page of
the institution where one acts on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc.core import health as core_health
from bloc.hub.health import OLD_CONCERN_DAYS, VOTERS_WINDOW_DAYS


@dataclass(frozen=True)
class ReasonView:
    code: str
    params: dict[str, int]
    points: str  # points lost, one decimal
    sentence: str
    step: str
    url: str
    link_text: str


def _charter(p: dict[str, int]) -> str:
    total = p.get("total") or 1
    percent = p.get("met", 0) * 100 // total
    return _(
        "It meets %(percent)s%% of the democratic charter: %(distance)s%% is missing or only "
        "partly met."
    ) % {"percent": percent, "distance": 100 - percent}


def _meetings(p: dict[str, int]) -> str:
    interval = p.get("interval", 30)
    if "days_since" not in p:
        return _("It has never held a meeting.")
    days = p["days_since"]
    return ngettext(
        "Its last meeting was one day ago; it usually meets every %(interval)s days.",
        "Its last meeting was %(days)s days ago; it usually meets every %(interval)s days.",
        days,
    ) % {"days": days, "interval": interval}


def _voters(p: dict[str, int]) -> str:
    recent, previous = p.get("recent", 0), p.get("previous", 0)
    return ngettext(
        "One person voted in the last %(window)s days, against %(previous)s in the %(window)s "
        "days before.",
        "%(recent)s people voted in the last %(window)s days, against %(previous)s in the "
        "%(window)s days before.",
        recent,
    ) % {"recent": recent, "previous": previous, "window": VOTERS_WINDOW_DAYS}


def _rotations(p: dict[str, int]) -> str:
    n = p.get("count", 0)
    return ngettext(
        "One role's term has ended and no one has taken over.",
        "%(count)s role terms have ended and no one has taken over.",
        n,
    ) % {"count": n}


def _concerns(p: dict[str, int]) -> str:
    n = p.get("count", 0)
    return ngettext(
        "One concern has been unresolved for more than %(days)s days.",
        "%(count)s concerns have been unresolved for more than %(days)s days.",
        n,
    ) % {"count": n, "days": OLD_CONCERN_DAYS}


def _quorum(p: dict[str, int]) -> str:
    n = p.get("count", 0)
    return ngettext(
        "One poll of the last six months did not reach its quorum.",
        "%(count)s polls of the last six months did not reach their quorum.",
        n,
    ) % {"count": n}


# code: (sentence, next step, URL name under "institutions:", link text)
_WORDS: dict[
    str, tuple[Callable[[dict[str, int]], str], Callable[[], str], str, Callable[[], str]]
] = {
    core_health.CHARTER_DISTANCE: (
        _charter,
        lambda: _("Go through the charter's points with its members and adopt what is missing."),
        "charter",
        lambda: _("Its charter page"),
    ),
    core_health.IRREGULAR_MEETINGS: (
        _meetings,
        lambda: _("Help its facilitators schedule the next meeting and publish its agenda."),
        "meetings",
        lambda: _("Its meetings"),
    ),
    core_health.PARTICIPATION_DECLINE: (
        _voters,
        lambda: _(
            "Ask the members why fewer of them vote; announce polls early and offer "
            "in-person voting."
        ),
        "polls",
        lambda: _("Its polls"),
    ),
    core_health.OVERDUE_ROTATIONS: (
        _rotations,
        lambda: _("Help it hold elections for the roles whose terms have ended."),
        "roles",
        lambda: _("Its roles"),
    ),
    core_health.OLD_CONCERNS: (
        _concerns,
        lambda: _("Help it give the waiting concerns to a working group, or answer them."),
        "concerns",
        lambda: _("Its concerns"),
    ),
    core_health.LAPSED_QUORUM: (
        _quorum,
        lambda: _(
            "Help it reach the quorum: remind members before polls close and hold votes "
            "at meetings."
        ),
        "polls",
        lambda: _("Its polls"),
    ),
}


def reason_view(reason: dict[str, Any], *, slug: str) -> ReasonView:
    """One stored reason of institution ``slug`` in the active language."""
    code = str(reason.get("code", ""))
    params = {k: int(v) for k, v in (reason.get("params") or {}).items()}
    points = str(reason.get("points", "0.0"))
    words = _WORDS.get(code)
    if words is None:  # a code from a newer bloc: say what little we know
        return ReasonView(code, params, points, code, "", "", "")
    sentence, step, url_name, link_text = words
    return ReasonView(
        code=code,
        params=params,
        points=points,
        sentence=sentence(params),
        step=step(),
        url=reverse(f"institutions:{url_name}", kwargs={"slug": slug}),
        link_text=link_text(),
    )


def reasons_in_words(reasons: list[dict[str, Any]], *, slug: str) -> list[ReasonView]:
    return [reason_view(r, slug=slug) for r in reasons]


def score_definition() -> list[dict[str, Any]]:
    """What the score counts: each problem, its weight, and how the points are lost."""
    w = core_health.WEIGHTS
    return [
        {
            "code": core_health.CHARTER_DISTANCE,
            "weight": w[core_health.CHARTER_DISTANCE],
            "rule": _("Distance from the democratic charter: in proportion to what it misses."),
        },
        {
            "code": core_health.IRREGULAR_MEETINGS,
            "weight": w[core_health.IRREGULAR_MEETINGS],
            "rule": _(
                "Meetings: once the usual interval between its meetings has passed, points "
                "are lost day by day, all of them at three intervals or if it never met."
            ),
        },
        {
            "code": core_health.PARTICIPATION_DECLINE,
            "weight": w[core_health.PARTICIPATION_DECLINE],
            "rule": _(
                "Participation: in proportion to the fall in voters, the last 90 days against "
                "the 90 before."
            ),
        },
        {
            "code": core_health.OVERDUE_ROTATIONS,
            "weight": w[core_health.OVERDUE_ROTATIONS],
            "rule": _("Roles: terms ended with no one taking over, all points at 3."),
        },
        {
            "code": core_health.OLD_CONCERNS,
            "weight": w[core_health.OLD_CONCERNS],
            "rule": _("Concerns unresolved for more than 30 days, all points at 5."),
        },
        {
            "code": core_health.LAPSED_QUORUM,
            "weight": w[core_health.LAPSED_QUORUM],
            "rule": _("Polls of the last 180 days that missed their quorum, all points at 3."),
        },
    ]
