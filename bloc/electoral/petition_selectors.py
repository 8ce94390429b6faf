"""Reads of petitions: the list, a petition's progress, its sheets and (for the
organizers only) the signatures entered. Each reads in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from bloc.core.electoral import petitions as rules
from bloc.core.errors import NotFound
from bloc.electoral.models import Petition, PetitionSheet, PetitionSignature
from bloc.institutions.models import Chapter


@dataclass(frozen=True)
class CirculatorRow:
    user_id: int
    name: str
    sheets: int
    signatures: int  # as handed in
    entered: int
    valid: int


@dataclass(frozen=True)
class DayRow:
    day: datetime.date
    sheets: int
    signatures: int  # handed in, collected that day
    collected: int  # cumulative
    valid: int  # valid signatures found on that day's sheets
    valid_so_far: int  # cumulative


@dataclass(frozen=True)
class Progress:
    petition: Petition
    sheets: int
    collected: int  # signatures handed in (the sheets' counts)
    entered: int  # signatures typed in
    checked: rules.Checked
    projection: rules.Projection
    days_left: int  # 0 on the deadline's day and after
    closed: bool  # the deadline has passed
    circulators: list[CirculatorRow] = field(default_factory=list)
    days: list[DayRow] = field(default_factory=list)

    @property
    def unchecked(self) -> int:
        return self.entered - self.checked.checked

    @property
    def short_of_target(self) -> int:
        return max(self.petition.target - self.checked.valid, 0)


def petition_list(*, chapter: Chapter | None = None) -> list[dict[str, Any]]:
    """Every petition (of a chapter), soonest deadline first, with its sheets and the
    signatures handed in: two queries."""
    petitions: QuerySet[Petition] = Petition.objects.select_related("chapter")
    if chapter is not None:
        petitions = petitions.filter(chapter=chapter)
    rows = list(petitions.annotate(n_sheets=Count("sheets"), collected=Sum("sheets__signatures")))
    valid = dict(
        PetitionSignature.objects.filter(sheet__petition__in=[p.pk for p in rows], verdict="valid")
        .values("sheet__petition")
        .annotate(n=Count("pk"))
        .values_list("sheet__petition", "n")
    )
    today = timezone.localdate()
    return [
        {
            "petition": p,
            "sheets": p.n_sheets,
            "collected": p.collected or 0,
            "valid": valid.get(p.pk, 0),
            "days_left": max((p.deadline - today).days, 0),
            "closed": p.deadline < today,
        }
        for p in rows
    ]


def petition_get(*, petition_id: int) -> Petition:
    petition = Petition.objects.select_related("chapter").filter(pk=petition_id).first()
    if petition is None:
        raise NotFound("petition")
    return petition


def sheet_get(*, petition: Petition, sheet_id: int) -> PetitionSheet:
    sheet = (
        PetitionSheet.objects.select_related("circulator")
        .filter(petition=petition, pk=sheet_id)
        .first()
    )
    if sheet is None:
        raise NotFound("sheet")
    sheet.petition = petition
    return sheet


def sheets_of(*, petition: Petition, circulator: Any = None) -> list[dict[str, Any]]:
    """The sheets handed in (one circulator's), each with its entered, checked and
    valid signatures: two queries."""
    sheets = PetitionSheet.objects.filter(petition=petition).select_related("circulator")
    if circulator is not None:
        sheets = sheets.filter(circulator_id=circulator.pk)
    counts = _entry_counts(petition)
    rows = []
    for sheet in sheets:
        by_verdict = counts.get(sheet.pk, {})
        entered = sum(by_verdict.values())
        rows.append(
            {
                "sheet": sheet,
                "entered": entered,
                "checked": entered - by_verdict.get("", 0),
                "valid": by_verdict.get("valid", 0),
                "duplicates": by_verdict.get("duplicate", 0),
                "outside": by_verdict.get("outside", 0),
                "matches": entered == sheet.signatures,
            }
        )
    return rows


def _entry_counts(petition: Petition) -> dict[int, dict[str, int]]:
    """Entered signatures by sheet and verdict ("" for not yet checked)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for sheet_id, verdict, n in (
        PetitionSignature.objects.filter(sheet__petition=petition)
        .values("sheet_id", "verdict")
        .annotate(n=Count("pk"))
        .values_list("sheet_id", "verdict", "n")
    ):
        counts[sheet_id][verdict] = n
    return counts


def petition_progress(*, petition: Petition, today: datetime.date | None = None) -> Progress:
    """Where the petition stands: signatures handed in, entered, checked and valid; the
    observed validity rate applied to all handed in (with its 95% interval) against the
    target; per circulator and per day. Two queries."""
    today = today or timezone.localdate()
    sheets = list(
        PetitionSheet.objects.filter(petition=petition)
        .select_related("circulator")
        .order_by("collected_on", "pk")
    )
    counts = _entry_counts(petition)
    totals: dict[str, int] = defaultdict(int)
    people: dict[int, dict[str, Any]] = {}
    days: dict[datetime.date, list[int]] = {}
    for sheet in sheets:
        by_verdict = counts.get(sheet.pk, {})
        for verdict, n in by_verdict.items():
            totals[verdict] += n
        valid = by_verdict.get("valid", 0)
        person = people.setdefault(
            sheet.circulator_id,
            {
                "name": sheet.circulator.full_name or sheet.circulator.email,
                "sheets": 0,
                "signatures": 0,
                "entered": 0,
                "valid": 0,
            },
        )
        person["sheets"] += 1
        person["signatures"] += sheet.signatures
        person["entered"] += sum(by_verdict.values())
        person["valid"] += valid
        that_day = days.setdefault(sheet.collected_on, [0, 0, 0])
        that_day[0] += 1
        that_day[1] += sheet.signatures
        that_day[2] += valid
    checked = rules.Checked(
        valid=totals.get("valid", 0),
        duplicates=totals.get("duplicate", 0),
        outside=totals.get("outside", 0),
    )
    collected = sum(s.signatures for s in sheets)
    series: list[DayRow] = []
    so_far = valid_so_far = 0
    for day, (n_sheets, signatures, valid) in sorted(days.items()):
        so_far += signatures
        valid_so_far += valid
        series.append(DayRow(day, n_sheets, signatures, so_far, valid, valid_so_far))
    circulators = [
        CirculatorRow(user_id=pk, **row)
        for pk, row in sorted(
            people.items(), key=lambda item: (-item[1]["signatures"], item[1]["name"].casefold())
        )
    ]
    return Progress(
        petition=petition,
        sheets=len(sheets),
        collected=collected,
        entered=sum(totals.values()),
        checked=checked,
        projection=rules.project(collected, checked, petition.target),
        days_left=max((petition.deadline - today).days, 0),
        closed=petition.deadline < today,
        circulators=circulators,
        days=series,
    )


def signatures_of(
    *, petition: Petition, sheet: PetitionSheet | None = None, verdict: str | None = None
) -> QuerySet[PetitionSignature]:
    """The signatures entered (private: for the organizers), by sheet and line; of one
    sheet, or with one verdict ("" for those not checked yet)."""
    entries = PetitionSignature.objects.filter(sheet__petition=petition).select_related("sheet")
    if sheet is not None:
        entries = entries.filter(sheet=sheet)
    if verdict is not None:
        entries = entries.filter(verdict=verdict)
    return entries.order_by("sheet__collected_on", "sheet_id", "line")
