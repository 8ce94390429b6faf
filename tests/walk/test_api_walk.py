"""Every operation of the JSON API, as each role (see test_url_walk.py for the pages).

The operations come from the OpenAPI schema, so each method of each path is walked;
writes are sent with an empty JSON body. The table in ``tests/walk/access.py`` says
which level may call each; a refused write must change nothing.
"""

from __future__ import annotations

import pytest

from tests.walk.access import ROLES
from tests.walk.conftest import client_for
from tests.walk.judging import leak_problems, permission_problems
from tests.walk.walker import request
from tests.walk.walkmap import routes

pytestmark = pytest.mark.django_db

OPERATIONS = [r for r in routes() if r.is_api]


def test_the_api_routes_are_its_schemas_operations():
    assert len(OPERATIONS) > 150
    assert {r.methods[0] for r in OPERATIONS} >= {"GET", "POST", "PUT", "DELETE"}


@pytest.mark.parametrize("role", ROLES)
def test_every_api_operation_as(role, world):
    from tests.walk.walkmap import fill

    client = client_for(world, role)
    problems: list[str] = []
    for route in OPERATIONS:
        for variant, url in fill(route, world):
            answer = request(client, route, variant, url, role, route.methods[0])
            problems += permission_problems(route, answer)
            problems += leak_problems(answer, world.ballots)
    assert not problems, "\n".join(problems)
