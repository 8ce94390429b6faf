"""Writes about participation equity: a person's own self-description, the chapter's
questions, and an institution's population baseline.

Each checks permission, validates everything before writing, and writes in one
transaction with its audit event; a refusal writes nothing. A self-description is
private: its audit events say only that the person changed it, never what they said
(the audit log cannot be erased, a self-description can).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.core.errors import Conflict, ValidationFailed
from bloc.hub import equity_selectors as sel
from bloc.hub.equity import BUILTIN_DIMENSIONS
from bloc.hub.models import (
    AgeBand,
    DescriptionCategory,
    HomeLanguage,
    PopulationFigure,
    SelfDescription,
    Tenure,
)
from bloc.institutions.models import Chapter, Institution
from bloc.validation import clean_text

NAME_MAX = 160
OPTION_MAX = 80
OPTIONS_FEWEST, OPTIONS_MOST = 2, 12
SOURCE_MAX = 160
RESIDENTS_MOST = 100_000_000


# --- the person's own self-description ------------------------------------------------


def _choice(field: str, value: str | None, choices: Any) -> str:
    value = (value or "").strip()
    if value and value not in choices.values:
        raise ValidationFailed.for_field(field, _("Choose one of the options, or leave it empty."))
    return value


def self_description_save(
    *,
    actor: Any,
    tenure: str = "",
    age_band: str = "",
    language: str = "",
    answers: Mapping[str, Any] | None = None,
) -> SelfDescription | None:
    """Replace the actor's self-description. Every field is optional; ``answers`` maps a
    question's id (as a string) to the index of the chosen option, for the questions
    the actor is asked (``equity_selectors.questions_for``). Answering nothing at all
    deletes the description (None is returned)."""
    permissions.require(actor, "hub.describe_self")
    tenure = _choice("tenure", tenure, Tenure)
    age_band = _choice("age_band", age_band, AgeBand)
    language = _choice("language", language, HomeLanguage)
    asked = {str(q.pk): q for q in sel.questions_for(actor)}
    kept: dict[str, int] = {}
    for key, index in (answers or {}).items():
        key = str(key)
        if index is None or index == "":
            continue
        question = asked.get(key)
        if question is None:
            raise ValidationFailed.for_field(
                "answers", _("One of the answers is to a question you are not asked.")
            )
        if isinstance(index, bool) or not isinstance(index, int):
            try:
                index = int(str(index))
            except ValueError:
                index = -1
        if not 0 <= index < len(question.options):
            raise ValidationFailed.for_field(
                f"category_{key}", _("Choose one of the options, or leave it empty.")
            )
        kept[key] = index
    with transaction.atomic():
        if not (tenure or age_band or language or kept):
            SelfDescription.objects.filter(user_id=actor.pk).delete()
            audit_append(actor=actor, action="self_description.forget", subject=None, data={})
            return None
        description, _created = SelfDescription.objects.update_or_create(
            user_id=actor.pk,
            defaults={
                "tenure": tenure,
                "age_band": age_band,
                "language": language,
                "answers": kept,
            },
        )
        # What they said stays out of the log: only that they changed it.
        audit_append(actor=actor, action="self_description.save", subject=None, data={})
    return description


def self_description_forget(*, actor: Any) -> None:
    """Delete everything the actor said about themselves."""
    permissions.require(actor, "hub.describe_self")
    with transaction.atomic():
        SelfDescription.objects.filter(user_id=actor.pk).delete()
        audit_append(actor=actor, action="self_description.forget", subject=None, data={})


# --- the chapter's questions ----------------------------------------------------------


def parse_options(text: str) -> list[str]:
    """Options typed one per line: trimmed, blank lines left out."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def category_add(
    *, actor: Any, chapter: Chapter, name: str, options: list[str]
) -> DescriptionCategory:
    """Ask the chapter's residents a new question with 2 to 12 distinct options."""
    permissions.require(actor, "hub.organize", chapter)
    name = clean_text("name", name, NAME_MAX, required=_("Write the question."))
    cleaned = [" ".join(str(o).split()) for o in options or []]
    cleaned = [o for o in cleaned if o]
    if not OPTIONS_FEWEST <= len(cleaned) <= OPTIONS_MOST:
        raise ValidationFailed.for_field(
            "options",
            _("Give between %(fewest)s and %(most)s options, one per line.")
            % {"fewest": OPTIONS_FEWEST, "most": OPTIONS_MOST},
        )
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        raise ValidationFailed.for_field("options", _("Each option must be different."))
    for option in cleaned:
        if len(option) > OPTION_MAX:
            raise ValidationFailed.for_field(
                "options",
                _("Keep each option under %(most)s characters.") % {"most": OPTION_MAX},
            )
    with transaction.atomic():
        category = DescriptionCategory.objects.create(chapter=chapter, name=name, options=cleaned)
        audit_append(
            actor=actor,
            action="hub.category_add",
            subject=category,
            data={"chapter": chapter.slug, "name": name, "options": list(cleaned)},
        )
    return category


def category_retire(*, actor: Any, category: DescriptionCategory) -> DescriptionCategory:
    """Stop asking a question; its answers are no longer reported."""
    permissions.require(actor, "hub.organize", category.chapter)
    with transaction.atomic():
        locked = DescriptionCategory.objects.select_for_update().get(pk=category.pk)
        if locked.retired_at is not None:
            raise Conflict(_("That question was already retired."))
        locked.retired_at = timezone.now()
        locked.save(update_fields=["retired_at"])
        audit_append(actor=actor, action="hub.category_retire", subject=locked, data={})
    return locked


# --- an institution's population baseline ---------------------------------------------


def population_groups(*, institution: Institution, dimension: str) -> list[str]:
    """The groups of ``dimension`` for ``institution``'s chapter; ``ValidationFailed``
    when it is not a dimension the chapter reports on."""
    if dimension in BUILTIN_DIMENSIONS:
        return [str(v) for v in BUILTIN_DIMENSIONS[dimension].values]
    for category in sel.categories_of(chapter=institution.chapter):
        if dimension == f"category:{category.pk}":
            return [str(i) for i in range(len(category.options))]
    raise ValidationFailed.for_field("dimension", _("There is no such question."))


def population_set(
    *,
    actor: Any,
    institution: Institution,
    dimension: str,
    figures: Mapping[str, int | None],
    source: str = "",
) -> list[PopulationFigure]:
    """Replace ``dimension``'s figures for ``institution``'s area: ``figures`` maps a
    group to how many residents are in it (None: not known). At least one figure."""
    permissions.require(actor, "hub.population", institution)
    groups = population_groups(institution=institution, dimension=dimension)
    source = clean_text("source", source, SOURCE_MAX)
    rows = []
    for group, residents in (figures or {}).items():
        group = str(group)
        if group not in groups:
            raise ValidationFailed.for_field("figures", _("One of the groups does not exist."))
        if residents is None or residents == "":
            continue
        if isinstance(residents, bool) or not isinstance(residents, int):
            raise ValidationFailed.for_field(
                f"group_{group}", _("Enter a whole number of residents.")
            )
        if not 0 <= residents <= RESIDENTS_MOST:
            raise ValidationFailed.for_field(
                f"group_{group}",
                _("Enter a number between 0 and %(most)s.") % {"most": RESIDENTS_MOST},
            )
        rows.append(
            PopulationFigure(
                institution=institution,
                dimension=dimension,
                group=group,
                residents=residents,
                source=source,
                entered_by_id=actor.pk,
            )
        )
    if not rows:
        raise ValidationFailed.for_field(
            "figures", _("Enter at least one figure, or clear the figures instead.")
        )
    with transaction.atomic():
        # One writer at a time per institution: two saves of the same dimension would
        # otherwise both delete, then both insert, and the second hit the unique key.
        Institution.objects.select_for_update().filter(pk=institution.pk).first()
        PopulationFigure.objects.filter(institution=institution, dimension=dimension).delete()
        made = PopulationFigure.objects.bulk_create(rows)
        audit_append(
            actor=actor,
            action="hub.population_set",
            subject=institution,
            data={
                "dimension": dimension,
                "source": source,
                "figures": {r.group: r.residents for r in rows},
            },
        )
    return made


def population_clear(*, actor: Any, institution: Institution, dimension: str) -> int:
    """Remove ``dimension``'s figures: the members who described themselves become the
    baseline again. Returns how many figures were removed."""
    permissions.require(actor, "hub.population", institution)
    entered = PopulationFigure.objects.filter(institution=institution, dimension=dimension)
    if not entered.exists():
        # Figures of a retired question can still be cleared; anything else must exist.
        population_groups(institution=institution, dimension=dimension)
    with transaction.atomic():
        removed, _detail = entered.delete()
        audit_append(
            actor=actor,
            action="hub.population_clear",
            subject=institution,
            data={"dimension": dimension},
        )
    return removed
