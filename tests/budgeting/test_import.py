"""Open data: a real city's Pabulib file replayed as a budget, and any counted budget exported."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bloc.actors import SYSTEM
from bloc.budgeting import selectors as sel
from bloc.budgeting import services
from bloc.budgeting.models import Budget, BudgetBallot, Project
from bloc.budgeting.pabulib_import import budget_export, budget_import
from bloc.core.budgeting.pabulib import parse_pb, to_election
from bloc.core.errors import Conflict, ValidationFailed
from tests.core.budgeting.pb_helpers import PB_DATA, REFERENCE, load_election

SMALL = [
    "Netherlands_Assen_2024.pb",
    "Poland_Czestochowa_2024_Bleszno.pb",
    "Poland_Krakow_2020_Zwierzyniec.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Warszawa_2018_Las.pb",
]
#: --rule names -> REFERENCE.json rule names.
RULES = {"greedy": "greedy_cost", "mes": "mes_cost", "mes_add1": "mes_cost_add1",
         "mes_add1_greedy": "mes_cost_add1_greedy", "phragmen": "phragmen"}  # fmt: skip


def imported(maple, name, rule=None):  # type: ignore[no-untyped-def]
    text = (PB_DATA / name).read_text(encoding="utf-8")
    return budget_import(actor=SYSTEM, institution=maple, text=text, name=name, rule=rule)


@pytest.mark.parametrize("name", SMALL)
@pytest.mark.parametrize("rule", sorted(RULES))
def test_an_imported_budget_funds_what_the_reference_says(maple, name, rule):
    expected = REFERENCE[name]["rules"].get(RULES[rule])
    if expected is None:  # e.g. Phragmén on a cumulative or ordinal file
        with pytest.raises(ValidationFailed):
            imported(maple, name, rule)
        assert not Budget.objects.exists()
        return
    budget = imported(maple, name, rule)
    assert sorted(budget.result["selected"]) == sorted(expected["selected"])
    assert sel.turnout(budget=budget) == REFERENCE[name]["voters"]
    assert sel.phase(budget) in (sel.RESULTS, sel.IMPLEMENTATION)


def test_the_file_s_own_rule_and_the_city_s_record(maple):
    budget = imported(maple, "Netherlands_Assen_2024.pb")  # rule: equalshares/add1
    assert (budget.rule, budget.completion) == ("mes", "add1")
    assert budget.result["recorded"] == sorted(REFERENCE["Netherlands_Assen_2024.pb"]
                                               ["recorded_selected"])  # fmt: skip
    assert "same projects the city recorded" in budget.result["notes"][-1]
    assert budget.currency == "EUR" and budget.amount == 100000


@pytest.mark.parametrize("name", SMALL)
def test_an_export_holds_the_same_election(maple, name):
    budget = imported(maple, name)
    again = to_election(parse_pb(budget_export(budget=budget)))
    original = load_election(name)
    assert again.ids == original.ids and again.costs == original.costs
    assert again.budget == original.budget and again.kind == original.kind
    assert again.voters == original.voters
    assert merged(again) == merged(original)


def merged(e):  # type: ignore[no-untyped-def]
    """Each distinct ballot with its points and how many cast it, in a fixed order."""
    return sorted(zip(e.ballots, e.points or [()] * len(e.ballots), e.counts, strict=True))


def test_an_imported_budget_cannot_be_voted_on_or_changed(maple, fiona, voters):
    budget = imported(maple, "Netherlands_Assen_2024.pb")
    refusal = services.voting_refusal(budget=budget, actor=voters[0])
    assert refusal is not None and refusal.code == "imported"
    project = Project.objects.filter(budget=budget).first()
    with pytest.raises(Conflict):
        services.idea_review(actor=fiona, project=project, feasible=False, reason="No")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;-5\n"
         "VOTES\nvoter_id;vote\n1;1\n", "line 7"),
        ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n"
         "VOTES\nvoter_id;vote\n1;2\n", "line 10"),
        ("nothing like a pb file\n", "line 1"),
    ],
)  # fmt: skip
def test_a_malformed_file_names_the_line_and_writes_nothing(maple, text, where):
    with pytest.raises(ValidationFailed) as refused:
        budget_import(actor=SYSTEM, institution=maple, text=text, name="bad.pb")
    assert where in refused.value.message and refused.value.code == "bad_file"
    assert not Budget.objects.exists() and not BudgetBallot.objects.exists()


def test_the_command_imports_and_exports(maple, tmp_path, capsys):
    call_command("pb", "import", str(PB_DATA / "Poland_Czestochowa_2024_Bleszno.pb"),
                 "--institution", maple.slug)  # fmt: skip
    out = capsys.readouterr().out
    budget = Budget.objects.get()
    assert f"budget {budget.pk}:" in out and "618 voters" in out and "greedy_cost" in out
    target = tmp_path / "out.pb"
    call_command("pb", "export", str(budget.pk), "--out", str(target))
    assert to_election(parse_pb(target.read_text(encoding="utf-8"))).voters == 618


def test_the_command_refuses_a_bad_file_with_its_line(maple, tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;ten\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.pb, line 3: the file has no PROJECTS section"):
        call_command("pb", "import", str(bad), "--institution", maple.slug)
    assert not Budget.objects.exists()
    with pytest.raises(CommandError, match="no institution"):
        call_command("pb", "import", str(bad), "--institution", "nowhere")


def test_the_import_page_counts_a_file_or_names_the_bad_line(client, maple, fiona):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("institutions:budget_import", args=["maple"])
    client.force_login(fiona)
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("bad.pb", b"META\nkey;value\nbudget;100\nvote_type;approval\n"
                             b"PROJECTS\nproject_id;cost\n1;-5\nVOTES\nvoter_id;vote\n1;1\n")  # fmt: skip
    refused = client.post(url, {"file": bad})
    assert refused.status_code == 422
    assert "bad.pb, line 7: the cost of project 1" in refused.content.decode()
    assert not Budget.objects.exists()
    good = (PB_DATA / "Netherlands_Assen_2024.pb").read_bytes()
    done = client.post(url, {"file": SimpleUploadedFile("assen.pb", good), "rule": "greedy"})
    budget = Budget.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/budgets/{budget.pk}/results/")
    assert budget.rule == "greedy" and budget.result["selected"]


def test_only_facilitators_import(client, maple, alice):
    from django.urls import reverse

    client.force_login(alice)
    assert client.get(reverse("institutions:budget_import", args=["maple"])).status_code == 403
