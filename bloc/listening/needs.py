"""Every write about door-to-door conversations: record what a resident needs, and
turn a need into a concern or a draft proposal.

A resident's name and phone are kept only when they agree to be contacted (the
database refuses them otherwise), and only the institution's officers see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.concerns.models import Category as ConcernCategory
from bloc.concerns.models import Concern
from bloc.concerns.services import concern_report
from bloc.core.errors import Conflict, ValidationFailed
from bloc.decisions.models import Proposal
from bloc.decisions.proposals import TITLE_MAX, proposal_create
from bloc.institutions.models import AreaAddress, Institution
from bloc.listening.models import NeedCategory, NeedsConversation
from bloc.validation import clean_text

PLACE_MAX = 200
NEED_MAX = 2_000
NAME_MAX = 120
PHONE_MAX = 40


def _address(institution: Institution, address: AreaAddress | int | None) -> AreaAddress | None:
    if address in (None, ""):
        return None
    address_id = address.pk if isinstance(address, AreaAddress) else address
    try:
        return AreaAddress.objects.get(institution=institution, pk=int(address_id))  # type: ignore[arg-type]
    except (AreaAddress.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed.for_field(
            "address", _("Choose an address in this institution's area.")
        ) from None


def need_record(
    *,
    actor: Any,
    institution: Institution,
    categories: Sequence[str],
    need: str,
    address: AreaAddress | int | None = None,
    place: str = "",
    follow_up: bool = False,
    consent: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
) -> NeedsConversation:
    """What a resident said at the door."""
    permissions.require(actor, "needs.record", institution)
    chosen = list(dict.fromkeys(categories))
    if not chosen:
        raise ValidationFailed.for_field("categories", _("Choose at least one category."))
    if any(c not in NeedCategory.values for c in chosen):
        raise ValidationFailed.for_field("categories", _("Choose among the categories."))
    need = clean_text("need", need, NEED_MAX, required=_("Write what they need."))
    area_address = _address(institution, address)
    place = clean_text("place", place, PLACE_MAX)
    if area_address is None and not place:
        raise ValidationFailed.for_field(
            "place", _("Choose the address, or say where the conversation took place.")
        )
    contact_name = clean_text("contact_name", contact_name, NAME_MAX)
    contact_phone = clean_text("contact_phone", contact_phone, PHONE_MAX)
    if not consent and (contact_name or contact_phone):
        raise ValidationFailed.for_field(
            "consent",
            _("Keep a name or phone only when the resident agrees to be contacted."),
            code="no_consent",
        )
    with transaction.atomic():
        conversation = NeedsConversation.objects.create(
            institution=institution,
            canvasser=actor,
            address=area_address,
            place=place,
            categories=[c for c in NeedCategory.values if c in chosen],
            need=need,
            follow_up=follow_up,
            consent=consent,
            contact_name=contact_name,
            contact_phone=contact_phone,
        )
        audit_append(
            actor=actor,
            action="needs.record",
            subject=conversation,
            # Never the resident's name or phone.
            data={
                "institution": institution.slug,
                "categories": conversation.categories,
                "follow_up": follow_up,
                "consent": consent,
            },
        )
    return conversation


def _where(conversation: NeedsConversation) -> str:
    return conversation.address.address if conversation.address else conversation.place


def _locked(conversation: NeedsConversation) -> NeedsConversation:
    locked = NeedsConversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.concern_id or locked.proposal_id:
        raise Conflict(
            _("This need has already become a concern or a proposal."), code="need_taken_up"
        )
    return locked


def need_to_concern(*, actor: Any, conversation: NeedsConversation) -> Concern:
    """A concern reported from the need (not anonymous: by the officer who raises it)."""
    institution = conversation.institution
    permissions.require(actor, "needs.contacts", institution)
    category = next(
        (c for c in conversation.categories if c in ConcernCategory.values),
        ConcernCategory.OTHER,
    )
    with transaction.atomic():
        locked = _locked(conversation)
        concern = concern_report(
            actor=actor,
            institution=institution,
            category=category,
            place=_where(locked) or institution.name,
            description=locked.need,
        )
        NeedsConversation.objects.filter(pk=locked.pk).update(concern=concern)
        conversation.concern = concern
        audit_append(
            actor=actor,
            action="needs.to_concern",
            subject=conversation,
            data={"concern": concern.pk},
        )
    return concern


def need_to_proposal(*, actor: Any, conversation: NeedsConversation, title: str = "") -> Proposal:
    """A draft proposal from the need, by the officer who raises it."""
    institution = conversation.institution
    permissions.require(actor, "needs.contacts", institution)
    title = title.strip() or conversation.need.splitlines()[0][:TITLE_MAX]
    heard = _("Heard at the door: %(where)s.") % {"where": _where(conversation) or institution.name}
    body = f"{conversation.need}\n\n{heard}"
    with transaction.atomic():
        locked = _locked(conversation)
        proposal = proposal_create(actor=actor, institution=institution, title=title, body=body)
        NeedsConversation.objects.filter(pk=locked.pk).update(proposal=proposal)
        conversation.proposal = proposal
        audit_append(
            actor=actor,
            action="needs.to_proposal",
            subject=conversation,
            data={"proposal": proposal.pk},
        )
    return proposal
