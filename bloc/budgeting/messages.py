"""Refusals of the budgeting core, worded in the voter's language, money with its currency."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc.core.budgeting.ballot import BudgetBallotProblem
from bloc.core.errors import ValidationFailed


def money(amount: int, currency: str) -> str:
    """An amount as residents read it: digits grouped, then the currency code."""
    return f"{amount:,} {currency}"


def ballot_problem(problem: BudgetBallotProblem, *, currency: str) -> ValidationFailed:
    p = problem.params
    code = problem.code
    if code == "over_budget":
        message = _(
            "Your choices cost %(total)s, which is %(over)s over the budget of %(budget)s. "
            "Untick a project or two and send it again."
        ) % {
            "total": money(p["total"], currency),
            "over": money(p["over"], currency),
            "budget": money(p["budget"], currency),
        }
    elif code == "too_many":
        message = ngettext(
            "You may choose at most %(most)s project.",
            "You may choose at most %(most)s projects.",
            p["most"],
        ) % {"most": p["most"]}
    elif code == "too_few":
        message = ngettext(
            "Choose at least %(least)s project.",
            "Choose at least %(least)s projects.",
            p["least"],
        ) % {"least": p["least"]}
    elif code == "too_many_points":
        message = _("You gave %(total)s points, %(over)s more than the %(most)s you have.") % {
            "total": p["total"],
            "over": p["over"],
            "most": p["most"],
        }
    elif code == "project_points":
        message = _("Give one project at most %(most)s points.") % {"most": p["most"]}
    elif code == "bad_points":
        message = _("Points are whole numbers, zero or more.")
    elif code == "same_rank":
        message = _(
            "Two projects are both ranked %(rank)s. Give each its own rank, or leave it blank."
        ) % {"rank": p["rank"]}
    elif code == "bad_rank":
        message = _("Ranks go from 1 to %(most)s; %(rank)s is not one of them.") % {
            "rank": p["rank"],
            "most": p["most"],
        }
    elif code == "empty":
        message = _("This ballot is empty: choose at least one project.")
    else:
        message = _("That project is not on this ballot.")
    return ValidationFailed(message, fields={"ballot": [message]}, code=code)
