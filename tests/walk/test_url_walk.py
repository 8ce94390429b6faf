"""Every page of bloc, as each role: what it may see and do, and that nothing leaks.

The walk visits every URL of the urlconf (``tests/walk/walkmap.py``) with its
parameters filled from the demo chapter, as anonymous, a resident with an account,
a member of another institution, and a member, the facilitator and an organizer of
institution A. Each page is fetched (GET) and posted to (empty form); the answer is
held to the table in ``tests/walk/access.py``: no server error, a refused role gets
a login redirect, 403, 404 or 405, a refused write changes nothing (the audit log,
which records every write, does not grow), and no answer pairs a voter with their
secret ballot.
"""

from __future__ import annotations

import pytest

from tests.walk.access import ROLES
from tests.walk.conftest import client_for
from tests.walk.judging import leak_problems, permission_problems
from tests.walk.walker import request
from tests.walk.walkmap import routes

pytestmark = pytest.mark.django_db

PAGES = [r for r in routes() if not r.is_api]


def test_the_walk_knows_every_page_and_the_table_has_no_stale_entry(world):
    from tests.walk.access import ACCESS
    from tests.walk.judging import expected
    from tests.walk.walkmap import fill

    every = routes()
    names = {r.name for r in every}
    for route in every:
        for variant, _url in fill(route, world):  # fails on a parameter it cannot fill
            expected(route, variant)  # fails on a route missing from the table
    stale = [key for key in ACCESS if key.split("@")[0] not in names]
    assert not stale, f"entries for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as(role, world):
    from tests.walk.walkmap import fill

    client = client_for(world, role)
    problems: list[str] = []
    walked = 0
    for route in PAGES:
        for variant, url in fill(route, world):
            methods = route.methods
            if route.is_admin and role not in ("anonymous", "member"):
                methods = ("GET",)  # the admin's login answers everyone alike
            for method in methods:
                answer = request(client, route, variant, url, role, method)
                walked += 1
                problems += permission_problems(route, answer)
                problems += leak_problems(answer, world.ballots)
    assert walked > 400
    assert not problems, "\n".join(problems)
