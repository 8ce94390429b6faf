"""The demo's budgets: a real city's vote replayed, one being carried out, one open for votes."""

import pytest

from bloc.actors import SYSTEM
from bloc.budgeting import selectors as sel
from bloc.budgeting.models import Budget, ProjectStatus, ProjectUpdate
from bloc.demo.budgeting import load_budgets
from bloc.institutions import services as institution_services
from tests.conftest import make_person, member
from tests.core.budgeting.pb_helpers import REFERENCE

pytestmark = pytest.mark.django_db


def test_demo_budgets_load_once_and_show_every_phase(maple, fiona, chapter):
    assembly = institution_services.institution_create(
        actor=SYSTEM, chapter=chapter, name="Riverside North", kind="assembly",
        addresses=["1 North Street"],
    )  # fmt: skip
    logins = {"facilitator": fiona, "organizer": make_person("org@example.org", "Org")}
    institution_services.chapter_organizer_add(actor=SYSTEM, chapter=chapter,
                                               user=logins["organizer"])  # fmt: skip
    for role, address in (("secretary", "110 Maple Street"), ("resident", "112 Maple Street")):
        logins[role] = make_person(f"{role}@example.org", role.title(), address=address)
        member(maple, logins[role], verified=True)
    for n in range(14):
        person = make_person(f"n{n}@example.org", f"N {n}", address="116 Maple Street")
        member(maple, person, verified=True)
    institutions = {"maple-street-block": maple, "riverside-north-assembly": assembly}

    load_budgets(institutions, logins)
    load_budgets(institutions, logins)

    assen = Budget.objects.get(institution=assembly)
    assert sorted(assen.result["selected"]) == sorted(
        REFERENCE["Netherlands_Assen_2024.pb"]["recorded_selected"]
    )
    past = Budget.objects.get(institution=maple, title="Maple Street 2026")
    assert sel.phase(past) == sel.IMPLEMENTATION and past.counted_at is not None
    assert ProjectUpdate.objects.filter(project__budget=past).count() == 2
    live = Budget.objects.get(institution=maple, title="Maple Street 2027")
    assert sel.phase(live) == sel.VOTING and live.ballot_kind == "knapsack"
    statuses = set(live.projects.values_list("status", flat=True))
    assert statuses == {ProjectStatus.FEASIBLE, ProjectStatus.INFEASIBLE, ProjectStatus.MERGED}
    assert sel.turnout(budget=live) == 5
    assert not sel.has_voted(budget=live, actor=logins["resident"])
