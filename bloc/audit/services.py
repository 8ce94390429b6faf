"""Appending to the audit log. Every other service calls ``audit_append``."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection, models
from django.utils import timezone

from bloc.actors import actor_label
from bloc.audit.models import AuditEvent, AuditHead
from bloc.core import auditlog


def subject_label(subject: models.Model | str | None) -> str:
    """``app.model:pk`` for a model instance; strings pass through."""
    if subject is None:
        return ""
    if isinstance(subject, str):
        return subject
    meta = subject._meta
    return f"{meta.app_label}.{meta.model_name}:{subject.pk}"


def audit_append(
    *,
    actor: object,
    action: str,
    subject: models.Model | str | None = None,
    data: Mapping[str, auditlog.JSONValue] | None = None,
) -> AuditEvent:
    """Link one event to the end of the chain, inside the caller's transaction.

    Must run inside ``transaction.atomic``: the event and the change it
    records commit together or not at all.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_append must run inside the transaction of the write it records")
    if connection.vendor == "postgresql":
        # PostgreSQL checks Django's foreign keys (deferred) at commit, locking each row
        # they point to (FOR KEY SHARE): after the head, the reverse of a writer that
        # locks such a row (select_for_update, e.g. a meeting's queue) and then appends.
        # The two would deadlock; so check what this transaction wrote so far now,
        # before taking the head, and go back to checking at commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    head_row = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head_row is None:
        # The head row is made by a migration; only an emptied database (the
        # test suite's flush) lacks it. Several writers may get here at once:
        # ON CONFLICT DO NOTHING lets one insert it while the others wait for
        # that insert and then lock the same row.
        AuditHead.objects.bulk_create([AuditHead(pk=1)], ignore_conflicts=True)
        head_row = AuditHead.objects.select_for_update().get(pk=1)
    now = timezone.now()
    linked = auditlog.link(
        head_row.as_head(),
        at=auditlog.format_time(now),
        action=action,
        actor=actor_label(actor),
        subject=subject_label(subject),
        data=data,
    )
    event = linked.event
    row = AuditEvent.objects.create(
        seq=event.seq,
        at=now,
        action=event.action,
        actor=event.actor,
        subject=event.subject,
        data=dict(event.data),
        prev_hash=linked.prev_hash,
        hash=linked.hash,
    )
    AuditHead.objects.filter(pk=1).update(seq=event.seq, hash=linked.hash)
    return row
