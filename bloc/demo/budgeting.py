"""Demo budgets: a real city's vote replayed, and Maple Street's own budget open for votes.

* Riverside North Assembly holds Assen's 2024 "Top Idee" (the Netherlands), imported from its
  Pabulib file (``data/Netherlands_Assen_2024.pb``, from https://pabulib.org): 14 projects,
  84 voters, counted by the Method of Equal Shares with Add1 — the rule the city used —
  with its results and the explanation of every project.
* Maple Street's 2027 block budget is in its voting phase: ideas submitted by residents,
  one found not feasible, two merged, a knapsack ballot, and some neighbours have voted
  (the resident login has not, so a visitor can try it).
* Maple Street's 2026 budget is counted and being carried out, with progress updates.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from PIL import Image, ImageDraw

from bloc.accounts.models import User
from bloc.budgeting import services as svc
from bloc.budgeting.models import Budget, Project
from bloc.budgeting.pabulib_import import budget_import
from bloc.institutions.models import Institution
from bloc.membership.models import Membership

ASSEN = Path(__file__).parent / "data" / "Netherlands_Assen_2024.pb"


def bench_photo() -> bytes:
    """A small drawing of a new bench on a pavement, made here so the demo ships no image."""
    image = Image.new("RGB", (480, 320), (190, 200, 205))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 230, 480, 320), fill=(150, 150, 145))  # the pavement
    draw.rectangle((120, 170, 360, 190), fill=(120, 80, 40))  # the seat
    draw.rectangle((120, 120, 360, 140), fill=(120, 80, 40))  # the back
    for x in (135, 335):
        draw.rectangle((x, 190, x + 12, 240), fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _settings(title: str, amount: int, days: tuple[int, int, int, int, int],
              **fields: object) -> svc.BudgetSettings:  # fmt: skip
    now = timezone.now()
    starts = [now + timedelta(days=d) for d in days]
    return svc.BudgetSettings(
        title=title,
        amount=amount,
        source=str(fields.pop("source", "dues")),
        ideas_open=starts[0],
        review_from=starts[1],
        voting_opens=starts[2],
        voting_closes=starts[3],
        implementation_from=starts[4],
        **fields,  # type: ignore[arg-type]
    )


def _at(budget: Budget, days: tuple[int, int, int, int, int]) -> None:
    now = timezone.now()
    names = ("ideas_open", "review_from", "voting_opens", "voting_closes", "implementation_from")
    Budget.objects.filter(pk=budget.pk).update(
        **{n: now + timedelta(days=d) for n, d in zip(names, days, strict=True)}
    )
    budget.refresh_from_db()


IDEAS = (
    # title, description, place, category, estimated cost, review: (feasible, reason, cost)
    ("Benches at the bus stop", "Two benches with backs, so older neighbours can sit while "
     "they wait for the 14.", "Bus stop, Maple St & 3rd Ave", "Streets", 1800,
     (True, "The city allows benches on this pavement; the quote includes fixing them.", 2100)),
    ("Tool library shed", "A lockable shed of shared tools: ladders, drills, a lawnmower.",
     "Behind 114 Maple Street", "Community", 2500,
     (True, "The owner of 114 agreed to host it.", None)),
    ("Planters on the corner", "Four large planters with flowers and a neighbour rota to "
     "water them.", "Corner of Maple St & 2nd Ave", "Green", 1200,
     (True, "Fine as proposed.", None)),
    ("More planters", "Planters along the whole block.", "Maple Street", "Green", 900, None),
    ("Speed bump", "A speed bump by the school crossing.", "Maple St near the school",
     "Safety", 3000, (False, "Speed bumps are the city's to build; we raised it with the "
     "council as a concern instead.", None)),
    ("Mural on the laundromat wall", "A mural painted with the kids of the block.",
     "Laundromat, 118 Maple Street", "Culture", 2200,
     (True, "The laundromat's owner agreed; paint and an artist's fee.", 2400)),
    ("Block party sound system", "A small sound system to lend for block parties.",
     "Kept at the tool library", "Community", 700, (True, "Fine as proposed.", None)),
)  # fmt: skip


def _neighbours(maple: Institution, logins: dict[str, User]) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            institution=maple, verified_at__isnull=False, left_at__isnull=True
        )
        .exclude(user__in=logins.values())
        .select_related("user")
        .order_by("user__email")
    ]


def load_budgets(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    maple = institutions["maple-street-block"]
    assembly = institutions["riverside-north-assembly"]  # public records: anyone can see it
    if Budget.objects.filter(institution__in=[maple, assembly]).exists():
        return
    facilitator, secretary = logins["facilitator"], logins["secretary"]
    # The demo's members joined today; a budget's voters are those who had joined before
    # voting opened, so the demo dates their joining back to when the block organised.
    Membership.objects.filter(institution=maple).update(
        joined_at=timezone.now() - timedelta(days=90)
    )

    budget_import(actor=logins["organizer"], institution=assembly,
                  text=ASSEN.read_text(encoding="utf-8"), name=ASSEN.name)  # fmt: skip

    # Last year's budget, counted and being carried out.
    past_days = (-330, -300, -280, -265, -250)
    past = svc.budget_create(
        actor=facilitator,
        institution=maple,
        settings=_settings("Maple Street 2026", 5000, (1, 2, 3, 4, 5), currency="USD",
                           rule="greedy", completion="",
                           description="Last year's block budget, from members' dues."),
    )  # fmt: skip
    _at(past, (-1, 5, 6, 7, 8))
    svc.reviewers_set(actor=facilitator, budget=past, users=[secretary])
    lights = svc.idea_submit(actor=logins["resident"], budget=past, title="Porch lights",
                             description="Motion lights for the dark end of the block.",
                             estimated_cost=1500, place="Maple St, 100 block",
                             category="Safety")  # fmt: skip
    benches = svc.idea_submit(actor=secretary, budget=past, title="A bench by the school",
                              description="A bench for parents waiting at pick-up.",
                              estimated_cost=1200, place="Maple St near the school",
                              category="Streets")  # fmt: skip
    garden = svc.idea_submit(actor=facilitator, budget=past, title="Community garden beds",
                             description="Six raised beds on the empty lot.",
                             estimated_cost=4000, place="Empty lot, 120 Maple Street",
                             category="Green")  # fmt: skip
    for idea in (lights, benches, garden):
        svc.idea_review(actor=facilitator, project=idea, feasible=True, reason="Feasible.")
    _at(past, (-20, -15, -10, 5, 6))
    people = _neighbours(maple, logins)
    for i, person in enumerate(people[:9]):
        choice = [lights, benches] if i % 3 else [garden]
        svc.vote(actor=person, budget=past, data=[p.pk for p in choice])
    _at(past, past_days)
    svc.budget_sync(past)
    svc.project_update(actor=secretary, project=benches, text="The bench is in, bolted down "
                       "by the school's caretaker.", progress="done", spent=1150,
                       photos=[bench_photo()],
                       photo_description="The new wooden bench on the pavement.")  # fmt: skip
    svc.project_update(actor=secretary, project=lights, text="Six of the ten lights are up.",
                       progress="in_progress", spent=900)  # fmt: skip

    # This year's budget, open for votes.
    live = svc.budget_create(
        actor=facilitator,
        institution=maple,
        settings=_settings("Maple Street 2027", 6000, (1, 2, 3, 4, 5), currency="USD",
                           ballot_kind="knapsack", max_projects=4,
                           description="What should the block do with this year's dues? "
                           "Choose projects that fit in the budget together."),
    )  # fmt: skip
    _at(live, (-1, 20, 21, 40, 60))
    made: list[Project] = []
    for i, (title, text, place, category, cost, _review) in enumerate(IDEAS):
        author = [logins["resident"], secretary, facilitator][i % 3]
        made.append(svc.idea_submit(actor=author, budget=live, title=title, description=text,
                                    estimated_cost=cost, place=place,
                                    category=category))  # fmt: skip
    svc.reviewers_set(actor=facilitator, budget=live, users=[secretary])
    for project, (*_fields, review) in zip(made, IDEAS, strict=True):
        if review is not None:
            feasible, reason, cost = review
            svc.idea_review(actor=secretary, project=project, feasible=feasible, reason=reason,
                            cost=cost)  # fmt: skip
    svc.ideas_merge(actor=secretary, into=made[2], others=[made[3]],
                    reason="Both ask for planters; the corner is where they fit.")  # fmt: skip
    _at(live, (-14, -7, -2, 12, 30))
    ballots = (
        [made[0], made[2], made[5]],
        [made[1], made[2], made[6]],
        [made[0], made[1]],
        [made[5], made[6], made[2]],
        [made[0], made[1], made[6]],
    )
    for person, ballot in zip(people[9:], ballots, strict=False):
        svc.vote(actor=person, budget=live, data=[p.pk for p in ballot])
