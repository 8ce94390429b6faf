"""Participatory budgeting in a real browser, on the demo chapter.

The facilitator of Maple Street sets up a budget through the pages; a resident
sends ideas (a negative cost is refused); the facilitator reviews one feasible at
a revised cost and merges the other into it. Other budgets are moved into their
voting phase by editing their dates, and the resident votes an approval ballot
with a limit and a knapsack ballot, with JavaScript on (a running total) and off
(the server refuses a bad ballot and says why; nothing is stored). Once voting
closes, the results show the funded projects, the chart and its table, and the
count step by step; a project's page says why it was not funded. The demo's
imported Assen budget (public, under Riverside North Assembly) and Maple Street 2026's implementation photo render too.

Every page is checked at 360 px and, with JavaScript, with axe-core. Each test
sets up budgets of its own, with titles of its own: the resident votes once per
budget, so no test depends on another or on their order.
"""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_membership import FACILITATOR, MAPLE_SLUG, RESIDENT, log_in
from tests.browser.test_voting import server_now

pytestmark = pytest.mark.browser

BUDGETS = f"/institutions/{MAPLE_SLUG}/budgets/"
RECEIPT = re.compile(r"([0-9a-f]{4} ){15}[0-9a-f]{4}")
PHASE_LABELS = {
    "ideas_open": "Ideas from",
    "review_from": "Feasibility review from",
    "voting_opens": "Voting opens",
    "voting_closes": "Voting closes",
    "implementation_from": "Implementation from",
}
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


# --- what the facilitator does ----------------------------------------------------------


def fill_phases(form: Any, **moments: datetime.datetime) -> None:
    """Type phase starts into the budget form (in the server's time zone, to the second)."""
    for name, moment in moments.items():
        field = form.get_by_label(PHASE_LABELS[name], exact=True)
        field.fill(moment.strftime("%Y-%m-%dT%H:%M:%S"))


def set_up_budget(
    page: Any,
    check_page: Any,
    title: str,
    *,
    amount: int,
    kind: str = "approval",
    most: int | None = None,
    rule: str = "greedy",
) -> str:
    """A new budget taking ideas now, from the list of budgets; returns its address."""
    page.goto(BUDGETS)
    check_page(page)
    page.locator("main").get_by_role("link", name="New budget").click()
    expect(page.get_by_role("heading", level=1, name="New budget")).to_be_visible()
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Amount", exact=True).fill(str(amount))
    form.get_by_label("Currency", exact=True).fill("USD")
    form.get_by_label("Where the money comes from").select_option("dues")
    now = server_now()
    fill_phases(
        form,
        ideas_open=now - HOUR,
        review_from=now + DAY,
        voting_opens=now + 2 * DAY,
        voting_closes=now + 3 * DAY,
        implementation_from=now + 4 * DAY,
    )
    form.get_by_label("Ballot", exact=True).select_option(kind)
    if most is not None:
        form.get_by_label("Most projects a voter may choose (optional)").fill(str(most))
    form.get_by_label("Counting rule").select_option(rule)
    form.get_by_role("button", name="Set up the budget").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"The budget {title} is set up.")
    check_page(page)
    return str(page.url)


def submit_idea(
    page: Any, budget: str, title: str, cost: int, *, place: str = "", category: str = ""
) -> str:
    """Send an idea through its form; returns the address of the idea's page."""
    page.goto(budget + "ideas/new/")
    expect(page.get_by_role("heading", level=1, name="Submit an idea")).to_be_visible()
    form = page.locator("main form")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("What would be done").fill(f"{title}, for everyone on the block.")
    form.get_by_label("Estimated cost").fill(str(cost))
    if place:
        form.get_by_label("Where (optional)").fill(place)
    if category:
        form.get_by_label("Category (optional)").fill(category)
    form.get_by_role("button", name="Send the idea").click()
    expect(page.get_by_role("status")).to_contain_text("Your idea is in")
    expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    return str(page.url)


def review(page: Any, reason: str, cost: int | None = None) -> None:
    """On an idea's review page: feasible, with a public reason and maybe a revised cost."""
    form = page.locator("main form", has=page.get_by_role("button", name="Save the review"))
    form.get_by_label("Feasible: put it on the ballot").check()
    form.get_by_label("Reason, for everyone to read").fill(reason)
    if cost is not None:
        form.get_by_label("Revised cost (optional)").fill(str(cost))
    form.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("status")).to_contain_text("Marked feasible: it goes on the ballot.")
    expect(page.locator("#project-status")).to_have_text("Feasible: on the ballot")


def edit_phases(page: Any, check_page: Any, budget: str, **moments: datetime.datetime) -> None:
    page.goto(budget)
    page.locator("main").get_by_role("link", name="Edit the budget").click()
    check_page(page)
    form = page.locator("main form")
    fill_phases(form, **moments)
    form.get_by_role("button", name="Save the budget").click()
    expect(page.get_by_role("status")).to_contain_text("The budget is saved.")


def budget_on_ballot(
    page: Any, check_page: Any, title: str, costs: dict[str, int], **settings: Any
) -> str:
    """A budget whose ideas (title: cost) are all feasible, its voting open now."""
    budget = set_up_budget(page, check_page, title, **settings)
    ideas = [submit_idea(page, budget, name, cost) for name, cost in costs.items()]
    check_page(page)
    for idea in ideas:
        page.goto(idea + "review/")
        review(page, "Fine as proposed.")
    check_page(page)
    now = server_now()
    edit_phases(
        page,
        check_page,
        budget,
        ideas_open=now - 3 * HOUR,
        review_from=now - 2 * HOUR,
        voting_opens=now - datetime.timedelta(minutes=1),
        voting_closes=now + DAY,
        implementation_from=now + 2 * DAY,
    )
    nav = page.get_by_role("navigation", name="Pages of this budget")
    expect(nav.get_by_role("link", name="Vote", exact=True)).to_be_visible()
    check_page(page)
    return budget


def close_voting(page: Any, check_page: Any, budget: str) -> None:
    """Move the close of voting (still movable while voting is open) to a moment ago."""
    page.goto(budget)
    page.locator("main").get_by_role("link", name="Edit the budget").click()
    expect(page.locator("#page-notice")).to_contain_text("Voting has opened")
    # Fixed once voting opened: shown, not editable.
    expect(page.locator("main form").get_by_label("Ballot", exact=True)).to_be_disabled()
    check_page(page)
    form = page.locator("main form")
    fill_phases(form, voting_closes=server_now() - datetime.timedelta(seconds=1))
    form.get_by_role("button", name="Save the budget").click()
    expect(page.get_by_role("status")).to_contain_text("The budget is saved.")
    expect(page.locator("#now")).to_contain_text("The votes are counted")


# --- what a voter does ------------------------------------------------------------------


def open_ballot(page: Any, check_page: Any, budget: str) -> Any:
    page.goto(budget)
    page.locator("#now").get_by_role("link", name="Vote", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Your vote")).to_be_visible()
    check_page(page)
    return page.locator("main form.ballot")


def tick(ballot: Any, *titles: str, on: bool = True) -> None:
    for title in titles:
        ballot.get_by_label(title).set_checked(on)


def cast(ballot: Any) -> None:
    ballot.get_by_role("button", name="Cast my vote").click()


def expect_receipt(page: Any, check_page: Any, *titles: str, total: str) -> None:
    expect(page.get_by_role("heading", level=2, name="Your vote is recorded")).to_be_visible()
    recorded = page.locator("main ul[aria-labelledby='recorded-heading'] li")
    expect(recorded).to_have_count(len(titles))
    for title in titles:
        expect(recorded.filter(has_text=title)).to_have_count(1)
    expect(page.locator("main")).to_contain_text(f"Together they cost {total}.")
    assert RECEIPT.fullmatch(page.locator("main .receipt").inner_text().strip())
    check_page(page)


def expect_not_voted(page: Any, check_page: Any, budget: str) -> None:
    """The refused ballot was not stored: the budget still asks the voter to vote."""
    page.goto(budget)
    expect(page.locator("#has-voted")).to_have_count(0)
    page.locator("#now").get_by_role("link", name="Vote", exact=True).click()
    expect(page.get_by_role("button", name="Cast my vote")).to_be_visible()
    check_page(page)


# --- the tests --------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_ideas_are_sent_reviewed_and_merged(
    javascript: bool, another_page: Any, demo_server: Any, check_page: Any
) -> None:
    facilitator = another_page(javascript=javascript)
    resident = another_page(javascript=javascript)
    log_in(facilitator, check_page, FACILITATOR)
    log_in(resident, check_page, RESIDENT)
    tag = secrets.token_hex(3)
    title = f"Play street {tag}"
    racks, more = f"Bike racks {tag}", f"More bike racks {tag}"
    budget = set_up_budget(facilitator, check_page, title, amount=5000)

    # The resident's first try has a negative cost: refused next to the field, nothing kept.
    resident.goto(budget)
    check_page(resident)
    resident.locator("main").get_by_role("link", name="Submit an idea").click()
    check_page(resident)
    form = resident.locator("main form")
    form.get_by_label("Title", exact=True).fill(racks)
    form.get_by_label("What would be done").fill("Racks for twelve bikes by the corner shop.")
    form.get_by_label("Estimated cost").fill("-800")
    form.get_by_label("Where (optional)").fill("Corner of Maple St & 2nd Ave")
    form.get_by_label("Category (optional)").fill("Streets")
    form.get_by_role("button", name="Send the idea").click()
    expect(resident.get_by_role("alert")).to_be_visible()
    expect(form.get_by_label("Estimated cost")).to_have_accessible_description(
        re.compile("cannot be negative")
    )
    expect(form.get_by_label("Title", exact=True)).to_have_value(racks)  # kept for the retry
    check_page(resident)
    form.get_by_label("Estimated cost").fill("800")
    form.get_by_role("button", name="Send the idea").click()
    expect(resident.get_by_role("status")).to_contain_text("Your idea is in")
    expect(resident.locator("#project-status")).to_have_text("Awaiting review")
    expect(resident.locator("#project-cost")).to_have_text("800 USD (estimate)")
    check_page(resident)
    submit_idea(resident, budget, more, 400, place="Maple Street")
    check_page(resident)

    # The facilitator reviews the first: feasible, at a revised cost ...
    facilitator.goto(budget)
    awaiting = facilitator.locator("main section", has=facilitator.locator("#awaiting-heading"))
    expect(awaiting.get_by_role("link", name=racks, exact=True)).to_be_visible()
    expect(awaiting.get_by_role("link", name=more, exact=True)).to_be_visible()
    check_page(facilitator)
    # The link's name ends with the idea's title, for screen readers going from link to link.
    name = re.compile(rf"^Review this idea\s*: {re.escape(racks)}$")
    awaiting.get_by_role("link", name=name).click()
    expect(facilitator.get_by_role("group", name="Your review")).to_be_visible()
    check_page(facilitator)
    review(facilitator, "The city allows racks there.", cost=950)
    check_page(facilitator)

    # ... and folds the second into it.
    facilitator.goto(budget)
    facilitator.locator("main").get_by_role("link", name="Merge ideas").click()
    expect(facilitator.get_by_role("heading", level=1, name="Merge ideas")).to_be_visible()
    check_page(facilitator)
    form = facilitator.locator("main form")
    form.get_by_role("group", name="The idea to keep").get_by_label(racks, exact=True).check()
    fold = form.get_by_role("group", name="The ideas to fold into it")
    fold.get_by_label(more, exact=True).check()
    form.get_by_label("Why they belong together").fill("Both ask for bike racks.")
    form.get_by_role("button", name="Merge", exact=True).click()
    expect(facilitator.get_by_role("status")).to_contain_text(f"1 idea merged into {racks}.")
    expect(facilitator.get_by_role("heading", level=2, name=racks)).to_be_visible()
    check_page(facilitator)

    # Everyone sees it on the budget's page ...
    resident.goto(budget)
    ballot = resident.locator("main section", has=resident.locator("#ballot-heading"))
    expect(ballot.get_by_role("link", name=racks, exact=True)).to_be_visible()
    expect(ballot).to_contain_text("950 USD (estimated 800 USD)")
    expect(ballot).to_contain_text("Corner of Maple St & 2nd Ave · Streets")
    merged = resident.locator("main section", has=resident.locator("#merged-heading"))
    expect(merged.get_by_role("link", name=more, exact=True)).to_be_visible()
    expect(merged).to_contain_text(f"Merged into {racks}: Both ask for bike racks.")
    expect(resident.locator("#awaiting-heading ~ p")).to_have_text("None.")
    check_page(resident)

    # ... on the kept idea's page ...
    ballot.get_by_role("link", name=racks, exact=True).click()
    expect(resident.locator("#project-status")).to_have_text("Feasible: on the ballot")
    expect(resident.locator("#project-cost")).to_have_text(
        "950 USD, revised by the review team (estimated 800 USD)"
    )
    expect(resident.locator("#review-reason")).to_have_text("The city allows racks there.")
    expect(resident.locator("main")).to_contain_text("reviewed by Marcus Green")
    check_page(resident)

    # ... and on the merged one's, which points to the kept one.
    resident.locator("main").get_by_role("link", name=more, exact=True).click()
    expect(resident.locator("#project-status")).to_have_text("Merged into another project")
    expect(resident.locator("#merged-into").get_by_role("link", name=racks)).to_be_visible()
    expect(resident.locator("main")).to_contain_text("Both ask for bike racks.")
    check_page(resident)


def test_approval_ballot_with_a_limit(
    page: Any, page_without_js: Any, another_page: Any, demo_server: Any, check_page: Any
) -> None:
    facilitator = another_page()
    log_in(facilitator, check_page, FACILITATOR)
    tag = secrets.token_hex(3)
    swings, slide, sandpit = f"Swings {tag}", f"Slide {tag}", f"Sandpit {tag}"
    budget = budget_on_ballot(
        facilitator,
        check_page,
        f"Playground {tag}",
        {swings: 900, slide: 700, sandpit: 400},
        amount=3000,
        kind="approval",
        most=2,
    )

    # Without JavaScript: three ticks are refused, and the form comes back as sent.
    log_in(page_without_js, check_page, RESIDENT)
    ballot = open_ballot(page_without_js, check_page, budget)
    expect(ballot).to_contain_text("Choose up to 2 projects.")
    tick(ballot, swings, slide, sandpit)
    cast(ballot)
    expect(page_without_js.get_by_role("alert")).to_have_text("You may choose at most 2 projects.")
    for title in (swings, slide, sandpit):
        expect(ballot.get_by_label(title)).to_be_checked()
    check_page(page_without_js)
    expect_not_voted(page_without_js, check_page, budget)

    # With JavaScript: the count of ticks is told as they change; the server still decides.
    log_in(page, check_page, RESIDENT)
    ballot = open_ballot(page, check_page, budget)
    tally = page.locator("#ballot-tally")
    expect(tally).to_have_attribute("aria-live", "polite")
    tick(ballot, swings, slide)
    expect(tally).to_have_text("Projects chosen: 2 of at most 2.")
    tick(ballot, sandpit)
    expect(tally).to_have_text("Projects chosen: 3, which is 1 more than the 2 allowed.")
    check_page(page)
    cast(ballot)
    expect(page.get_by_role("alert")).to_have_text("You may choose at most 2 projects.")
    check_page(page)
    tick(ballot, slide, on=False)
    expect(tally).to_have_text("Projects chosen: 2 of at most 2.")
    cast(ballot)
    expect_receipt(page, check_page, swings, sandpit, total="1,300 USD")

    # One person, one vote.
    page.get_by_role("link", name="Back to the budget").click()
    expect(page.locator("#has-voted")).to_contain_text("You have voted.")
    check_page(page)


def test_knapsack_ballot_running_total_and_over_budget(
    page: Any, page_without_js: Any, another_page: Any, demo_server: Any, check_page: Any
) -> None:
    facilitator = another_page()
    log_in(facilitator, check_page, FACILITATOR)
    tag = secrets.token_hex(3)
    trees, lamps, mural = f"Street trees {tag}", f"Lamps {tag}", f"Mural {tag}"
    budget = budget_on_ballot(
        facilitator,
        check_page,
        f"Block fund {tag}",
        {trees: 600, lamps: 500, mural: 300},
        amount=1000,
        kind="knapsack",
    )

    # With JavaScript: a running total, and by how much it is over.
    log_in(page, check_page, RESIDENT)
    ballot = open_ballot(page, check_page, budget)
    expect(ballot).to_contain_text("The budget is 1,000 USD.")
    tally = page.locator("#ballot-tally")
    expect(tally).to_have_text("Chosen so far: 0 USD of 1,000 USD. Left: 1,000 USD.")
    tick(ballot, trees)
    expect(tally).to_have_text("Chosen so far: 600 USD of 1,000 USD. Left: 400 USD.")
    tick(ballot, lamps)
    expect(tally).to_have_text(
        "Chosen so far: 1,100 USD, which is 100 USD over the budget of 1,000 USD. "
        "Untick a project or two."
    )
    expect(tally).to_have_class(re.compile(r"\bballot-over\b"))
    check_page(page)
    tick(ballot, lamps, on=False)
    tick(ballot, mural)
    expect(tally).to_have_text("Chosen so far: 900 USD of 1,000 USD. Left: 100 USD.")
    expect(tally).not_to_have_class(re.compile(r"\bballot-over\b"))

    # Without JavaScript: no running total; the over-budget ballot is refused on submit,
    # saying by how much, and nothing is stored.
    log_in(page_without_js, check_page, RESIDENT)
    ballot = open_ballot(page_without_js, check_page, budget)
    expect(page_without_js.locator("#ballot-tally")).to_be_hidden()
    tick(ballot, trees, lamps)
    cast(ballot)
    expect(page_without_js.get_by_role("alert")).to_have_text(
        "Your choices cost 1,100 USD, which is 100 USD over the budget of 1,000 USD. "
        "Untick a project or two and send it again."
    )
    check_page(page_without_js)
    expect_not_voted(page_without_js, check_page, budget)
    ballot = page_without_js.locator("main form.ballot")
    tick(ballot, trees, mural)
    cast(ballot)
    expect_receipt(page_without_js, check_page, trees, mural, total="900 USD")


def test_results_explain_what_was_funded_and_why_not(
    page: Any, another_page: Any, demo_server: Any, check_page: Any
) -> None:
    facilitator = another_page()
    log_in(facilitator, check_page, FACILITATOR)
    tag = secrets.token_hex(3)
    garden, fountain = f"Garden {tag}", f"Fountain {tag}"
    budget = budget_on_ballot(
        facilitator,
        check_page,
        f"Square {tag}",
        {garden: 600, fountain: 500},
        amount=1000,
        kind="approval",
        rule="greedy",
    )
    # Before the close, the results page says when they will appear, and nothing more.
    facilitator.goto(budget + "results/")
    expect(facilitator.locator("#results-not-yet")).to_contain_text("when voting closes")
    check_page(facilitator)

    # Garden gets two votes, the fountain one: greedy funds the garden, and then the
    # fountain (500 USD) no longer fits in the 400 USD left.
    log_in(page, check_page, RESIDENT)
    ballot = open_ballot(page, check_page, budget)
    tick(ballot, garden, fountain)
    cast(ballot)
    expect_receipt(page, check_page, garden, fountain, total="1,100 USD")
    ballot = open_ballot(facilitator, check_page, budget)
    tick(ballot, garden)
    cast(ballot)
    expect_receipt(facilitator, check_page, garden, total="600 USD")

    close_voting(facilitator, check_page, budget)

    page.goto(budget)
    page.locator("#now").get_by_role(
        "link", name="See the results and how they were counted"
    ).click()
    expect(page.get_by_role("heading", level=2, name="Funded projects")).to_be_visible()
    funded = page.locator("main section", has=page.locator("#funded-heading"))
    expect(funded).to_contain_text("2 people voted.")
    expect(funded.locator("tbody tr")).to_have_count(1)
    expect(funded.locator("tbody")).to_contain_text(garden)
    expect(page.locator("#total-spent")).to_have_text("600 USD")
    expect(page.locator("#money-left")).to_have_text("400 USD")

    # The chart, named for screen readers, and its table alternative.
    votes = page.locator("main section", has=page.locator("#votes-heading"))
    chart = votes.get_by_role("img", name="Votes per project")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(2)
    table = votes.get_by_role("table", name="Voters who chose each project")
    expect(table.get_by_role("row", name=re.compile(rf"{garden}\s+2\s+Yes"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(rf"{fountain}\s+1\s+No"))).to_be_visible()

    # The explanation, step by step.
    how = page.locator("main section", has=page.locator("#how-heading"))
    expect(how).to_contain_text("Projects were taken in order of their votes, most first.")
    steps = how.get_by_role("table", name="The count, step by step")
    expect(steps.locator("tbody tr")).to_have_count(2)
    expect(steps.locator("tbody tr").nth(0)).to_contain_text("Funded")
    expect(steps.locator("tbody tr").nth(1)).to_contain_text("Not funded")
    check_page(page)

    # The fountain's own page says why it was not funded.
    how.get_by_role("link", name=fountain, exact=True).click()
    expect(page.get_by_role("heading", level=3, name="Why it was not funded")).to_be_visible()
    expect(page.locator("#project-status")).to_have_text("Not funded")
    expect(page.locator("#why")).to_contain_text("Not funded: chosen by 1 voter")
    expect(page.locator("#why")).to_contain_text("400 USD")
    check_page(page)


def test_demo_imported_budget_and_implementation_photo(
    page: Any, demo_server: Any, check_page: Any
) -> None:
    # Maple Street 2026, public records: anyone sees the work on the funded bench.
    page.goto(BUDGETS)
    check_page(page)
    page.locator("main").get_by_role("link", name="Maple Street 2026").click()
    check_page(page)
    page.locator("main").get_by_role("link", name="A bench by the school").click()
    expect(page.locator("#project-status")).to_have_text("Funded")
    expect(page.locator("#project-progress")).to_have_text("Done")
    expect(page.locator("#project-spent")).to_have_text("1,150 USD of 1,200 USD (96%)")
    photo = page.locator("#timeline figure img")
    expect(photo).to_have_attribute("alt", "The new wooden bench on the pavement.")
    # The photo loads: decode() waits for it and fails if the browser cannot decode it.
    assert photo.evaluate("img => img.decode().then(() => img.naturalWidth)") == 480
    check_page(page)
    page.get_by_role("navigation", name="Pages of this budget").get_by_role(
        "link", name="Results"
    ).click()
    expect(page.locator("#funded-heading")).to_be_visible()
    check_page(page)

    # Assen's 2024 vote, imported from its Pabulib file under Riverside North Assembly,
    # whose records are public: a visitor who is not logged in sees it all.
    page.goto("/institutions/riverside-north-assembly/budgets/")
    check_page(page)
    page.locator("main").get_by_role("link", name="Assen Top Idee").click()
    check_page(page)
    page.goto(page.url + "results/")
    expect(page.locator("#imported-heading")).to_be_visible()
    expect(page.locator("#recorded-comparison")).to_be_visible()
    funded = page.locator("main section", has=page.locator("#funded-heading"))
    expect(funded.locator("tbody tr")).to_have_count(9)
    expect(page.locator("#total-spent")).to_have_text("76,700 EUR")
    expect(page.locator("main figure.chart svg[role='img'] rect")).to_have_count(14)
    expect(page.locator("table.budget-steps tbody tr")).to_have_count(14)
    check_page(page)
    # A project the count did not fund says why on its page.
    funded_names = set(funded.locator("tbody th").all_inner_texts())
    for row in page.locator("table.budget-steps tbody tr").all():
        name = row.locator("th").inner_text()
        if name not in funded_names:
            row.get_by_role("link").click()
            break
    expect(page.locator("#why")).to_contain_text("Not funded")
    expect(page.locator("#project-status .not-met")).to_be_visible()
    check_page(page)
