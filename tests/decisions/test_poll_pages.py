"""The poll pages: setting up a poll, voting, the receipt, results and published ballots."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.core.formats.json_ballots import read_json_ballots
from bloc.decisions.models import Participation, Poll, SecretBallot
from bloc.decisions.voting import vote
from tests.conftest import make_person, member
from tests.decisions.conftest import close_now, open_poll

pytestmark = pytest.mark.django_db


def url(name, poll=None, slug="maple"):  # type: ignore[no-untyped-def]
    args = [slug] if poll is None else [slug, poll.pk]
    return reverse(f"institutions:{name}", args=args)


def local(moment):  # type: ignore[no-untyped-def]
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_facilitator_sets_up_a_poll_and_bad_times_are_refused(client, voters, maple):  # type: ignore[no-untyped-def]
    fiona, voter = voters[0], voters[1]
    client.force_login(voter)
    assert client.get(url("poll_create")).status_code == 403
    assert "Set up a poll" not in client.get(url("polls")).content.decode()

    client.force_login(fiona)
    page = client.get(url("poll_create")).content.decode()
    assert 'value="majority" selected' in page  # the bylaws' default rule
    now = timezone.now()
    form = {
        "title": "Who chairs the spring meeting?",
        "rule": "irv",
        "options": "Ana\nBo\n\nCy\n",
        "seats": "1",
        "ballot": "secret",
        "opens_at": local(now + datetime.timedelta(hours=2)),
        "closes_at": local(now + datetime.timedelta(hours=1)),
        "by": "mean",
    }
    refused = client.post(url("poll_create"), form)
    assert refused.status_code == 422
    assert "A poll must close after it opens." in refused.content.decode()
    assert 'value="Who chairs the spring meeting?"' in refused.content.decode()  # input kept
    assert not Poll.objects.exists()

    form["closes_at"] = local(now + datetime.timedelta(days=3))
    response = client.post(url("poll_create"), form)
    poll = Poll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("poll_detail", poll)
    assert (poll.rule, poll.secret) == ("irv", True)
    assert list(poll.options.values_list("name", flat=True)) == ["Ana", "Bo", "Cy"]
    assert abs(poll.opens_at - (now + datetime.timedelta(hours=2))) < datetime.timedelta(minutes=1)

    # A motion ignores the options typed; it is listed as scheduled.
    form.update(rule="supermajority", options="ignored\nlines", threshold="3/4", title="Fence?")
    client.post(url("poll_create"), form)
    motion = Poll.objects.get(title="Fence?")
    assert list(motion.options.values_list("name", flat=True)) == ["for", "against", "abstain"]
    assert motion.parameters["threshold"] == "3/4"
    listing = client.get(url("polls")).content.decode()
    assert "Fence?" in listing and "opens" in listing


@pytest.mark.parametrize(
    ("rule", "options", "post", "words"),
    [
        ("majority", [], {"choice": "1"}, "Against"),
        ("irv", ["Ana", "Bo", "Cy"], {"rank-0": "2", "rank-1": "1", "rank-2": ""}, "1. Bo, 2. Ana"),
        ("approval", ["Ana", "Bo", "Cy"], {"approve": ["0", "2"]}, "Ana, Cy"),
        ("score", ["Ana", "Bo"], {"score-0": "3", "score-1": "5"}, "Ana: 3, Bo: 5"),
    ],
)
def test_vote_shows_the_receipt_once(client, voters, maple, rule, options, post, words):  # type: ignore[no-untyped-def]
    poll = open_poll(maple, voters[0], rule=rule, options=options)
    client.force_login(voters[1])
    page = client.get(url("poll_detail", poll)).content.decode()
    assert "nobody can see how you voted" in page
    assert "Cast my vote" in page

    response = client.post(url("poll_vote", poll), post)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    receipt = SecretBallot.objects.get(poll=poll).receipt
    grouped = " ".join(receipt[i : i + 4] for i in range(0, 64, 4))
    assert grouped in text
    assert words in text
    assert "It is not stored with your name." in text
    assert receipt not in str(dict(client.session))

    again = client.get(url("poll_detail", poll)).content.decode()
    assert "You have voted." in again and "Cast my vote" not in again
    assert grouped not in again


def test_same_rank_twice_is_refused_and_nothing_is_stored(client, voters, maple):  # type: ignore[no-untyped-def]
    poll = open_poll(maple, voters[0], rule="irv", options=["Ana", "Bo", "Cy"])
    client.force_login(voters[1])
    response = client.post(url("poll_vote", poll), {"rank-0": "1", "rank-1": "1", "rank-2": "2"})
    assert response.status_code == 422
    text = response.content.decode()
    assert 'role="alert"' in text and "Two options are both ranked 1." in text
    assert '<option value="2" selected>2</option>' in text  # the voter's input is kept
    assert not Participation.objects.filter(poll=poll).exists()
    assert not SecretBallot.objects.filter(poll=poll).exists()


def test_voting_before_opening_after_closing_or_not_eligible(client, voters, maple):  # type: ignore[no-untyped-def]
    now = timezone.now()
    later = open_poll(
        maple,
        voters[0],
        opens_at=now + datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    client.force_login(voters[1])
    page = client.get(url("poll_detail", later)).content.decode()
    assert "Voting has not opened yet" in page and "Cast my vote" not in page
    refused = client.post(url("poll_vote", later), {"choice": "0"})
    assert refused.status_code == 409
    assert "Voting has not opened yet" in refused.content.decode()

    closed = open_poll(maple, voters[0])
    close_now(closed)
    refused = client.post(url("poll_vote", closed), {"choice": "0"})
    assert refused.status_code == 409 and "Voting has closed." in refused.content.decode()

    current = open_poll(maple, voters[0])
    newcomer = make_person("new@example.org", "Nell Newcomer", address="114 Maple Street")
    member(maple, newcomer, verified=True)  # verified after the poll opened
    client.force_login(newcomer)
    assert "not on this poll" in client.get(url("poll_detail", current)).content.decode()
    refused = client.post(url("poll_vote", current), {"choice": "0"})
    assert refused.status_code == 403 and "not on this poll" in refused.content.decode()
    assert not Participation.objects.exists()


def _ballots(poll, voters, datas):  # type: ignore[no-untyped-def]
    return [vote(actor=v, poll=poll, data=d).receipt for v, d in zip(voters, datas, strict=False)]


def test_secret_poll_shows_nothing_about_ballots_before_close(client, voters, maple):  # type: ignore[no-untyped-def]
    poll = open_poll(maple, voters[0], rule="plurality", options=["Ana", "Bo"])
    _ballots(poll, voters[1:4], [0, 0, 1])
    client.force_login(voters[4])
    for name in ("poll_results", "poll_ballots", "poll_detail"):
        page = client.get(url(name, poll)).content.decode()
        assert "3 ballots" not in page and "Ana: " not in page and "Round" not in page
        assert "When voting closes" in page
    assert client.get(url("poll_ballots_file", poll)).status_code == 404


def test_results_of_an_irv_poll_show_the_rounds(client, voters, maple):  # type: ignore[no-untyped-def]
    poll = open_poll(maple, voters[0], rule="irv", options=["Ana", "Bo", "Cy"])
    ranks = [{0: 1, 1: 2}, {0: 1}, {1: 1}, {1: 1}, {2: 1, 0: 2}, {2: 1}]
    receipts = _ballots(poll, voters, ranks)
    close_now(poll)
    client.force_login(voters[1])
    text = client.get(url("poll_results", poll)).content.decode()
    assert "Round by round" in text and "Round 2" in text and "eliminated" in text
    assert "6 ballots of 6 eligible" in text
    assert 'role="img"' in text and "<title" in text and "First round" in text
    assert f"bloc tally poll-{poll.pk}.json --rule irv" in text
    assert poll.outcome in ("elected", "tied")

    # The published list finds a receipt, typed with spaces and in capitals.
    typed = " ".join(receipts[1][i : i + 8] for i in range(0, 64, 8)).upper()
    found = client.post(url("poll_ballots", poll), {"receipt": typed}).content.decode()
    assert "Found: your ballot is in the list" in found and 'class="found"' in found
    assert "1. Ana" in found
    missing = client.post(url("poll_ballots", poll), {"receipt": "abcd" * 16}).content.decode()
    assert "Not found." in missing

    download = client.get(url("poll_ballots_file", poll))
    assert download["Content-Type"].startswith("application/json")
    assert f'filename="poll-{poll.pk}.json"' in download["Content-Disposition"]
    read = read_json_ballots(download.content.decode() + "\n")
    assert read.profile.candidates == ("Ana", "Bo", "Cy")
    assert int(read.profile.counts.sum()) == 6


def test_results_of_a_majority_poll_show_the_counts_and_checks(client, voters, maple):  # type: ignore[no-untyped-def]
    poll = open_poll(maple, voters[0], rule="majority")
    _ballots(poll, voters, [0, 0, 0, 1, 2])
    close_now(poll)
    client.force_login(voters[5])
    text = client.get(url("poll_results", poll)).content.decode()
    assert "Adopted" in text
    assert '<th scope="row">For</th><td class="num">3</td>' in text
    assert '<th scope="row">Against</th><td class="num">1</td>' in text
    assert "Quorum" in text and "met" in text


def test_open_poll_lets_a_vote_change_and_shows_the_roll_call(client, voters, maple):  # type: ignore[no-untyped-def]
    poll = open_poll(maple, voters[0], rule="majority", secret=False)
    client.force_login(voters[1])
    assert "roll call" in client.get(url("poll_detail", poll)).content.decode()
    client.post(url("poll_vote", poll), {"choice": "0"})
    page = client.get(url("poll_detail", poll)).content.decode()
    assert "Replace my vote" in page
    changed = client.post(url("poll_vote", poll), {"choice": "1"})
    assert "Your new ballot replaces your earlier one." in changed.content.decode()
    close_now(poll)
    text = client.get(url("poll_results", poll)).content.decode()
    assert "Roll call" in text
    assert '<th scope="row">Voter 0</th><td>Against</td>' in text
