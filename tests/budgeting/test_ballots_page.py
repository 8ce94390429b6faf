"""The published ballots: after the count, every ballot with its receipt, and nobody's name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bloc.budgeting import services
from tests.budgeting.conftest import make_budget, move_to, with_projects

pytestmark = pytest.mark.django_db


def test_a_voter_finds_their_receipt_and_what_their_ballot_says(client, maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting")
    trees, lights = with_projects(budget, fiona, [100, 200])
    cast = services.vote(actor=voters[0], budget=budget, data=[trees.pk, lights.pk])
    services.vote(actor=voters[1], budget=budget, data=[lights.pk])
    url = reverse("institutions:budget_ballots", args=["maple", budget.pk])
    client.force_login(voters[0])
    before = client.get(url).content.decode()
    assert cast.receipt not in before and "When voting closes" in before
    move_to(budget, "results")
    page = client.get(url).content.decode()
    groups = " ".join(cast.receipt[i : i + 4] for i in range(0, 64, 4))
    assert groups in page and "Project 1; Project 2" in page
    assert voters[0].full_name not in page and voters[1].full_name not in page
    found = client.post(url, {"receipt": groups.upper()}).content.decode()
    assert "your ballot was counted" in found and "<strong>Project 1; Project 2</strong>" in found
    missing = client.post(url, {"receipt": "ab" * 32}).content.decode()
    assert "Not found" in missing
