"""The scorecard pages: public scores with how they are computed, each pledge's verdicts
and the history as a chart and a table; the organizers' forms act, others are refused."""

from __future__ import annotations

import re

import pytest

from bloc.audit.models import AuditEvent
from bloc.electoral.models import Action, ActionMatch
from tests.conftest import PASSWORD
from tests.electoral import test_scorecards as base
from tests.electoral.test_scorecards import add, days_ago, make_officeholder

pytestmark = pytest.mark.django_db

organizer = base.organizer  # the fixture: an organizer of the chapter


@pytest.fixture
def office(chapter, maple):  # type: ignore[no-untyped-def]
    return make_officeholder(chapter, maple)


def url(office, rest: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/electoral/scorecards/{office.candidate.pk}/{rest}"


def login(client, person) -> None:  # type: ignore[no-untyped-def]
    assert client.login(username=person.email, password=PASSWORD)


def big_score(html: str) -> str:
    found = re.search(r'<p class="score-(?:big|none)" id="score">([^<]*)</p>', html)
    assert found, "no score on the page"
    return found.group(1)


def test_a_visitor_reads_the_score_how_it_is_computed_the_pledges_and_the_history(
    client, office, organizer, django_assert_max_num_queries
):
    add(organizer, office, {office.trust: ("kept", "Funded it")}, on=days_ago(50))
    add(organizer, office, {office.trust: ("broken", ""), office.police: ("partial", "")},
        on=days_ago(5), title="Sold the lot", source_url="https://news.example.org/lot")  # fmt: skip
    with django_assert_max_num_queries(10):
        response = client.get(url(office))
    assert response.status_code == 200
    html = response.content.decode()
    assert big_score(html) == "50%"
    assert "kept 1, partly kept ½, broken 0" in html
    assert "1 kept × 1 + 1 partly kept × ½ + 1 broken × 0 = 1.5 points over 3 verdicts" in html
    assert "1.5 ÷ 3 = 50%" in html
    assert 'href="https://news.example.org/lot"' in html
    assert "A community land trust" in html and "I will carry A civilian police board." in html
    # The history: an SVG named by its title and description, and the same as a table.
    assert re.search(r'<svg role="img" aria-labelledby="score-chart-\d+-title score-chart', html)
    assert "<desc" in html and "From 100% on" in html
    assert "<caption>The score of Rosa Parks after each day with verdicts</caption>" in html
    assert "50% (-50)" in html
    # No organizers' form for a visitor.
    assert '<form method="post" action="/electoral/scorecards/' not in html


def test_the_list_shows_every_officeholder_with_the_score(
    client, chapter, maple, office, organizer
):
    add(organizer, office, {office.trust: ("partial", "")})
    make_officeholder(chapter, maple, name="Not Yet", elected=None)
    response = client.get("/electoral/scorecards/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/electoral/scorecards/{office.candidate.pk}/"' in html
    assert f'data-score="{office.candidate.pk}">50%' in html
    assert "Not Yet" not in html
    assert client.get("/electoral/scorecards/", {"chapter": "nowhere"}).status_code == 404


def test_an_organizer_adds_an_action_with_a_broken_pledge_and_the_score_drops(
    client, office, organizer
):
    add(organizer, office, {office.trust: ("kept", "")})
    login(client, organizer)
    page = client.get(url(office)).content.decode()
    assert big_score(page) == "100%"
    assert f'name="add-verdict_{office.trust.pk}"' in page
    response = client.post(
        url(office, "actions/"),
        {
            "add-kind": "vote",
            "add-title": "Voted against the land trust",
            "add-on": days_ago(2).isoformat(),
            "add-source_url": "https://council.example.org/votes/99",
            f"add-verdict_{office.trust.pk}": "broken",
            f"add-note_{office.trust.pk}": "Against what they signed",
            f"add-verdict_{office.police.pk}": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(office) + "#actions"
    assert big_score(client.get(url(office)).content.decode()) == "50%"
    action = Action.objects.get(title="Voted against the land trust")
    assert list(action.matches.values_list("pledge_id", "verdict", "note")) == [
        (office.trust.pk, "broken", "Against what they signed")
    ]


def test_bad_input_shows_the_page_again_with_the_message_and_writes_nothing(
    client, office, organizer
):
    login(client, organizer)
    before = (Action.objects.count(), AuditEvent.objects.count())
    response = client.post(
        url(office, "actions/"),
        {
            "add-kind": "vote",
            "add-title": "Voted",
            "add-on": days_ago(2).isoformat(),
            "add-source_url": "the minutes",
        },
    )
    assert response.status_code == 422
    assert "Give a web address starting with http:// or https://." in response.content.decode()
    response = client.post(
        url(office, "actions/"),
        {
            "add-kind": "vote",
            "add-title": "Voted",
            "add-on": "2999-01-01",
            "add-source_url": "https://example.org/",
        },
    )
    assert response.status_code == 422
    assert "The date cannot be in the future." in response.content.decode()
    assert (Action.objects.count(), AuditEvent.objects.count()) == before


def test_an_organizer_changes_and_removes_verdicts_and_removes_an_action(client, office, organizer):
    action = add(organizer, office, {office.trust: ("broken", "")})
    login(client, organizer)
    edit = f"edit-{action.pk}"
    facts = {
        f"{edit}-kind": "bill",
        f"{edit}-title": "Wrote the bill to sell the lot",
        f"{edit}-on": days_ago(4).isoformat(),
        f"{edit}-source_url": "https://council.example.org/bills/3",
    }
    response = client.post(url(office, f"actions/{action.pk}/edit/"), facts)
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.kind, action.title, action.on) == ("bill", facts[f"{edit}-title"], days_ago(4))
    response = client.post(
        url(office, f"actions/{action.pk}/edit/"), {**facts, f"{edit}-source_url": "nowhere"}
    )
    assert response.status_code == 422 and 'id="id_edit-' in response.content.decode()
    action.refresh_from_db()
    assert action.source_url == "https://council.example.org/bills/3"
    key = f"verdict-{action.pk}"
    response = client.post(
        url(office, f"actions/{action.pk}/verdicts/"),
        {f"{key}-pledge": office.trust.pk, f"{key}-verdict": "kept", f"{key}-note": "Reversed"},
    )
    assert response.status_code == 302
    assert ActionMatch.objects.get(action=action).verdict == "kept"
    response = client.post(url(office, f"actions/{action.pk}/verdicts/{office.trust.pk}/remove/"))
    assert response.status_code == 302 and not ActionMatch.objects.exists()
    response = client.post(url(office, f"actions/{action.pk}/remove/"), {})
    assert response.status_code == 422 and Action.objects.filter(pk=action.pk).exists()
    response = client.post(
        url(office, f"actions/{action.pk}/remove/"),
        {f"remove-{action.pk}-reason": "Entered twice"},
    )
    assert response.status_code == 302 and not Action.objects.exists()
    assert AuditEvent.objects.order_by("-seq").first().data["reason"] == "Entered twice"


def test_an_organizer_records_the_outcome(client, chapter, maple, organizer):
    running = make_officeholder(chapter, maple, name="New Member", elected=None)
    login(client, organizer)
    page = client.get(url(running)).content.decode()
    assert "has not been recorded as elected" in page
    response = client.post(
        url(running, "outcome/"),
        {"outcome-elected": "yes", "outcome-took_office_on": days_ago(100).isoformat()},
    )
    assert response.status_code == 302
    running.candidate.refresh_from_db()
    assert running.candidate.elected is True and running.candidate.took_office_on == days_ago(100)
    response = client.post(
        url(running, "outcome/"),
        {"outcome-elected": "no", "outcome-took_office_on": days_ago(100).isoformat()},
    )
    assert response.status_code == 422
    assert "Only someone elected takes office" in response.content.decode()


def test_someone_else_is_refused_and_nothing_is_written(client, office, organizer, fiona):
    action = add(organizer, office, {office.trust: ("kept", "")})
    before = (Action.objects.count(), ActionMatch.objects.count(), AuditEvent.objects.count())
    posts = [
        (url(office, "actions/"), {"add-kind": "vote", "add-title": "X",
                                    "add-on": days_ago(1).isoformat(),
                                    "add-source_url": "https://example.org/"}),
        (url(office, f"actions/{action.pk}/verdicts/"),
         {f"verdict-{action.pk}-pledge": office.trust.pk, f"verdict-{action.pk}-verdict": "broken"}),
        (url(office, f"actions/{action.pk}/verdicts/{office.trust.pk}/remove/"), {}),
        (url(office, f"actions/{action.pk}/remove/"), {f"remove-{action.pk}-reason": "No"}),
        (url(office, f"actions/{action.pk}/edit/"), {f"edit-{action.pk}-kind": "vote",
                                                     f"edit-{action.pk}-title": "X",
                                                     f"edit-{action.pk}-on": days_ago(1).isoformat(),
                                                     f"edit-{action.pk}-source_url":
                                                         "https://example.org/"}),
        (url(office, "outcome/"), {"outcome-elected": "no"}),
    ]  # fmt: skip
    for where, data in posts:
        response = client.post(where, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login(client, fiona)
    page = client.get(url(office)).content.decode()
    assert "For organizers" not in page
    for where, data in posts:
        response = client.post(where, data)
        assert response.status_code == 403, where
        assert "Only the chapter&#x27;s organizers can do this." in response.content.decode()
    assert (Action.objects.count(), ActionMatch.objects.count(), AuditEvent.objects.count()) == (
        before
    )


def test_unknown_scorecards_and_actions_are_not_found(client, office, organizer):
    login(client, organizer)
    assert client.get("/electoral/scorecards/999999/").status_code == 404
    response = client.post(url(office, "actions/424242/remove/"), {"remove-424242-reason": "x"})
    assert response.status_code == 404
