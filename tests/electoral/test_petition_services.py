"""Petitions: organizers set them up, members hand in sheets, organizers enter and
check the signatures; every refusal writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.core.errors import PermissionDenied, ValidationFailed
from bloc.electoral.models import Petition, PetitionSheet, PetitionSignature
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def organizer(world):
    from bloc.institutions.services import chapter_organizer_add

    person = make_person("org@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=person)
    return person


@pytest.fixture
def petition(world, organizer):
    """A recall petition signed by residents of blocks A and B: 10 valid signatures."""
    from bloc.electoral.petitions import petition_create

    return petition_create(
        actor=organizer,
        chapter=world.chapter,
        kind="recall",
        title="Recall council member Smith",
        text="We ask for a recall election.",
        jurisdiction=[world.blocks["a"].institution, world.blocks["b"].institution],
        target=10,
        deadline=days(30),
    )


@pytest.fixture
def circulator(world):
    """A member of block C (outside the jurisdiction, but in the chapter)."""
    return world.blocks["c"].people[2]


class Unchanged:
    """Counts of what a refused call must not have written."""

    def __init__(self) -> None:
        self.before = self.now()

    @staticmethod
    def now() -> tuple[int, ...]:
        return (
            Petition.objects.count(),
            PetitionSheet.objects.count(),
            PetitionSignature.objects.count(),
            AuditEvent.objects.count(),
        )

    def __bool__(self) -> bool:
        return self.now() == self.before


def log(petition, actor, label="S1", signatures=3, collected_on=None, **extra):  # type: ignore[no-untyped-def]
    from bloc.electoral.petitions import sheet_log

    return sheet_log(
        actor=actor,
        petition=petition,
        label=label,
        signatures=signatures,
        collected_on=collected_on or days(-1),
        **extra,
    )


def test_organizers_start_a_petition_and_it_is_audited(petition, world):
    assert petition.kind == "recall" and petition.target == 10
    assert set(petition.jurisdiction.values_list("slug", flat=True)) == {"block-a", "block-b"}
    event = AuditEvent.objects.filter(action="petition.create").get()
    assert event.data["jurisdiction"] == ["block-a", "block-b"]


def test_a_resident_cannot_start_a_petition(world):
    from bloc.electoral.petitions import petition_create

    unchanged = Unchanged()
    with pytest.raises(PermissionDenied):
        petition_create(actor=world.blocks["a"].facilitator, chapter=world.chapter,
                        kind="initiative", title="Rent control", target=5,
                        jurisdiction=[world.blocks["a"].institution], deadline=days(9))  # fmt: skip
    assert unchanged


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "referendum"}, "kind"),
        ({"title": "  "}, "title"),
        ({"target": 0}, "target"),
        ({"deadline": days(-1)}, "deadline"),
        ({"jurisdiction": []}, "jurisdiction"),
        ({"jurisdiction": "elsewhere"}, "jurisdiction"),
    ],
)
def test_a_petition_with_bad_input_is_refused(world, organizer, change, field):
    from bloc.electoral.petitions import petition_create
    from bloc.institutions.services import chapter_create, institution_create

    if change.get("jurisdiction") == "elsewhere":
        other = chapter_create(actor=SYSTEM, name="Hillside", slug="hillside")
        change = {"jurisdiction": [institution_create(
            actor=SYSTEM, chapter=other, name="Hill", slug="hill", kind="block_association")]}  # fmt: skip
    arguments = {
        "kind": "initiative",
        "title": "Rent control",
        "target": 100,
        "deadline": days(20),
        "jurisdiction": [world.blocks["a"].institution],
        **change,
    }
    unchanged = Unchanged()
    with pytest.raises(ValidationFailed) as refused:
        petition_create(actor=organizer, chapter=world.chapter, **arguments)
    assert field in refused.value.fields
    assert unchanged


def test_a_member_hands_in_a_sheet(petition, circulator):
    sheet = log(petition, circulator, label="A-001", signatures=12)
    assert (sheet.circulator, sheet.label, sheet.signatures) == (circulator, "A-001", 12)
    event = AuditEvent.objects.filter(action="petition.sheet").get()
    assert event.data["signatures"] == 12 and event.data["label"] == "A-001"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"collected_on": days(1)}, "collected_on"),
        ({"signatures": 0}, "signatures"),
        ({"signatures": 101}, "signatures"),
        ({"label": ""}, "label"),
        ({"label": "s1"}, "label"),  # the same label as the first sheet
    ],
)
def test_a_bad_sheet_is_refused_and_nothing_is_written(petition, circulator, change, field):
    log(petition, circulator, label="S1")
    unchanged = Unchanged()
    with pytest.raises(ValidationFailed) as refused:
        log(petition, circulator, **{"label": "S2", **change})
    assert field in refused.value.fields
    assert unchanged


def test_a_sheet_collected_after_the_deadline_does_not_count(petition, circulator, organizer):
    from bloc.electoral.petitions import petition_update

    petition = petition_update(actor=organizer, petition=petition, deadline=days(-3))
    unchanged = Unchanged()
    with pytest.raises(ValidationFailed, match="after the deadline"):
        log(petition, circulator, collected_on=days(-2))
    assert unchanged
    # Collected in time and handed in late: it counts.
    assert log(petition, circulator, collected_on=days(-3)).pk


def test_someone_outside_the_chapters_institutions_cannot_circulate(petition):
    unchanged = Unchanged()
    with pytest.raises(PermissionDenied):
        log(petition, make_person("x@example.org", "Xavier Outsider"))
    assert unchanged


def test_an_organizer_logs_a_sheet_for_a_circulator_but_a_member_cannot(
    petition, organizer, circulator, world
):
    sheet = log(petition, organizer, circulator=circulator)
    assert sheet.circulator == circulator
    unchanged = Unchanged()
    with pytest.raises(PermissionDenied):
        log(petition, circulator, label="S2", circulator=world.blocks["a"].people[2])
    with pytest.raises(ValidationFailed):
        log(petition, organizer, label="S3", circulator=make_person("y@example.org", "Y"))
    assert unchanged


def enter(sheet, actor, lines, **extra):  # type: ignore[no-untyped-def]
    from bloc.electoral.petitions import signatures_enter

    return signatures_enter(actor=actor, sheet=sheet, lines=lines, **extra)


LINES = [("Ana Pérez", "1 A Street"), ("Bo Li", "2 A Street"), ("Cy Ray", "3 B Street")]


def test_organizers_enter_a_sheets_signatures(petition, circulator, organizer):
    sheet = log(petition, circulator, signatures=3)
    rows = enter(sheet, organizer, LINES)
    assert [(r.line, r.name, r.verdict) for r in rows] == [
        (1, "Ana Pérez", ""),
        (2, "Bo Li", ""),
        (3, "Cy Ray", ""),
    ]
    # Entering again replaces the sheet's lines.
    enter(sheet, organizer, list(reversed(LINES)))
    assert list(sheet.entries.values_list("name", flat=True)) == ["Cy Ray", "Bo Li", "Ana Pérez"]
    event = AuditEvent.objects.filter(action="petition.signatures").last()
    assert "Ana" not in str(event.data) and "A Street" not in str(event.data)


def test_a_count_that_does_not_match_is_refused_unless_confirmed(petition, circulator, organizer):
    sheet = log(petition, circulator, signatures=4)
    unchanged = Unchanged()
    with pytest.raises(ValidationFailed) as refused:
        enter(sheet, organizer, LINES)
    assert refused.value.code == "count_mismatch" and "4 signatures" in refused.value.message
    assert unchanged
    enter(sheet, organizer, LINES, fix_count=True)
    sheet.refresh_from_db()
    assert sheet.signatures == 3 and sheet.entries.count() == 3
    event = AuditEvent.objects.filter(action="petition.signatures").get()
    assert event.data["count_was"] == 4


def test_signatures_with_bad_lines_or_from_a_resident_are_refused(petition, circulator, organizer):
    sheet = log(petition, circulator, signatures=2)
    unchanged = Unchanged()
    with pytest.raises(ValidationFailed, match="Line 2"):
        enter(sheet, organizer, [("Ana", "1 A Street"), ("Bo", " ")])
    with pytest.raises(ValidationFailed):
        enter(sheet, organizer, [])
    with pytest.raises(PermissionDenied):
        enter(sheet, circulator, LINES[:2])
    assert unchanged


def test_signatures_come_from_a_csv_file():
    from bloc.electoral.petitions import signatures_from_csv

    text = 'name,address\nAna Pérez,1 A Street\n\n"Li, Bo","2 A Street, Apt 3"\n'
    assert signatures_from_csv(text.encode()) == [
        ("Ana Pérez", "1 A Street"),
        ("Li, Bo", "2 A Street, Apt 3"),
    ]
    with pytest.raises(ValidationFailed, match="Row 2"):
        signatures_from_csv("Ana,1 A Street\nBo\n")
    with pytest.raises(ValidationFailed):
        signatures_from_csv(b"\xff\xfe\x00bad")


def test_the_check_finds_duplicates_across_sheets_and_outsiders(petition, circulator, organizer):
    from bloc.electoral.petitions import signatures_check

    first = log(petition, circulator, label="S1", signatures=3, collected_on=days(-5))
    second = log(petition, circulator, label="S2", signatures=3, collected_on=days(-2))
    enter(first, organizer, LINES)
    enter(second, organizer, [("ANA  PEREZ", "1 A St."), ("Di Fox", "4 C Street"),
                              ("Ed Moe", "5 B Street")])  # fmt: skip
    unchanged = Unchanged()
    with pytest.raises(PermissionDenied):
        signatures_check(actor=circulator, petition=petition)
    assert unchanged
    checked = signatures_check(actor=organizer, petition=petition)
    assert (checked.valid, checked.duplicates, checked.outside) == (4, 1, 1)
    verdicts = dict(PetitionSignature.objects.values_list("name", "verdict"))
    assert verdicts == {
        "Ana Pérez": "valid",
        "Bo Li": "valid",
        "Cy Ray": "valid",
        "ANA  PEREZ": "duplicate",
        "Di Fox": "outside",
        "Ed Moe": "valid",
    }
    event = AuditEvent.objects.filter(action="petition.check").get()
    assert event.data == {"checked": 6, "valid": 4, "duplicates": 1, "outside": 1}


def test_a_new_jurisdiction_clears_the_verdicts(petition, circulator, organizer, world):
    from bloc.electoral.petitions import petition_update, signatures_check

    sheet = log(petition, circulator, signatures=3)
    enter(sheet, organizer, LINES)
    signatures_check(actor=organizer, petition=petition)
    petition_update(
        actor=organizer, petition=petition, jurisdiction=[world.blocks["a"].institution]
    )
    assert set(PetitionSignature.objects.values_list("verdict", flat=True)) == {""}
    assert signatures_check(actor=organizer, petition=petition).outside == 1


def test_updates_are_checked(petition, circulator, organizer):
    from bloc.electoral.petitions import petition_update

    log(petition, circulator, collected_on=days(-2))
    unchanged = Unchanged()
    with pytest.raises(ValidationFailed, match="cannot be earlier"):
        petition_update(actor=organizer, petition=petition, deadline=days(-4))
    with pytest.raises(PermissionDenied):
        petition_update(actor=circulator, petition=petition, title="Mine now")
    assert unchanged
    updated = petition_update(actor=organizer, petition=petition, title="Recall Smith", target=12)
    assert (updated.title, updated.target) == ("Recall Smith", 12)
    assert AuditEvent.objects.filter(action="petition.update").get().data == {
        "title": "Recall Smith",
        "target": 12,
    }


def test_names_in_other_scripts_are_told_apart(petition, circulator, organizer):
    from bloc.electoral.petitions import signatures_check

    sheet = log(petition, circulator, signatures=4)
    enter(sheet, organizer, [("王伟", "1 A Street"), ("李娜", "1 A Street"),
                             ("Ольга Петрова", "2 A Street"), ("ОЛЬГА ПЕТРОВА", "2 A St")])  # fmt: skip
    checked = signatures_check(actor=organizer, petition=petition)
    assert (checked.valid, checked.duplicates) == (3, 1)
    assert list(sheet.entries.values_list("verdict", flat=True)) == [
        "valid",
        "valid",
        "valid",
        "duplicate",
    ]
