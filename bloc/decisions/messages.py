"""The core's refusal codes, worded in the member's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc.core.ballot_entry import BallotProblem
from bloc.core.errors import Conflict, ValidationFailed
from bloc.core.polls import SpecProblem
from bloc.core.proposals import ProposalProblem


def ballot_problem(problem: BallotProblem) -> ValidationFailed:
    p = problem.params
    messages = {
        "no_choice": _("Choose one option."),
        "unknown_option": _("That option is not on this ballot."),
        "same_rank": _(
            "Two options are both ranked %(rank)s. Give each option its own rank, "
            "or leave it unranked."
        )
        % {"rank": p.get("rank")},
        "bad_rank": _("Ranks go from 1 to %(most)s; %(rank)s is not one of them.")
        % {"rank": p.get("rank"), "most": p.get("most")},
        "rank_all": _("Rank all %(count)s options.") % {"count": p.get("count")},
        "too_many_approvals": ngettext(
            "You may approve at most %(most)s option.",
            "You may approve at most %(most)s options.",
            int(p.get("most", 0)),
        )
        % {"most": p.get("most")},
        "too_few_approvals": ngettext(
            "Approve at least %(least)s option, or none at all.",
            "Approve at least %(least)s options, or none at all.",
            int(p.get("least", 0)),
        )
        % {"least": p.get("least")},
        "bad_score": _("Scores go from %(low)s to %(high)s.")
        % {"low": p.get("low"), "high": p.get("high")},
        "empty": _("This ballot is empty."),
    }
    message = messages.get(problem.code, _("This ballot is not valid."))
    return ValidationFailed(message, fields={"ballot": [message]}, code=problem.code)


def spec_problem(problem: SpecProblem) -> ValidationFailed:
    p = problem.params
    field = "options"
    code = problem.code
    if code == "unknown_rule":
        message, field = _("Choose a counting rule from the list."), "rule"
    elif code == "too_few_options":
        message = _("Give at least two options, one per line.")
    elif code == "too_many_options":
        message = _("A poll can have at most %(most)s options.") % {"most": p.get("most")}
    elif code == "same_option":
        message = _("Two options have the same name.")
    elif code == "blank_option":
        message = _("An option has no name.")
    elif code == "bad_seats":
        message = _("Seats must be at least 1 and fewer than the options (at most %(most)s).") % {
            "most": p.get("most")
        }
        field = "seats"
    elif code == "bad_threshold":
        message = _("The share needed must be a fraction between 1/2 and 1, such as 2/3.")
        field = "threshold"
    elif code == "bad_approvals":
        message = _("The approval limits must be whole numbers within the number of options.")
        field = "max_approvals"
    elif code == "bad_scores":
        message, field = _("The lowest score must be below the highest, at most 100 apart."), "low"
    else:
        message = _("A setting of this poll is not valid.")
    return ValidationFailed(message, fields={field: [message]}, code=code)


def proposal_problem(problem: ProposalProblem) -> Conflict:
    p = problem.params
    if problem.code == "discussion_too_short":
        hours = int(p.get("hours_left", 0))  # type: ignore[call-overload]
        message = ngettext(
            "The bylaws give a proposal time for discussion: %(hours)s more hour "
            "before it can go to a vote.",
            "The bylaws give a proposal time for discussion: %(hours)s more hours "
            "before it can go to a vote.",
            hours,
        ) % {"hours": hours}
    elif problem.code == "amendments_pending":
        count = int(p.get("count", 0))  # type: ignore[call-overload]
        message = ngettext(
            "%(count)s amendment is still undecided; amendments are settled first.",
            "%(count)s amendments are still undecided; amendments are settled first.",
            count,
        ) % {"count": count}
    elif problem.code == "decided_by_poll":
        message = _("Only the vote decides whether a proposal is adopted.")
    else:
        message = _("A proposal cannot go from this stage to that one.")
    return Conflict(message, code=problem.code)
