"""Endorsement cycles and their candidates: a cycle set up by the chapter's organizers,
candidates nominated by assemblies (or applying), nominations seconded by other
assemblies, and the candidate's own profile, changed by their private link. Moving a
candidate on once enough assemblies have nominated them is the organizers' act
(``endorsements.candidate_advance``).

A new candidacy returns its private link's secret once (``questionnaires`` keeps only
its hash) and, when the candidate has an email, sends it there after the commit. The
secret never reaches the audit log.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.audit.services import audit_append
from bloc.confederation.models import Council
from bloc.core.errors import Conflict, ValidationFailed
from bloc.electoral import questionnaires
from bloc.electoral.models import (
    DEFAULT_RUBRIC,
    Candidate,
    Cycle,
    Level,
    Nomination,
    Platform,
)
from bloc.institutions.models import Chapter, Institution
from bloc.validation import clean_text

logger = logging.getLogger(__name__)

MAX_RUBRIC = 10
MAX_NOMINATIONS_NEEDED = 50
MAX_PROFILE = 5000
MAX_STATEMENT = 5000

# What ``cycle_update`` may change (and ``cycle_create`` sets).
CYCLE_FIELDS = (
    "title",
    "election_date",
    "platform",
    "council",
    "nominations_needed",
    "questionnaire",
    "answered_percent",
    "answers_public_at",
    "assembly_votes",
    "assembly_percent",
    "chapter_percent",
    "pledges_needed",
    "rubric",
)


def _person(actor: object) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- cycles -----------------------------------------------------------------------


def _percent(field: str, value: Any, *, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= 100:
        raise ValidationFailed.for_field(
            field, _("Give a percentage from %(least)s to 100.") % {"least": least}
        )
    return value


def _clean_rubric(rubric: Sequence[str] | None) -> list[str]:
    if rubric is None:
        return list(DEFAULT_RUBRIC)
    if isinstance(rubric, str):
        rubric = rubric.splitlines()
    criteria: list[str] = []
    for line in rubric:
        criterion = clean_text("rubric", str(line), 200)
        if criterion and criterion.casefold() not in {c.casefold() for c in criteria}:
            criteria.append(criterion)
    if not criteria:
        raise ValidationFailed.for_field(
            "rubric", _("Give at least one criterion to score state and national campaigns on.")
        )
    if len(criteria) > MAX_RUBRIC:
        raise ValidationFailed.for_field(
            "rubric", _("A rubric has at most %(n)s criteria.") % {"n": MAX_RUBRIC}
        )
    return criteria


def _clean_cycle(chapter: Chapter, values: dict[str, Any], changed: set[str]) -> dict[str, Any]:
    """The cycle's fields, checked; ``changed`` names those the actor set (a date in the
    past is refused only when it is being set)."""
    out = dict(values)
    out["title"] = clean_text("title", values["title"], 200, required=_("Give the cycle a title."))
    election_date = values["election_date"]
    if not isinstance(election_date, datetime.date) or isinstance(election_date, datetime.datetime):
        raise ValidationFailed.for_field("election_date", _("Give the election's date."))
    if "election_date" in changed and election_date < timezone.localdate():
        raise ValidationFailed.for_field(
            "election_date", _("The election date is in the past."), code="election_past"
        )
    council = values["council"]
    if not isinstance(council, Council) or council.chapter_id != chapter.pk:
        raise ValidationFailed.for_field(
            "council", _("Choose a council of the chapter: its delegates hold the chapter vote.")
        )
    platform = values["platform"]
    if platform is not None and (
        not isinstance(platform, Platform) or platform.chapter_id != chapter.pk
    ):
        raise ValidationFailed.for_field("platform", _("Choose a platform of the chapter."))
    needed = values["nominations_needed"]
    if isinstance(needed, bool) or not isinstance(needed, int):
        raise ValidationFailed.for_field("nominations_needed", _("Give a whole number."))
    if not 1 <= needed <= MAX_NOMINATIONS_NEEDED:
        raise ValidationFailed.for_field(
            "nominations_needed",
            _("Ask for the nominations of 1 to %(n)s assemblies.") % {"n": MAX_NOMINATIONS_NEEDED},
        )
    out["questionnaire"] = bool(values["questionnaire"])
    out["assembly_votes"] = bool(values["assembly_votes"])
    out["answered_percent"] = _percent("answered_percent", values["answered_percent"])
    out["assembly_percent"] = _percent("assembly_percent", values["assembly_percent"], least=1)
    out["chapter_percent"] = _percent("chapter_percent", values["chapter_percent"], least=1)
    pledges = values["pledges_needed"]
    if isinstance(pledges, bool) or not isinstance(pledges, int) or pledges < 0:
        raise ValidationFailed.for_field("pledges_needed", _("Give a whole number, 0 or more."))
    if platform is None and pledges > 0:
        raise ValidationFailed.for_field(
            "pledges_needed",
            _("Choose the platform candidates pledge to, or ask for no pledges."),
        )
    if platform is not None and pledges > platform.priorities.count():
        raise ValidationFailed.for_field(
            "pledges_needed",
            _("The platform has only %(n)s priorities to pledge to.")
            % {"n": platform.priorities.count()},
        )
    public_at = values["answers_public_at"]
    if public_at is not None:
        if not isinstance(public_at, datetime.datetime) or timezone.is_naive(public_at):
            raise ValidationFailed.for_field(
                "answers_public_at", _("Give a date and time with a time zone.")
            )
        if timezone.localtime(public_at).date() > election_date:
            raise ValidationFailed.for_field(
                "answers_public_at",
                _("Make the answers public before the election, not after it."),
            )
    out["rubric"] = _clean_rubric(values["rubric"])
    return out


def _audit_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def cycle_create(
    *,
    actor: object,
    chapter: Chapter,
    title: str,
    election_date: datetime.date,
    council: Council,
    platform: Platform | None = None,
    nominations_needed: int = 1,
    questionnaire: bool = True,
    answered_percent: int = 100,
    answers_public_at: datetime.datetime | None = None,
    assembly_votes: bool = True,
    assembly_percent: int = 50,
    chapter_percent: int = 60,
    pledges_needed: int = 3,
    rubric: Sequence[str] | None = None,
) -> Cycle:
    """A new endorsement cycle. The rubric (for state and national races) defaults to
    ``DEFAULT_RUBRIC``; a cycle without a platform asks for no pledges."""
    permissions.require(actor, "cycle.manage", chapter)
    values = _clean_cycle(
        chapter,
        {
            "title": title,
            "election_date": election_date,
            "platform": platform,
            "council": council,
            "nominations_needed": nominations_needed,
            "questionnaire": questionnaire,
            "answered_percent": answered_percent,
            "answers_public_at": answers_public_at,
            "assembly_votes": assembly_votes,
            "assembly_percent": assembly_percent,
            "chapter_percent": chapter_percent,
            "pledges_needed": pledges_needed,
            "rubric": rubric,
        },
        set(CYCLE_FIELDS),
    )
    with transaction.atomic():
        if Cycle.objects.filter(chapter=chapter, title__iexact=values["title"]).exists():
            raise ValidationFailed.for_field(
                "title", _("The chapter already has a cycle with this title."), code="duplicate"
            )
        cycle = Cycle.objects.create(chapter=chapter, created_by=_person(actor), **values)
        audit_append(
            actor=actor,
            action="cycle.create",
            subject=cycle,
            data={k: _audit_value(v) for k, v in values.items()},
        )
    return cycle


def cycle_update(*, actor: object, cycle: Cycle, **changes: Any) -> Cycle:
    """Change some of the cycle's settings (``CYCLE_FIELDS``). Once the answers are
    public, their time no longer moves."""
    permissions.require(actor, "cycle.manage", cycle.chapter)
    unknown = sorted(set(changes) - set(CYCLE_FIELDS))
    if unknown:
        raise ValidationFailed.for_field(
            unknown[0], _("This cannot be changed: %(name)s.") % {"name": unknown[0]}
        )
    current = {name: getattr(cycle, name) for name in CYCLE_FIELDS}
    changed = {k for k, v in changes.items() if v != current[k]}
    if not changed:
        return cycle
    values = _clean_cycle(cycle.chapter, {**current, **changes}, changed)
    if "answers_public_at" in changed and questionnaires.answers_final(cycle):
        raise Conflict(
            _("The answers are public already: their time can no longer change."),
            code="answers_public",
        )
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if (
            "title" in changed
            and Cycle.objects.filter(chapter=cycle.chapter, title__iexact=values["title"])
            .exclude(pk=cycle.pk)
            .exists()
        ):
            raise ValidationFailed.for_field(
                "title", _("The chapter already has a cycle with this title."), code="duplicate"
            )
        really = sorted(k for k in changed if values[k] != getattr(locked, k))
        for name in really:
            setattr(locked, name, values[name])
        if really:
            locked.save(update_fields=really)
            audit_append(
                actor=actor,
                action="cycle.update",
                subject=locked,
                data={k: _audit_value(values[k]) for k in really},
            )
    return locked


# --- candidates -------------------------------------------------------------------


def _running_open(cycle: Cycle) -> None:
    """Refuse new candidacies and nominations once the election day has come."""
    if cycle.election_date <= timezone.localdate():
        raise Conflict(
            _("The election of %(date)s has taken place: nominations are closed.")
            % {"date": cycle.election_date.isoformat()},
            code="election_past",
        )


def _clean_website(website: str | None) -> str:
    website = clean_text("website", website, 200)
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except DjangoValidationError:
            raise ValidationFailed.for_field(
                "website", _("Give a web address starting with https://.")
            ) from None
    return website


def _clean_email(email: str | None) -> str:
    email = clean_text("email", email, 254)
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed.for_field("email", _("Give a valid email address.")) from None
    return email


def _clean_candidacy(
    *,
    name: str,
    office: str,
    district: str,
    level: str,
    profile: str,
    website: str,
    email: str,
) -> dict[str, Any]:
    fields = {
        "name": clean_text("name", name, 200, required=_("Give the candidate's name.")),
        "office": clean_text(
            "office", office, 200, required=_("Name the office (say, City council).")
        ),
        "district": clean_text("district", district, 200),
        "profile": clean_text("profile", profile, MAX_PROFILE),
        "website": _clean_website(website),
        "email": _clean_email(email),
    }
    if level not in Level.values:
        raise ValidationFailed.for_field("level", _("Choose local, state or national."))
    fields["level"] = level
    return fields


def _no_duplicate(cycle: Cycle, name: str, office: str, member: Any) -> None:
    same = Candidate.objects.filter(cycle=cycle, name__iexact=name, office__iexact=office).first()
    if same is not None:
        raise Conflict(
            _(
                "%(name)s is already a candidate for %(office)s in this cycle: second "
                "their nomination instead."
            )
            % {"name": same.name, "office": same.office},
            code="duplicate_candidate",
        )
    if member is not None and Candidate.objects.filter(cycle=cycle, member=member).exists():
        raise Conflict(
            _("%(name)s is already a candidate in this cycle.") % {"name": member.full_name},
            code="duplicate_candidate",
        )


def _create_candidate(
    *, actor: object, cycle: Cycle, fields: dict[str, Any], member: Any, applied: bool
) -> tuple[Candidate, str]:
    secret, digest = questionnaires.new_secret()
    _no_duplicate(cycle, fields["name"], fields["office"], member)
    try:
        with transaction.atomic():
            candidate = Candidate.objects.create(
                cycle=cycle,
                member=member,
                applied=applied,
                token_hash=digest,
                created_by=_person(actor),
                **fields,
            )
    except IntegrityError:
        _no_duplicate(cycle, fields["name"], fields["office"], member)
        raise
    return candidate, secret


def candidate_nominate(
    *,
    actor: object,
    institution: Institution,
    cycle: Cycle,
    name: str = "",
    office: str,
    level: str,
    district: str = "",
    profile: str = "",
    website: str = "",
    email: str = "",
    statement: str = "",
    member: Any = None,
) -> tuple[Candidate, str]:
    """An assembly nominates a new candidate, typically one of its members (``member``:
    their account, whose name and email are used when none is given). Returns the
    candidate and their private link's secret, shown once; the link is emailed to
    the candidate after the commit when there is an address."""
    permissions.require(actor, "candidate.nominate", institution)
    if institution.chapter_id != cycle.chapter_id:
        raise ValidationFailed.for_field(
            "institution",
            _("%(name)s is not an assembly of this cycle's chapter.") % {"name": institution.name},
            code="wrong_chapter",
        )
    _running_open(cycle)
    if member is not None:
        from bloc.membership.models import Membership

        if not Membership.objects.filter(
            institution=institution, user_id=member.pk, left_at__isnull=True
        ).exists():
            raise ValidationFailed.for_field(
                "member",
                _("Only a member of %(name)s can be linked to its nomination.")
                % {"name": institution.name},
            )
        name = name or member.full_name
        email = email or member.email
    fields = _clean_candidacy(
        name=name,
        office=office,
        district=district,
        level=level,
        profile=profile,
        website=website,
        email=email,
    )
    statement = clean_text("statement", statement, MAX_STATEMENT)
    with transaction.atomic():
        candidate, secret = _create_candidate(
            actor=actor, cycle=cycle, fields=fields, member=member, applied=False
        )
        Nomination.objects.create(
            candidate=candidate,
            institution=institution,
            statement=statement,
            created_by=_person(actor),
        )
        audit_append(
            actor=actor,
            action="candidate.nominate",
            subject=candidate,
            data={
                "cycle": cycle.pk,
                "institution": institution.slug,
                "name": candidate.name,
                "office": candidate.office,
                "level": candidate.level,
                "member": member.pk if member is not None else None,
            },
        )
        _email_link_on_commit(candidate, secret)
    return candidate, secret


def nomination_add(
    *, actor: object, candidate: Candidate, institution: Institution, statement: str = ""
) -> Nomination:
    """Another assembly seconds a candidate's nomination (once per assembly)."""
    permissions.require(actor, "candidate.nominate", institution)
    cycle = candidate.cycle
    if institution.chapter_id != cycle.chapter_id:
        raise ValidationFailed.for_field(
            "institution",
            _("%(name)s is not an assembly of this cycle's chapter.") % {"name": institution.name},
            code="wrong_chapter",
        )
    _running_open(cycle)
    statement = clean_text("statement", statement, MAX_STATEMENT)
    already = Conflict(
        _("%(assembly)s has already nominated %(name)s.")
        % {"assembly": institution.name, "name": candidate.name},
        code="already_nominated",
    )
    try:
        with transaction.atomic():
            locked = (
                Candidate.objects.select_for_update(of=("self",))
                .select_related("cycle")
                .get(pk=candidate.pk)
            )
            if locked.stage not in questionnaires.OPEN_STAGES:
                raise Conflict(
                    _("%(name)s's candidacy is %(stage)s: it can no longer be nominated.")
                    % {"name": locked.name, "stage": locked.get_stage_display().lower()},
                    code="not_running",
                )
            if Nomination.objects.filter(candidate=locked, institution=institution).exists():
                raise already
            nomination = Nomination.objects.create(
                candidate=locked,
                institution=institution,
                statement=statement,
                created_by=_person(actor),
            )
            audit_append(
                actor=actor,
                action="candidate.second",
                subject=locked,
                data={"institution": institution.slug},
            )
    except IntegrityError:
        raise already from None
    return nomination


def candidate_apply(
    *,
    actor: object,
    cycle: Cycle,
    office: str,
    level: str,
    name: str = "",
    district: str = "",
    profile: str = "",
    website: str = "",
    email: str = "",
) -> tuple[Candidate, str]:
    """A person applies for the chapter's endorsement. The application still needs the
    nominations of ``cycle.nominations_needed`` assemblies. Returns the candidate and
    the private link's secret (shown once, and emailed)."""
    permissions.require(actor, "candidate.apply", cycle.chapter)
    _running_open(cycle)
    person: Any = actor
    fields = _clean_candidacy(
        name=name or person.full_name,
        office=office,
        district=district,
        level=level,
        profile=profile,
        website=website,
        email=email or person.email,
    )
    with transaction.atomic():
        candidate, secret = _create_candidate(
            actor=actor, cycle=cycle, fields=fields, member=person, applied=True
        )
        audit_append(
            actor=actor,
            action="candidate.apply",
            subject=candidate,
            data={
                "cycle": cycle.pk,
                "name": candidate.name,
                "office": candidate.office,
                "level": candidate.level,
            },
        )
        _email_link_on_commit(candidate, secret)
    return candidate, secret


def candidate_profile_update(*, secret: str, profile: str, website: str) -> Candidate:
    """The candidate changes their profile and website, by their private link."""
    profile = clean_text("profile", profile, MAX_PROFILE)
    website = _clean_website(website)
    with transaction.atomic():
        candidate = questionnaires._locked(secret)
        questionnaires._still_running(candidate)
        changed = [
            name
            for name, value in (("profile", profile), ("website", website))
            if getattr(candidate, name) != value
        ]
        if changed:
            candidate.profile = profile
            candidate.website = website
            candidate.save(update_fields=changed)
            audit_append(
                actor=SYSTEM,
                action="candidate.profile",
                subject=candidate,
                data={"by": f"candidate:{candidate.pk}", "fields": changed},
            )
    return candidate


# --- the link by email ------------------------------------------------------------


def answer_url(secret: str) -> str:
    """The private link's address on this site."""
    from bloc.decisions.notifications import absolute_url

    return absolute_url(reverse("electoral:candidate_answer", args=[secret]))


def _email_link_on_commit(candidate: Candidate, secret: str) -> None:
    if candidate.email:
        transaction.on_commit(lambda: send_candidate_link(candidate, secret))


def send_candidate_link(candidate: Candidate, secret: str) -> int:
    """Email the candidate their private link; returns the emails sent (0 or 1)."""
    from bloc.decisions.notifications import send_safely

    if not candidate.email:
        return 0
    language = settings.LANGUAGE_CODE
    if candidate.member is not None and getattr(candidate.member, "preferred_language", ""):
        language = candidate.member.preferred_language
    with translation.override(language):
        context = {
            "candidate": candidate,
            "cycle": candidate.cycle,
            "url": answer_url(secret),
        }
        subject = render_to_string("electoral/email/candidate_link_subject.txt", context)
        body = render_to_string("electoral/email/candidate_link_body.txt", context)
    return send_safely([EmailMessage(" ".join(subject.split()), body, to=[candidate.email])])
