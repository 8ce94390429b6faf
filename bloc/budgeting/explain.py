"""The count told to residents: how the rule works, and why each project was or was not funded.

The core's result (``bloc.core.budgeting.explain.to_json``) holds one step per project
with its figures; here each becomes a sentence in the reader's language.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc.budgeting.messages import money
from bloc.budgeting.models import Budget, Rule


def amount(value: Any, currency: str) -> str:
    """A step's money figure ("p/q" fractions and "12.50" strings included)."""
    if isinstance(value, str) and "/" in value:
        value = float(Fraction(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return money(int(number), currency)
    return f"{number:,.2f} {currency}"


def rule_summary(budget: Budget) -> str:
    """How the rule chose, in a few sentences a resident can follow."""
    text = _rule_summary(budget)
    if budget.min_votes:
        text += " " + ngettext(
            "Only projects with at least %(count)s vote could be funded.",
            "Only projects with at least %(count)s votes could be funded.",
            budget.min_votes,
        ) % {"count": f"{budget.min_votes:,}"}
    return text


def _rule_summary(budget: Budget) -> str:
    if budget.rule == Rule.GREEDY:
        return _(
            "Projects were taken in order of their votes, most first. Each one that still "
            "fitted in the money left was funded; one that did not fit was skipped, and the "
            "next one was considered."
        )
    if budget.rule == Rule.PHRAGMEN:
        return _(
            "Sequential Phragmén shares each project's cost among its supporters so that "
            "nobody carries much more than anyone else, funding at each step the project "
            "that keeps the heaviest load lowest. It stops at the first project that does "
            "not fit."
        )
    text = _(
        "The Method of Equal Shares gives every voter an equal share of the budget. A project "
        "is funded when its supporters can pay for it together from their shares; each round "
        "funds the project that costs its supporters the least each. So a large group cannot "
        "take all the money: every group gets about its fair share."
    )
    if budget.completion:
        text += " " + _(
            "When no more projects could be paid for this way, every share was raised a "
            "little and the count run again (the Add1 completion), as long as it stayed "
            "within the budget."
        )
    if budget.completion == "add1_greedy":
        text += " " + _(
            "What money was left then went to the projects with the most votes that fitted."
        )
    return text


def why(budget: Budget, step: dict[str, Any] | None) -> str:
    """Why one project was, or was not, funded: one or two sentences."""
    if step is None:
        return _("This project was not on the ballot.")
    currency = budget.currency
    votes = int(step.get("votes", 0))
    supporters = ngettext("%(count)s voter", "%(count)s voters", votes) % {"count": votes}
    cost = amount(step.get("cost"), currency)
    outcome = step.get("outcome")
    reason = step.get("reason")
    if outcome == "funded":
        if reason == "costs_nothing":
            return _("Funded: it costs nothing.")
        if step.get("by") == "greedy":
            return _(
                "Funded with the money left after the equal shares, as the project with the "
                "most votes (%(supporters)s) that still fitted."
            ) % {"supporters": supporters}
        if "price" in step:
            return _(
                "Funded in round %(round)s: its %(supporters)s paid for it together, about "
                "%(price)s each (less for those who had less left)."
            ) % {
                "round": step.get("round"),
                "supporters": supporters,
                "price": amount(step["price"], currency),
            }
        if "round" in step:
            return _("Funded in step %(round)s, chosen by %(supporters)s.") % {
                "round": step["round"],
                "supporters": supporters,
            }
        return _("Funded: chosen by %(supporters)s, and it fitted in the money left.") % {
            "supporters": supporters
        }
    if reason == "below_threshold":
        return _(
            "Not funded: a project needs %(threshold)s votes to be funded, and it had %(votes)s."
        ) % {"threshold": f"{int(step.get('threshold', 0)):,}", "votes": f"{votes:,}"}
    if reason == "no_supporters" or votes == 0:
        return _("Not funded: nobody voted for it.")
    if reason == "does_not_fit":
        return _(
            "Not funded: chosen by %(supporters)s, but when its turn came only %(left)s was "
            "left and it costs %(cost)s, %(short)s short. The money had gone to projects with "
            "more votes."
        ) % {
            "supporters": supporters,
            "left": amount(step.get("left"), currency),
            "cost": cost,
            "short": amount(step.get("short"), currency),
        }
    if reason == "supporters_could_not_afford":
        text = _(
            "Not funded: its %(supporters)s had only %(held)s left together from their equal "
            "shares when the count ended, and it costs %(cost)s. Their shares had gone to "
            "other projects they also chose, or were too small for this one."
        ) % {"supporters": supporters, "held": amount(step.get("held"), currency), "cost": cost}
        if "left" in step:
            text += " " + _("After the equal shares, %(left)s was left, not enough for it.") % {
                "left": amount(step["left"], currency)
            }
        return text
    if reason == "costs_more_than_budget":
        return _("Not funded: it costs more than the whole budget.")
    if reason == "stopped_here_does_not_fit":
        return _(
            "Not funded: it was next in line, but only %(left)s was left and it costs "
            "%(cost)s; the count stops there."
        ) % {"left": amount(step.get("left"), currency), "cost": cost}
    if reason == "not_reached":
        return _("Not funded: the count stopped before reaching it.")
    return _("Not funded.")
