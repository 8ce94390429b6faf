"""Petitions for a ballot initiative or a recall: set up by the chapter's organizers,
circulated by the members of its institutions, checked by the organizers.

A circulator hands in a sheet (``sheet_log``): its label, how many signed it and when.
The organizers type the sheet's signatures in (``signatures_enter``), line by line or
from a CSV file, and run the validity check over the whole petition
(``signatures_check``): a signature repeating an earlier one (same name at the same
address) or whose address is on none of the jurisdiction's address lists is invalid
(``bloc.core.electoral.petitions``). Signers' names and addresses are private: the
audit log records counts and labels, never who signed.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.core.addresses import covers
from bloc.core.electoral import petitions as rules
from bloc.core.errors import ValidationFailed
from bloc.electoral.models import (
    Petition,
    PetitionKind,
    PetitionSheet,
    PetitionSignature,
)
from bloc.institutions.models import AreaAddress, Chapter, Institution
from bloc.validation import clean_text

MAX_TARGET = 10_000_000
# Printed sheets hold a few dozen lines; more on one sheet is a typing slip.
MAX_PER_SHEET = 100
MAX_CSV_BYTES = 200_000


def _user(actor: object) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _clean_target(target: Any) -> int:
    if isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= MAX_TARGET:
        raise ValidationFailed.for_field(
            "target",
            _("Give the number of valid signatures needed, from 1 to %(most)s.")
            % {"most": f"{MAX_TARGET:,}"},
        )
    return target


def _clean_jurisdiction(chapter: Chapter, institutions: Iterable[Institution]) -> list[Institution]:
    chosen = list({i.pk: i for i in institutions}.values())
    if not chosen:
        raise ValidationFailed.for_field(
            "jurisdiction",
            _("Choose the institutions whose addresses make up the jurisdiction."),
        )
    if any(i.chapter_id != chapter.pk for i in chosen):
        raise ValidationFailed.for_field(
            "jurisdiction", _("Choose institutions of the petition's chapter.")
        )
    return chosen


def petition_create(
    *,
    actor: object,
    chapter: Chapter,
    kind: str,
    title: str,
    jurisdiction: Sequence[Institution],
    target: int,
    deadline: datetime.date,
    text: str = "",
) -> Petition:
    """Start a petition: what it asks, where signers must live, how many valid
    signatures it needs and by when."""
    permissions.require(actor, "petition.manage", chapter)
    if kind not in PetitionKind.values:
        raise ValidationFailed.for_field("kind", _("Choose a ballot initiative or a recall."))
    title = clean_text("title", title, 200, required=_("Give the petition a title."))
    text = clean_text("text", text, 20000)
    target = _clean_target(target)
    if deadline < timezone.localdate():
        raise ValidationFailed.for_field("deadline", _("Choose a deadline that has not passed."))
    institutions = _clean_jurisdiction(chapter, jurisdiction)
    with transaction.atomic():
        petition = Petition.objects.create(
            chapter=chapter,
            kind=kind,
            title=title,
            text=text,
            target=target,
            deadline=deadline,
            created_by=_user(actor),
        )
        petition.jurisdiction.set(institutions)
        audit_append(
            actor=actor,
            action="petition.create",
            subject=petition,
            data={
                "kind": kind,
                "title": title,
                "target": target,
                "deadline": deadline.isoformat(),
                "jurisdiction": sorted(i.slug for i in institutions),
            },
        )
    return petition


def petition_update(
    *,
    actor: object,
    petition: Petition,
    title: str | None = None,
    text: str | None = None,
    target: int | None = None,
    deadline: datetime.date | None = None,
    jurisdiction: Sequence[Institution] | None = None,
) -> Petition:
    """Change what is given (None: keep). A new jurisdiction clears the verdicts: the
    check must run again."""
    permissions.require(actor, "petition.manage", petition.chapter)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = clean_text("title", title, 200, required=_("Give the petition a title."))
    if text is not None:
        changes["text"] = clean_text("text", text, 20000)
    if target is not None:
        changes["target"] = _clean_target(target)
    institutions = None
    if jurisdiction is not None:
        institutions = _clean_jurisdiction(petition.chapter, jurisdiction)
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        if deadline is not None and deadline != locked.deadline:
            last = (
                PetitionSheet.objects.filter(petition=locked)
                .order_by("-collected_on")
                .values_list("collected_on", flat=True)
                .first()
            )
            if last is not None and deadline < last:
                raise ValidationFailed.for_field(
                    "deadline",
                    _("A sheet was collected on %(date)s: the deadline cannot be earlier.")
                    % {"date": last.isoformat()},
                )
            changes["deadline"] = deadline
        fields = [name for name, value in changes.items() if getattr(locked, name) != value]
        for name in fields:
            setattr(locked, name, changes[name])
        if fields:
            locked.save(update_fields=fields)
        data: dict[str, Any] = {
            name: (changes[name].isoformat() if name == "deadline" else changes[name])
            for name in fields
            if name != "text"
        }
        if "text" in fields:
            data["text_changed"] = True
        if institutions is not None:
            before = set(locked.jurisdiction.values_list("pk", flat=True))
            if before != {i.pk for i in institutions}:
                locked.jurisdiction.set(institutions)
                PetitionSignature.objects.filter(sheet__petition=locked).exclude(verdict="").update(
                    verdict=""
                )
                data["jurisdiction"] = sorted(i.slug for i in institutions)
        if data:
            audit_append(actor=actor, action="petition.update", subject=locked, data=data)
    return locked


def sheet_log(
    *,
    actor: object,
    petition: Petition,
    label: str,
    signatures: int,
    collected_on: datetime.date,
    circulator: Any = None,
) -> PetitionSheet:
    """A circulator hands in a sheet: its label (unique in the petition), how many
    signed it, and the day it was collected (not after the deadline, not in the future).

    An organizer may log a sheet for another circulator (``circulator``), who must be
    one who may circulate."""
    permissions.require(actor, "petition.circulate", petition)
    if circulator is None and _user(actor) is not None:
        circulator = actor
    elif circulator is None:
        raise ValidationFailed.for_field("circulator", _("Say who circulated the sheet."))
    elif circulator.pk != getattr(actor, "pk", None):
        permissions.require(actor, "petition.manage", petition.chapter)
        decision = permissions.check(circulator, "petition.circulate", petition)
        if not decision:
            raise ValidationFailed.for_field(
                "circulator", _("This person is not a member of the chapter's institutions.")
            )
    label = clean_text("label", label, 50, required=_("Give the sheet's label or number."))
    if (
        isinstance(signatures, bool)
        or not isinstance(signatures, int)
        or not 1 <= signatures <= MAX_PER_SHEET
    ):
        raise ValidationFailed.for_field(
            "signatures",
            _("A sheet holds from 1 to %(most)s signatures.") % {"most": MAX_PER_SHEET},
        )
    today = timezone.localdate()
    if collected_on > today:
        raise ValidationFailed.for_field(
            "collected_on", _("The day it was collected cannot be in the future.")
        )
    duplicate = ValidationFailed.for_field(
        "label",
        _("The petition already has a sheet labelled “%(label)s”.") % {"label": label},
        code="duplicate_label",
    )
    with transaction.atomic():
        # One sheet at a time per petition: the deadline read is the one in force, and
        # labels stay unique whatever their case.
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        if collected_on > locked.deadline:
            raise ValidationFailed.for_field(
                "collected_on",
                _("Signatures collected after the deadline (%(date)s) do not count.")
                % {"date": locked.deadline.isoformat()},
            )
        if PetitionSheet.objects.filter(petition=locked, label__iexact=label).exists():
            raise duplicate
        try:
            with transaction.atomic():
                sheet = PetitionSheet.objects.create(
                    petition=locked,
                    circulator=circulator,
                    label=label,
                    signatures=signatures,
                    collected_on=collected_on,
                )
        except IntegrityError:
            # SQLite takes no row lock: two people handed in the same label at once.
            raise duplicate from None
        audit_append(
            actor=actor,
            action="petition.sheet",
            subject=sheet,
            data={
                "petition": petition.pk,
                "label": label,
                "signatures": signatures,
                "collected_on": collected_on.isoformat(),
                "circulator": circulator.pk,
            },
        )
    return sheet


def signatures_from_csv(data: bytes | str) -> list[tuple[str, str]]:
    """The (name, address) rows of a CSV file: two columns, an optional header row
    (``name,address``), blank rows skipped."""
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise ValidationFailed.for_field("csv", _("The file is too big for one sheet."))
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed.for_field(
                "csv", _("Save the file as CSV in UTF-8 and try again.")
            ) from None
    rows: list[tuple[str, str]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(data)), start=1):
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if number == 1 and [c.casefold() for c in cells[:2]] == ["name", "address"]:
                continue
            if len(cells) != 2:
                raise ValidationFailed.for_field(
                    "csv",
                    _("Row %(row)s: give two columns, the name and the address.") % {"row": number},
                )
            rows.append((cells[0], cells[1]))
    except csv.Error:
        raise ValidationFailed.for_field("csv", _("The file is not a readable CSV file.")) from None
    return rows


def signatures_enter(
    *,
    actor: object,
    sheet: PetitionSheet,
    lines: Sequence[tuple[str, str]],
    fix_count: bool = False,
) -> list[PetitionSignature]:
    """Type in a sheet's signatures (name, address), in the sheet's order; they replace
    what was entered before for this sheet, unchecked.

    The number of lines must match the count the circulator handed in; when it does
    not, say so with ``fix_count``: the sheet's count becomes the number entered."""
    petition = sheet.petition
    permissions.require(actor, "petition.manage", petition.chapter)
    if not lines:
        raise ValidationFailed.for_field("lines", _("Enter at least one signature."))
    if len(lines) > MAX_PER_SHEET:
        raise ValidationFailed.for_field(
            "lines",
            _("A sheet holds from 1 to %(most)s signatures.") % {"most": MAX_PER_SHEET},
        )
    cleaned: list[tuple[str, str]] = []
    problems: list[str] = []
    for number, (name, address) in enumerate(lines, start=1):
        name, address = (name or "").strip(), (address or "").strip()
        if not name or not address:
            problems.append(
                _("Line %(line)s: give both the name and the address.") % {"line": number}
            )
        elif len(name) > 200 or len(address) > 255:
            problems.append(
                _("Line %(line)s: the name or the address is too long.") % {"line": number}
            )
        cleaned.append((name, address))
    if problems:
        raise ValidationFailed(" ".join(problems[:5]), fields={"lines": problems})
    if len(cleaned) != sheet.signatures and not fix_count:
        raise ValidationFailed.for_field(
            "lines",
            _(
                "The sheet was handed in with %(count)s signatures but %(entered)s lines are "
                "entered. Check the lines, or confirm that the sheet holds %(entered)s."
            )
            % {"count": sheet.signatures, "entered": len(cleaned)},
            code="count_mismatch",
        )
    with transaction.atomic():
        # The petition first, as the check does: entering waits for a check under way.
        Petition.objects.select_for_update().filter(pk=petition.pk).first()
        locked = PetitionSheet.objects.select_for_update().get(pk=sheet.pk)
        before = locked.signatures
        PetitionSignature.objects.filter(sheet=locked).delete()
        rows = PetitionSignature.objects.bulk_create(
            PetitionSignature(sheet=locked, line=n, name=name, address=address)
            for n, (name, address) in enumerate(cleaned, start=1)
        )
        data: dict[str, Any] = {"label": locked.label, "entered": len(rows)}
        if before != len(rows):
            locked.signatures = len(rows)
            locked.save(update_fields=["signatures"])
            data["count_was"] = before
        audit_append(actor=actor, action="petition.signatures", subject=locked, data=data)
    sheet.signatures = locked.signatures
    return rows


def jurisdiction_keys(petition: Petition) -> set[str]:
    """The normalised addresses of every institution of the jurisdiction."""
    return set(
        AreaAddress.objects.filter(institution__petitions=petition).values_list("key", flat=True)
    )


def signatures_check(*, actor: object, petition: Petition) -> rules.Checked:
    """Check every entered signature of the petition: the first of two equal ones is
    valid and the other a duplicate (sheets in the order collected), and an address on
    none of the jurisdiction's lists is outside. Sets each verdict."""
    permissions.require(actor, "petition.manage", petition.chapter)
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        keys = jurisdiction_keys(locked)
        entries = list(
            PetitionSignature.objects.filter(sheet__petition=locked).order_by(
                "sheet__collected_on", "sheet_id", "line"
            )
        )
        checked, verdicts = rules.check(
            (rules.Signature(e.name, e.address, str(e.sheet_id)) for e in entries),
            lambda address: covers(keys, address),
        )
        changed = []
        for entry, verdict in zip(entries, verdicts, strict=True):
            if entry.verdict != verdict:
                entry.verdict = verdict
                changed.append(entry)
        PetitionSignature.objects.bulk_update(changed, ["verdict"], batch_size=500)
        audit_append(
            actor=actor,
            action="petition.check",
            subject=locked,
            data={
                "checked": checked.checked,
                "valid": checked.valid,
                "duplicates": checked.duplicates,
                "outside": checked.outside,
            },
        )
    return checked
