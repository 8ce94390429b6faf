"""The equity figures against an example computed by hand, on the page and in the API."""

from __future__ import annotations

import re

import pytest

from bloc.actors import SYSTEM
from bloc.hub import equity_services as svc
from bloc.hub.models import ChapterFigures, InstitutionFigures
from tests.hub.equity_helpers import attended, organizer_of, people, refresh, voted

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(chapter, maple):  # type: ignore[no-untyped-def]
    """Maple Street: the census says 60 renters and 40 owners live there. In a poll that
    closed ten days ago 18 people voted: 10 renters, 5 owners and 3 who did not say.

    By hand (participants p, residents r):
      renters: p = 10/15 = 2/3 = 66.7 %   r = 60/100 = 3/5 = 60.0 %   ratio = (2/3)/(3/5) = 10/9 = 1.11
      owners:  p =  5/15 = 1/3 = 33.3 %   r = 40/100 = 2/5 = 40.0 %   ratio = (1/3)/(2/5) =  5/6 = 0.83
      half the sum of the absolute differences:
        D = 1/2 * (|2/3 - 3/5| + |1/3 - 2/5|) = 1/2 * (1/15 + 1/15) = 1/15
      equity index = 1 - D = 14/15 = 0.9333... (shown 0.93)
      not described: 3, fewer than 5, so never shown as a number.
    """
    renters = people(maple, 10, tenure="renter")
    owners = people(maple, 5, tenure="owner")
    silent = people(maple, 3)
    voted(maple, renters + owners + silent)
    svc.population_set(
        actor=SYSTEM,
        institution=maple,
        dimension="tenure",
        figures={"renter": 60, "owner": 40},
        source="Census 2020, tract 12",
    )
    refresh(chapter)
    return maple


def test_the_stored_figures_are_the_hand_computed_ones(example):  # type: ignore[no-untyped-def]
    stored = InstitutionFigures.objects.get(institution=example)
    assert stored.participants == 18
    tenure = stored.equity["dimensions"]["tenure"]
    assert tenure["source"] == "census"
    assert tenure["source_text"] == "Census 2020, tract 12"
    voted_ = tenure["activities"]["voted"]
    assert voted_["groups"] == [
        {
            "group": "renter",
            "participants": 10,
            "residents": 60,
            "participant_share": 0.6667,
            "resident_share": 0.6,
            "ratio": 1.1111,
        },
        {
            "group": "owner",
            "participants": 5,
            "residents": 40,
            "participant_share": 0.3333,
            "resident_share": 0.4,
            "ratio": 0.8333,
        },
    ]
    assert voted_["index"] == 0.9333
    assert voted_["not_described"] is None  # 3 people: fewer than 5
    assert tenure["activities"]["any"] == voted_
    # Nobody attended a meeting: nothing to report.
    assert tenure["activities"]["attended"]["groups"] == []
    assert tenure["activities"]["attended"]["index"] is None
    assert stored.equity["index"]["tenure"]["voted"] == 0.9333

    overall = ChapterFigures.objects.get(chapter=example.chapter).equity
    census = overall["dimensions"]["tenure"]["sources"]["census"]
    assert census["institutions"] == 1
    assert census["activities"]["voted"]["index"] == 0.9333


def test_the_institution_page_shows_the_hand_computed_figures(client, example):  # type: ignore[no-untyped-def]
    client.force_login(organizer_of(example.chapter))
    page = client.get(
        f"/hub/riverside/equity/{example.slug}/", {"dimension": "tenure", "activity": "voted"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Equity index: 0.93" in html
    table = html[html.index('<table class="equity-table">') : html.index("</table>")]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    cells = {label: re.findall(r'<td class="num">(.*?)</td>', rest) for label, rest in rows}
    assert cells == {
        "Renter": ["10", "66.7%", "60", "60.0%", "1.11"],
        "Owner": ["5", "33.3%", "40", "40.0%", "0.83"],
    }
    assert "Fewer than 5 participants did not describe themselves." in html
    assert "Source: Census 2020, tract 12." in html
    # The definition is on the page, in plain words.
    assert "1 minus half the sum of the absolute differences between the two shares" in html
    # The chart says the same numbers.
    svg = html[html.index("<svg") : html.index("</svg>")]
    for figure in ("66.7%", "60.0%", "33.3%", "40.0%"):
        assert figure in svg


def test_the_chapter_page_ranks_and_shows_the_overall_figures(client, example):  # type: ignore[no-untyped-def]
    client.force_login(organizer_of(example.chapter))
    page = client.get("/hub/riverside/equity/", {"dimension": "tenure", "activity": "voted"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Equity index: 0.93" in html
    assert "Institutions with population figures" in html
    ranking = html[html.index('id="ranking-caption"') :]
    assert "Maple Street Block Association" in ranking
    assert ">0.93<" in ranking


def test_the_api_gives_the_hand_computed_figures(client, example):  # type: ignore[no-untyped-def]
    client.force_login(organizer_of(example.chapter))
    one = client.get(
        f"/api/v1/hub/riverside/equity/{example.slug}?dimension=tenure&activity=voted"
    ).json()
    comparison = one["comparison"]
    assert comparison["index"] == 0.9333
    assert comparison["not_described"] is None
    assert [
        (g["label"], g["participants"], g["residents"], g["participant_share"], g["ratio"])
        for g in comparison["groups"]
    ] == [("Renter", 10, 60, 0.6667, 1.1111), ("Owner", 5, 40, 0.3333, 0.8333)]
    assert "1 minus half the sum" in one["definition"]

    chapter = client.get("/api/v1/hub/riverside/equity?dimension=tenure&activity=voted").json()
    assert chapter["overall"][0]["source"] == "census"
    assert chapter["overall"][0]["index"] == 0.9333
    assert chapter["institutions"] == [
        {
            "institution": "maple",
            "name": "Maple Street Block Association",
            "index": 0.9333,
            "participants": 18,
        }
    ]


def test_members_are_the_baseline_without_census_figures(chapter, maple):  # type: ignore[no-untyped-def]
    """Members who described their age: 10 aged 25-34, 10 aged 65+ (residents 50 % each).
    Those who attended a meeting: 8 of the first, 5 of the second.
      p = 8/13 and 5/13, r = 1/2 and 1/2
      D = 1/2 * (|8/13 - 1/2| + |5/13 - 1/2|) = 1/2 * (3/26 + 3/26) = 3/26
      index = 23/26 = 0.8846"""
    young = people(maple, 10, age_band="25-34")
    old = people(maple, 10, age_band="65+")
    attended(maple, young[:8] + old[:5])
    refresh(chapter)
    age = InstitutionFigures.objects.get(institution=maple).equity["dimensions"]["age_band"]
    assert age["source"] == "members"
    attended_ = age["activities"]["attended"]
    assert attended_["index"] == 0.8846
    assert [(g["group"], g["participants"], g["residents"]) for g in attended_["groups"]] == [
        ("25-34", 8, 10),
        ("65+", 5, 10),
    ]
    assert attended_["not_described"] == 0


def test_activity_outside_the_year_does_not_count(chapter, maple):  # type: ignore[no-untyped-def]
    renters = people(maple, 6, tenure="renter")
    voted(maple, renters, days_ago=400)
    refresh(chapter)
    assert InstitutionFigures.objects.get(institution=maple).participants == 0


def test_institutions_are_ranked_worst_first_and_unreported_last(client, chapter):  # type: ignore[no-untyped-def]
    """Three buildings, members as the baseline (10 renters, 10 owners each):
    elm-000: 10 renters and 10 owners voted: p = r = 1/2, index 1.
    elm-001: 10 renters and 5 owners voted: D = 1/2 * (|2/3 - 1/2| * 2) = 1/6, index 0.83.
    elm-002: 4 renters voted: nothing to report, last."""
    from tests.hub.equity_helpers import institutions

    mirror, skewed, quiet = institutions(chapter, 3)
    for institution, renting, owning in ((mirror, 10, 10), (skewed, 10, 5), (quiet, 4, 0)):
        renters = people(institution, 10, tenure="renter")
        owners = people(institution, 10, tenure="owner")
        voted(institution, renters[:renting] + owners[:owning])
    refresh(chapter)
    client.force_login(organizer_of(chapter))
    html = client.get("/hub/riverside/equity/", {"dimension": "tenure"}).content.decode()
    ranking = html.split('id="ranking-caption"')[1]
    assert re.findall(r">(Elm Court \d+)</a>", ranking) == [
        "Elm Court 001",
        "Elm Court 000",
        "Elm Court 002",
    ]
    body = client.get("/api/v1/hub/riverside/equity?dimension=tenure").json()
    assert [(r["institution"], r["index"]) for r in body["institutions"]] == [
        ("elm-001", 0.8333),
        ("elm-000", 1.0),
        ("elm-002", None),
    ]


def test_a_retired_question_is_no_longer_reported(client, chapter, maple):  # type: ignore[no-untyped-def]
    from bloc.hub.models import DescriptionCategory

    question = DescriptionCategory.objects.create(
        chapter=chapter, name="Children at home?", options=["Yes", "No"]
    )
    key = f"category:{question.pk}"
    yes = people(maple, 6, answers={str(question.pk): 0})
    no = people(maple, 6, answers={str(question.pk): 1})
    voted(maple, yes + no)
    refresh(chapter)
    assert key in InstitutionFigures.objects.get(institution=maple).equity["dimensions"]
    client.force_login(organizer_of(chapter))
    assert "Children at home?" in client.get("/hub/riverside/equity/").content.decode()

    svc.category_retire(actor=SYSTEM, category=question)
    # Before the next refresh the pages already leave it out...
    html = client.get("/hub/riverside/equity/", {"dimension": key}).content.decode()
    assert "Children at home?" not in html
    assert client.get(f"/api/v1/hub/riverside/equity?dimension={key}").status_code == 404
    # ...and the refresh no longer counts it.
    refresh(chapter)
    assert key not in InstitutionFigures.objects.get(institution=maple).equity["dimensions"]
