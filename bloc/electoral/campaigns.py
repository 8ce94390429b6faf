"""Campaigns the institutions staff: roles, turfs, shifts, the contact log, GOTV and exports.

The chapter's organizers start a campaign (for an endorsed candidate or a petition),
give its roles (managers, canvassers) and build its turfs from the institutions'
address lists. An institution's facilitators or secretary offer its events, with their
volunteer shifts, to the campaign. Canvassers log each knock on their turfs; on
election day they mark supporters who voted. Managers download walk lists, the
contact log and the GOTV list as CSV; each download is an audit event saying who
downloaded what and how many rows, never the rows themselves. The audit events of
the contact log name the contact and the turf, never what the resident said.

Every function checks permission, validates, writes and appends to the audit log in
one transaction; bad input writes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.core.errors import Conflict, ValidationFailed
from bloc.electoral import campaign_selectors as sel
from bloc.electoral.models import (
    Campaign,
    CampaignRole,
    CampaignRoleKind,
    Candidate,
    Category,
    Contact,
    ContactOutcome,
    Petition,
    Stage,
    Turf,
)
from bloc.events.models import Event
from bloc.institutions.models import AreaAddress, Chapter, Institution
from bloc.validation import clean_text

MAX_TURFS_AT_ONCE = 50
NOTE_MAX_LENGTH = 2000


def _user_or_none(actor: object) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- the campaign and its roles ---------------------------------------------------------


def campaign_create(
    *,
    actor: object,
    chapter: Chapter,
    title: str,
    candidate: Candidate | None = None,
    petition: Petition | None = None,
    election_date: date | None = None,
) -> Campaign:
    """Start a campaign for an endorsed candidate or for a petition. The organizer who
    starts it becomes its first manager (and may hand that on)."""
    permissions.require(actor, "campaign.manage", chapter)
    title = clean_text("title", title, 200, required=_("Give the campaign a title."))
    if (candidate is None) == (petition is None):
        raise ValidationFailed.for_field(
            "candidate", _("A campaign is for one endorsed candidate or for one petition.")
        )
    if candidate is not None:
        if candidate.cycle.chapter_id != chapter.pk:
            raise ValidationFailed.for_field(
                "candidate", _("Choose one of the chapter's candidates.")
            )
        if candidate.stage != Stage.ENDORSED:
            raise Conflict(
                _("The chapter campaigns only for candidates it endorsed."), code="not_endorsed"
            )
        election_date = election_date or candidate.cycle.election_date
    if petition is not None and petition.chapter_id != chapter.pk:
        raise ValidationFailed.for_field("petition", _("Choose one of the chapter's petitions."))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            chapter=chapter,
            title=title,
            candidate=candidate,
            petition=petition,
            election_date=election_date,
            created_by=_user_or_none(actor),
        )
        starter = _user_or_none(actor)
        if starter is not None:
            CampaignRole.objects.create(
                campaign=campaign, user=starter, role=CampaignRoleKind.MANAGER
            )
        audit_append(
            actor=actor,
            action="campaign.create",
            subject=campaign,
            data={
                "title": title,
                "candidate": candidate.pk if candidate else None,
                "petition": petition.pk if petition else None,
                "election_date": election_date.isoformat() if election_date else None,
            },
        )
    return campaign


def campaign_role_set(*, actor: object, campaign: Campaign, user: Any, role: str) -> CampaignRole:
    """Make ``user`` a manager or a canvasser of the campaign (or change which)."""
    permissions.require(actor, "campaign.manage", campaign.chapter)
    if role not in CampaignRoleKind.values:
        raise ValidationFailed.for_field("role", _("Choose manager or canvasser."))
    if user is None or not getattr(user, "is_active", False):
        raise ValidationFailed.for_field("user", _("Choose someone with an account."))
    with transaction.atomic():
        existing = (
            CampaignRole.objects.select_for_update().filter(campaign=campaign, user=user).first()
        )
        if existing is not None and existing.role == role:
            raise Conflict(_("They already have this role."), code="same_role")
        if existing is not None:
            existing.role = role
            existing.save(update_fields=["role"])
            given = existing
        else:
            given = CampaignRole.objects.create(campaign=campaign, user=user, role=role)
        audit_append(
            actor=actor,
            action="campaign.role",
            subject=campaign,
            data={"user": user.pk, "role": role},
        )
    return given


def campaign_role_remove(*, actor: object, campaign: Campaign, user: Any) -> None:
    """Take the role away; a canvasser also leaves every turf of the campaign."""
    permissions.require(actor, "campaign.manage", campaign.chapter)
    with transaction.atomic():
        deleted, _rows = CampaignRole.objects.filter(campaign=campaign, user=user).delete()
        if not deleted:
            raise Conflict(_("They have no role in this campaign."), code="no_role")
        for turf in Turf.objects.filter(campaign=campaign, canvassers=user):
            turf.canvassers.remove(user)
        audit_append(
            actor=actor, action="campaign.role_remove", subject=campaign, data={"user": user.pk}
        )


# --- turfs -------------------------------------------------------------------------------


def _free_addresses(
    campaign: Campaign, institution: Institution, addresses: Sequence[AreaAddress] | None
) -> list[AreaAddress]:
    """The addresses for new turfs, in walking order: those given (all the
    institution's own, none on another turf) or every one not on a turf yet."""
    if institution.chapter_id != campaign.chapter_id:
        raise ValidationFailed.for_field(
            "institution", _("Choose one of the chapter's institutions.")
        )
    taken = set(
        Turf.addresses.through.objects.filter(
            turf__campaign=campaign, areaaddress__institution=institution
        ).values_list("areaaddress_id", flat=True)
    )
    if addresses is None:
        chosen = [
            a for a in AreaAddress.objects.filter(institution=institution) if a.pk not in taken
        ]
        if not chosen:
            raise ValidationFailed.for_field(
                "addresses",
                _("Every address of %(name)s is already on one of the campaign's turfs, or it "
                  "has none.") % {"name": institution.name},
            )  # fmt: skip
    else:
        chosen = list({a.pk: a for a in addresses}.values())
        if not chosen:
            raise ValidationFailed.for_field("addresses", _("Choose at least one address."))
        foreign = [a.address for a in chosen if a.institution_id != institution.pk]
        if foreign:
            raise ValidationFailed.for_field(
                "addresses",
                _("Not on the address list of %(name)s: %(addresses)s.")
                % {"name": institution.name, "addresses": ", ".join(foreign[:5])},
            )
        twice = [a.address for a in chosen if a.pk in taken]
        if twice:
            raise ValidationFailed.for_field(
                "addresses",
                _("Already on another of the campaign's turfs: %(addresses)s.")
                % {"addresses": ", ".join(twice[:5])},
            )
    return sorted(chosen, key=lambda a: sel.walk_key(a.address))


def _check_name(campaign: Campaign, name: str) -> None:
    if Turf.objects.filter(campaign=campaign, name__iexact=name).exists():
        raise ValidationFailed.for_field(
            "name", _("The campaign already has a turf called “%(name)s”.") % {"name": name}
        )


def _turf_make(
    actor: object,
    campaign: Campaign,
    institution: Institution,
    name: str,
    chosen: list[AreaAddress],
) -> Turf:
    turf = Turf.objects.create(campaign=campaign, institution=institution, name=name)
    turf.addresses.set(chosen)
    audit_append(
        actor=actor,
        action="campaign.turf",
        subject=turf,
        data={"campaign": campaign.pk, "institution": institution.slug, "name": name,
              "doors": len(chosen)},
    )  # fmt: skip
    return turf


def turf_create(
    *,
    actor: object,
    campaign: Campaign,
    institution: Institution,
    name: str = "",
    addresses: Sequence[AreaAddress] | None = None,
) -> Turf:
    """A turf of the institution's addresses: those given, or all not on a turf yet."""
    permissions.require(actor, "campaign.manage", campaign.chapter)
    name = clean_text("name", name, 200) or institution.name
    with transaction.atomic():
        chosen = _free_addresses(campaign, institution, addresses)
        _check_name(campaign, name)
        return _turf_make(actor, campaign, institution, name, chosen)


def turfs_split(
    *,
    actor: object,
    campaign: Campaign,
    institution: Institution,
    parts: int,
    name: str = "",
    addresses: Sequence[AreaAddress] | None = None,
) -> list[Turf]:
    """Split the addresses (as for ``turf_create``) into ``parts`` turfs of about equal
    size, each a run of neighbouring doors in walking order, named “<name> 1”, …"""
    permissions.require(actor, "campaign.manage", campaign.chapter)
    name = clean_text("name", name, 190) or institution.name
    if not 1 <= parts <= MAX_TURFS_AT_ONCE:
        raise ValidationFailed.for_field(
            "parts", _("Make from 1 to %(n)s turfs at once.") % {"n": MAX_TURFS_AT_ONCE}
        )
    with transaction.atomic():
        chosen = _free_addresses(campaign, institution, addresses)
        if parts > len(chosen):
            raise ValidationFailed.for_field(
                "parts",
                _("There are only %(n)s addresses: make at most %(n)s turfs.") % {"n": len(chosen)},
            )
        names = [name] if parts == 1 else [f"{name} {i + 1}" for i in range(parts)]
        for each in names:
            _check_name(campaign, each)
        size, extra = divmod(len(chosen), parts)
        turfs, start = [], 0
        for i, each in enumerate(names):
            end = start + size + (1 if i < extra else 0)
            turfs.append(_turf_make(actor, campaign, institution, each, chosen[start:end]))
            start = end
    return turfs


def turf_canvassers_set(*, actor: object, turf: Turf, canvassers: Sequence[Any]) -> Turf:
    """Who walks the turf: people with a role in the campaign."""
    campaign = turf.campaign
    permissions.require(actor, "campaign.manage", campaign.chapter)
    people = list({u.pk: u for u in canvassers}.values())
    with_role = set(
        CampaignRole.objects.filter(campaign=campaign, user__in=people).values_list(
            "user_id", flat=True
        )
    )
    missing = [u.full_name for u in people if u.pk not in with_role]
    if missing:
        raise ValidationFailed.for_field(
            "canvassers",
            _("Give them a role in the campaign first: %(names)s.") % {"names": ", ".join(missing)},
        )
    with transaction.atomic():
        turf.canvassers.set(people)
        audit_append(
            actor=actor,
            action="campaign.turf_canvassers",
            subject=turf,
            data={"canvassers": sorted(u.pk for u in people)},
        )
    return turf


# --- shifts ------------------------------------------------------------------------------


def shifts_offer(*, actor: object, campaign: Campaign, event: Event) -> Event:
    """An institution offers one of its events (and its volunteer shifts) to the campaign."""
    permissions.require(actor, "campaign.offer_shifts", event.institution)
    if event.institution.chapter_id != campaign.chapter_id:
        raise ValidationFailed.for_field(
            "event", _("Offer an event of the chapter's institutions.")
        )
    if event.cancelled_at is not None:
        raise Conflict(_("This event was cancelled."), code="cancelled")
    if event.ends_at <= timezone.now():
        raise Conflict(_("This event is over."), code="over")
    with transaction.atomic():
        if campaign.events.filter(pk=event.pk).exists():
            raise Conflict(
                _("This event is already offered to the campaign."), code="already_offered"
            )
        campaign.events.add(event)
        audit_append(
            actor=actor,
            action="campaign.shifts_offer",
            subject=campaign,
            data={"event": event.pk, "institution": event.institution.slug},
        )
    return event


def shifts_withdraw(*, actor: object, campaign: Campaign, event: Event) -> None:
    """The institution takes its event back from the campaign."""
    permissions.require(actor, "campaign.offer_shifts", event.institution)
    with transaction.atomic():
        if not campaign.events.filter(pk=event.pk).exists():
            raise Conflict(_("This event is not offered to the campaign."), code="not_offered")
        campaign.events.remove(event)
        audit_append(
            actor=actor,
            action="campaign.shifts_withdraw",
            subject=campaign,
            data={"event": event.pk, "institution": event.institution.slug},
        )


# --- the contact log --------------------------------------------------------------------


def _on_turf(turf: Turf, address: AreaAddress) -> None:
    if not turf.addresses.filter(pk=address.pk).exists():
        raise ValidationFailed.for_field(
            "address",
            _("%(address)s is not on the turf “%(turf)s”.")
            % {"address": address.address, "turf": turf.name},
            code="not_on_turf",
        )


def contact_log(
    *,
    actor: object,
    turf: Turf,
    address: AreaAddress,
    outcome: str,
    resident: str = "",
    support: int | None = None,
    issues: Sequence[str] = (),
    note: str = "",
    follow_up: bool = False,
) -> Contact:
    """Log one knock on one door of the turf."""
    permissions.require(actor, "turf.canvass", turf)
    _on_turf(turf, address)
    if outcome not in ContactOutcome.values:
        raise ValidationFailed.for_field("outcome", _("Say what happened at the door."))
    resident = clean_text("resident", resident, 200)
    note = clean_text("note", note, NOTE_MAX_LENGTH)
    if support is not None:
        if outcome != ContactOutcome.TALKED:
            raise ValidationFailed.for_field(
                "support", _("Give a support level only when you talked with someone.")
            )
        if isinstance(support, bool) or not isinstance(support, int) or not 1 <= support <= 5:
            raise ValidationFailed.for_field(
                "support", _("Support is from 1 (against) to 5 (strongly for).")
            )
    chosen = list(dict.fromkeys(issues or ()))
    unknown = [issue for issue in chosen if issue not in Category.values]
    if unknown:
        raise ValidationFailed.for_field("issues", _("Choose the issues from the list."))
    if chosen and outcome != ContactOutcome.TALKED:
        raise ValidationFailed.for_field(
            "issues", _("Note issues only when you talked with someone.")
        )
    with transaction.atomic():
        contact = Contact.objects.create(
            campaign_id=turf.campaign_id,
            turf=turf,
            address=address,
            canvasser=_user_or_none(actor),
            outcome=outcome,
            resident=resident,
            support=support,
            issues=chosen,
            note=note,
            follow_up=bool(follow_up),
            at=timezone.now(),
        )
        # Which door and turf, not what was said there.
        audit_append(
            actor=actor,
            action="campaign.contact",
            subject=contact,
            data={"campaign": turf.campaign_id, "turf": turf.pk, "address": address.pk},
        )
    return contact


def contact_mark_voted(
    *, actor: object, turf: Turf, address: AreaAddress, voted: bool = True
) -> Contact:
    """GOTV: mark that the supporters at this door voted (``voted=False`` undoes a
    mistake). Marked on the door's latest contact, until election day."""
    permissions.require(actor, "turf.canvass", turf)
    _on_turf(turf, address)
    campaign = turf.campaign
    if campaign.election_date and timezone.localdate() > campaign.election_date:
        raise Conflict(_("The election is over."), code="election_over")
    with transaction.atomic():
        contacts = Contact.objects.select_for_update().filter(
            campaign_id=campaign.pk, turf=turf, address=address
        )
        latest = contacts.order_by("-at", "-pk").first()
        if latest is None:
            raise Conflict(
                _("Nobody has knocked at %(address)s yet.") % {"address": address.address},
                code="not_contacted",
            )
        already = contacts.filter(voted_at__isnull=False).exists()
        if voted and already:
            raise Conflict(_("Already marked as voted."), code="already_voted")
        if not voted and not already:
            raise Conflict(_("Not marked as voted."), code="not_voted")
        if voted:
            latest.voted_at = timezone.now()
            latest.save(update_fields=["voted_at"])
        else:
            contacts.update(voted_at=None)
            latest.voted_at = None
        audit_append(
            actor=actor,
            action="campaign.voted" if voted else "campaign.voted_undo",
            subject=latest,
            data={"campaign": campaign.pk, "turf": turf.pk, "address": address.pk},
        )
    return latest


# --- exports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    filename: str
    content: str | bytes
    rows: int
    content_type: str = "text/csv; charset=utf-8"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _logged(actor: object, campaign: Campaign, what: str, rows: int, turf: Turf | None) -> None:
    with transaction.atomic():
        audit_append(
            actor=actor,
            action="campaign.export",
            subject=campaign,
            data={"what": what, "rows": rows, "turf": turf.pk if turf else None},
        )


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _door_row(turf: Turf, door: sel.Door) -> list[object]:
    latest = door.latest
    return [
        turf.institution.name,
        turf.name,
        door.address,
        door.resident,
        latest.outcome if latest else "",
        _when(latest.at) if latest else "",
        door.support if door.support is not None else "",
        " ".join(door.issues),
        "yes" if door.follow_up else "",
        _when(door.voted_at),
    ]


DOOR_HEADER = [
    "block", "turf", "address", "resident", "last_outcome", "last_contact_at", "support",
    "issues", "follow_up", "voted_at",
]  # fmt: skip


def export_walk_list(*, actor: object, campaign: Campaign, turf: Turf | None = None) -> Export:
    """The doors of one turf (or of all) with their latest contact, as CSV."""
    permissions.require(actor, "campaign.export", campaign)
    if turf is not None:
        rows = [_door_row(turf, door) for door in sel.walk_list(turf=turf, viewer=actor)]
        filename = f"campaign-{campaign.pk}-turf-{turf.pk}-walk-list.csv"
    else:
        rows = [_door_row(t, d) for t, d in sel.campaign_walk_list(campaign=campaign, viewer=actor)]
        filename = f"campaign-{campaign.pk}-walk-list.csv"
    _logged(actor, campaign, "walk_list", len(rows), turf)
    return Export(filename, _csv(DOOR_HEADER, rows), len(rows))


def export_contacts(*, actor: object, campaign: Campaign) -> Export:
    """Every contact of the campaign, oldest first, as CSV."""
    permissions.require(actor, "campaign.export", campaign)
    rows: list[list[object]] = [
        [
            _when(c.at),
            c.turf.institution.name,
            c.turf.name,
            c.address.address,
            c.canvasser.full_name if c.canvasser else "",
            c.outcome,
            c.resident,
            c.support if c.support is not None else "",
            " ".join(c.issues or []),
            c.note,
            "yes" if c.follow_up else "",
            _when(c.voted_at),
        ]
        for c in sel.contact_log(campaign=campaign, viewer=actor)
    ]
    header = [
        "at", "block", "turf", "address", "canvasser", "outcome", "resident", "support",
        "issues", "note", "follow_up", "voted_at",
    ]  # fmt: skip
    _logged(actor, campaign, "contacts", len(rows), None)
    return Export(f"campaign-{campaign.pk}-contacts.csv", _csv(header, rows), len(rows))


def export_gotv(*, actor: object, campaign: Campaign) -> Export:
    """Supporters not yet marked as voted, as CSV."""
    permissions.require(actor, "campaign.export", campaign)
    rows = [_door_row(t, d) for t, d in sel.gotv_list(campaign=campaign, viewer=actor)]
    _logged(actor, campaign, "gotv", len(rows), None)
    return Export(f"campaign-{campaign.pk}-gotv.csv", _csv(DOOR_HEADER, rows), len(rows))


def walk_sheet_print(*, actor: object, turf: Turf, language: str) -> Export:
    """The printable walk sheet of a turf (PDF), for its canvassers and the managers;
    logged like the CSV exports since it carries residents' names."""
    from bloc.decisions.pdf import render_pdf
    from bloc.electoral.campaign_pdf import walk_sheet_html

    permissions.require(actor, "turf.canvass", turf)
    doors = sel.walk_list(turf=turf, viewer=actor)
    pdf = render_pdf(walk_sheet_html(turf=turf, doors=doors, language=language))
    _logged(actor, turf.campaign, "walk_sheet", len(doors), turf)
    filename = f"campaign-{turf.campaign_id}-turf-{turf.pk}-walk-sheet.pdf"
    return Export(filename, pdf, len(doors), content_type="application/pdf")
