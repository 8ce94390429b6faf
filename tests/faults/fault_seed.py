"""Set up a voting burst on a real server's database: run as a script, not a test.

    python -m tests.faults.fault_seed MEMBERS SLUG [SLUG ...]

with the server's environment (DATABASE_URL or BLOC_DATA_DIR). For each SLUG it
makes an institution with MEMBERS verified members, an API token for each, and
two open polls (a secret one and an open one), all through bloc's services as an
administrator would, and prints what the voting clients need as one JSON line,
by slug: ``{SLUG: {"slug": ..., "secret_poll": ID, "open_poll": ID, "options": N,
"voters": [{"id": USER_ID, "token": "bloc_..."}, ...]}, ...}``.
"""

from __future__ import annotations

import datetime
import json
import os
import sys


def seed(slug: str, members: int) -> dict[str, object]:
    from django.utils import timezone

    from bloc.accounts.models import User
    from bloc.accounts.services import api_token_create
    from bloc.actors import SYSTEM
    from bloc.decisions.polls import poll_create
    from bloc.institutions.models import Chapter
    from bloc.institutions.services import chapter_create, institution_create
    from bloc.membership.models import Membership
    from bloc.membership.services import membership_join, membership_verify

    chapter = Chapter.objects.filter(slug="faults").first() or chapter_create(
        actor=SYSTEM, name="Fault tests", slug="faults"
    )
    address = "1 Burst Street"
    institution = institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name=f"Burst {slug}",
        slug=slug,
        kind="block_association",
        addresses=[address],
    )
    voters = []
    for n in range(members):
        person = User.objects.create_user(
            email=f"{slug}-{n}@example.org",
            password=None,
            full_name=f"Voter {n}",
            address=address,
        )
        membership = membership_join(actor=SYSTEM, institution=institution, user=person)
        membership_verify(actor=SYSTEM, membership=membership)
        _token, secret = api_token_create(actor=person, name="fault test")
        voters.append({"id": person.pk, "token": secret})
    # Verified a minute ago: on the list of voters of a poll opening now.
    Membership.objects.filter(institution=institution).update(
        verified_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    now = timezone.now()
    polls = {}
    for secret in (True, False):
        poll = poll_create(
            actor=SYSTEM,
            institution=institution,
            title=f"{'Secret' if secret else 'Open'} question",
            rule="plurality",
            options=["North", "South", "East", "West"],
            secret=secret,
            opens_at=now,
            closes_at=now + datetime.timedelta(hours=2),
            check_permission=False,
            announce_at_once=False,
        )
        if poll.electorate != members:
            raise SystemExit(f"the poll opened with {poll.electorate} voters, not {members}")
        polls["secret_poll" if secret else "open_poll"] = poll.pk
    return {"slug": slug, **polls, "options": 4, "voters": voters}


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bloc.settings")
    import django

    django.setup()
    members, slugs = int(argv[0]), argv[1:]
    sys.stdout.write(json.dumps({slug: seed(slug, members) for slug in slugs}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
