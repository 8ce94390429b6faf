"""No aggregate about fewer than 5 people ever appears: not stored, not on a page, not in
the API."""

from __future__ import annotations

import random
import re

import pytest

from bloc.hub.models import ChapterFigures, DescriptionCategory, InstitutionFigures
from tests.hub.equity_helpers import (
    attended,
    institutions,
    organizer_of,
    people,
    refresh,
    voted,
    walk_counts,
)

pytestmark = pytest.mark.django_db


def small_and_fine(n: int) -> bool:
    return n == 0 or n >= 5


@pytest.fixture
def small_groups(chapter, maple):  # type: ignore[no-untyped-def]
    """Maple Street's members who described their tenure: 6 renters, 3 owners, 2 others,
    all of whom voted; and 4 people who did not describe themselves, who voted too.
    Owners (3) and others (2) are too few: merged, they make "Other groups" of 5."""
    renters = people(maple, 6, tenure="renter")
    owners = people(maple, 3, tenure="owner")
    others = people(maple, 2, tenure="other")
    silent = people(maple, 4)
    voted(maple, renters + owners + others + silent)
    refresh(chapter)
    return maple


def test_small_groups_are_merged_before_they_are_stored(small_groups):  # type: ignore[no-untyped-def]
    stored = InstitutionFigures.objects.get(institution=small_groups).equity
    voted_ = stored["dimensions"]["tenure"]["activities"]["voted"]
    assert [(g["group"], g["participants"], g["residents"]) for g in voted_["groups"]] == [
        ("renter", 6, 6),
        ("other", 5, 5),
    ]
    assert voted_["groups"][1]["merged"] is True
    assert voted_["not_described"] is None  # 4 people
    for key, n in walk_counts(stored) + walk_counts(
        ChapterFigures.objects.get(chapter=small_groups.chapter).equity
    ):
        assert small_and_fine(n), (key, n)


def test_pages_show_no_figure_about_fewer_than_five(client, small_groups):  # type: ignore[no-untyped-def]
    client.force_login(organizer_of(small_groups.chapter))
    for url in ("/hub/riverside/equity/", f"/hub/riverside/equity/{small_groups.slug}/"):
        html = client.get(url, {"dimension": "tenure", "activity": "voted"}).content.decode()
        assert "Other groups" in html
        assert ">Owner<" not in html and ">Other (living" not in html
        for table in re.findall(r'<table class="equity-table">.*?</table>', html, re.S):
            for cell in re.findall(r'<td class="num">(\d+)</td>', table):
                assert small_and_fine(int(cell)), (url, cell)
        assert "Fewer than 5 participants did not describe themselves." in html


def test_the_api_gives_no_figure_about_fewer_than_five(client, small_groups):  # type: ignore[no-untyped-def]
    client.force_login(organizer_of(small_groups.chapter))
    for url in (
        "/api/v1/hub/riverside/equity?dimension=tenure&activity=voted",
        f"/api/v1/hub/riverside/equity/{small_groups.slug}?dimension=tenure&activity=voted",
    ):
        body = client.get(url).json()
        counts = walk_counts(body)
        assert counts
        for key, n in counts:
            assert small_and_fine(n), (url, key, n)


def test_too_few_people_report_nothing(client, chapter, maple):  # type: ignore[no-untyped-def]
    # Four renters voted: even all together they are fewer than 5.
    voted(maple, people(maple, 4, tenure="renter"))
    refresh(chapter)
    client.force_login(organizer_of(chapter))
    html = client.get(
        f"/hub/riverside/equity/{maple.slug}/", {"dimension": "tenure", "activity": "voted"}
    ).content.decode()
    assert "Too few people to report this" in html
    assert "equity-table" not in html
    body = client.get("/api/v1/hub/riverside/equity?dimension=tenure&activity=voted").json()
    assert body["institutions"][0]["participants"] is None  # 4 people: not told
    assert body["institutions"][0]["index"] is None


def test_random_chapters_never_store_a_count_under_five(chapter):  # type: ignore[no-untyped-def]
    """Many small random groups across dimensions, activities and institutions."""
    rng = random.Random(12)
    question = DescriptionCategory.objects.create(
        chapter=chapter, name="Children at home?", options=["Yes", "No", "Rather not"]
    )
    tenures = ["renter", "owner", "other", ""]
    ages = ["18-24", "25-34", "65+", ""]
    for institution in institutions(chapter, 3):
        members = []
        for _i in range(rng.randint(3, 14)):
            said = {
                "tenure": rng.choice(tenures),
                "age_band": rng.choice(ages),
                "answers": {str(question.pk): rng.randrange(3)} if rng.random() < 0.7 else {},
            }
            members += people(institution, 1, **said)
        voted(institution, rng.sample(members, rng.randint(0, len(members))))
        attended(institution, rng.sample(members, rng.randint(0, len(members))))
    refresh(chapter)
    stored = [f.equity for f in InstitutionFigures.objects.all()]
    stored.append(ChapterFigures.objects.get(chapter=chapter).equity)
    checked = 0
    for data in stored:
        for key, n in walk_counts(data):
            assert small_and_fine(n), (key, n)
            checked += 1
    assert checked > 50  # enough cells were looked at


def test_the_chapters_figures_cannot_be_subtracted_to_find_a_small_group(chapter):  # type: ignore[no-untyped-def]
    """The chapter sums what each institution reports, so chapter minus institutions
    gives nothing away: here the one renter of B must not show up as 7 - 6."""
    a, b = institutions(chapter, 2)
    voted(a, people(a, 6, tenure="renter") + people(a, 6, tenure="owner"))
    voted(
        b,
        people(b, 1, tenure="renter") + people(b, 6, tenure="owner") + people(b, 5, tenure="other"),
    )
    refresh(chapter)

    def groups(data):  # type: ignore[no-untyped-def]
        return {g["group"]: g["participants"] for g in data["activities"]["voted"]["groups"]}

    in_a = groups(InstitutionFigures.objects.get(institution=a).equity["dimensions"]["tenure"])
    in_b = groups(InstitutionFigures.objects.get(institution=b).equity["dimensions"]["tenure"])
    overall = ChapterFigures.objects.get(chapter=chapter).equity["dimensions"]["tenure"]
    in_chapter = groups(overall["sources"]["members"])
    assert in_a == {"renter": 6, "owner": 6}
    assert in_b == {"owner": 6, "other": 6}  # the renter merged into "Other groups"
    assert in_chapter == {"renter": 6, "owner": 12, "other": 6}
